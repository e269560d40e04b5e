"""The site's URLs plus one that fails, to see the 500 page as a visitor would."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from campaign_site.urls import handler500
from campaign_site.urls import urlpatterns as site_urlpatterns


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a secret detail that must not be shown")


urlpatterns = [*site_urlpatterns, path("fail/", fail), path("cy/fail/", fail)]
__all__ = ["handler500", "urlpatterns"]
