from django.urls import path

from campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("campaigns/<slug:slug>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path(
        "campaigns/<slug:slug>/statistics.<str:format>",
        views.CampaignStatisticsView.as_view(),
        name="campaign_statistics",
    ),
    path(
        "campaigns/<slug:campaign_slug>/statements/<slug:slug>/",
        views.StatementDetailView.as_view(),
        name="statement_detail",
    ),
    path("regions/<slug:slug>/", views.RegionDetailView.as_view(), name="region_detail"),
    path("partners/<slug:slug>/", views.PartnerDetailView.as_view(), name="partner_detail"),
]
