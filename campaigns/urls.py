from django.urls import path

from campaigns import feeds, views
from campaigns.public import public

app_name = "campaigns"

urlpatterns = [
    path("", public(views.HomeView.as_view()), name="home"),
    path(
        "campaigns/<slug:slug>/", public(views.CampaignDetailView.as_view()), name="campaign_detail"
    ),
    # The CSV's CSV on the Web metadata, at the address such readers look for (before the
    # downloads, whose pattern would take it for a format).
    path(
        "campaigns/<slug:slug>/statistics.csv-metadata.json",
        public(views.CampaignStatisticsMetadataView.as_view()),
        name="campaign_statistics_metadata",
    ),
    path(
        "campaigns/<slug:slug>/statistics.<str:format>",
        public(views.CampaignStatisticsView.as_view()),
        name="campaign_statistics",
    ),
    path(
        "campaigns/<slug:campaign_slug>/statements/<slug:slug>/",
        public(views.StatementDetailView.as_view()),
        name="statement_detail",
    ),
    path(
        "campaigns/<slug:slug>/statements.rss",
        public(feeds.StatementFeed()),
        name="campaign_feed_rss",
    ),
    path(
        "campaigns/<slug:slug>/statements.atom",
        public(feeds.AtomStatementFeed()),
        name="campaign_feed_atom",
    ),
    path("feeds/statements.rss", public(feeds.StatementFeed()), name="feed_rss"),
    path("feeds/statements.atom", public(feeds.AtomStatementFeed()), name="feed_atom"),
    path("regions/<slug:slug>/", public(views.RegionDetailView.as_view()), name="region_detail"),
    path("partners/<slug:slug>/", public(views.PartnerDetailView.as_view()), name="partner_detail"),
    # A partner's campaign card, for its own websites to frame: its latest current campaign, or
    # one it names (for a partner in several).
    path(
        "partners/<slug:slug>/card/", public(views.PartnerCardView.as_view()), name="partner_card"
    ),
    path(
        "partners/<slug:slug>/card/<slug:campaign_slug>/",
        public(views.PartnerCardView.as_view()),
        name="partner_campaign_card",
    ),
    # Staff previews of drafts and scheduled items (not public, never cached).
    path(
        "preview/campaigns/<int:pk>/",
        views.CampaignPreviewView.as_view(),
        name="campaign_preview",
    ),
    path(
        "preview/statements/<int:pk>/",
        views.StatementPreviewView.as_view(),
        name="statement_preview",
    ),
    # A partner's sign-off of its quotes, through a signed link (not public, never cached).
    path("sign-off/<str:token>/", views.SignOffView.as_view(), name="sign_off"),
]
