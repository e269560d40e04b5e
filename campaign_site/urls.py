from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from campaign_site.sitemaps import SITEMAPS
from campaign_site.views import robots_txt
from campaigns.calendar_feed import calendar_feed

admin.site.site_header = _("Campaign administration")
admin.site.site_title = _("Campaign administration")
admin.site.index_title = _("Campaigns, partners and figures")

urlpatterns = [
    # A staff member's calendar app, without a session: before the admin, which would ask it
    # to sign in (campaigns/calendar_feed.py).
    path(f"{settings.ADMIN_URL}calendar/feed/<str:token>.ics", calendar_feed, name="calendar_feed"),
    # The admin's address is a setting (DJANGO_ADMIN_URL), so that it need not be /admin/.
    path(settings.ADMIN_URL, admin.site.urls),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
] + i18n_patterns(
    path("", include("campaigns.urls")),
    path("", include("campaign_site.site_urls")),
    path("", include("press.urls")),
    prefix_default_language=False,
)

if settings.SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(rf"^{media_prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    ]

handler404 = "campaign_site.views.page_not_found"
handler500 = "campaign_site.views.server_error"
