"""Site-wide pages: robots.txt, the accessibility statement, the privacy notice and the error
pages."""

import datetime

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseServerError,
)
from django.template import loader
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from campaign_site.context_processors import site_name
from campaigns import helplines


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class AccessibilityView(TemplateView):
    template_name = "site/accessibility.html"
    # Given as dates, so that each language's page writes them in its own words.
    extra_context = {
        "prepared_on": datetime.date(2026, 12, 7),
        "reviewed_on": datetime.date(2026, 12, 7),
    }


class PrivacyView(TemplateView):
    template_name = "site/privacy.html"


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (usually one left open too long) explained in the site's own page."""
    return HttpResponseForbidden(loader.get_template("403_csrf.html").render(request=request))


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, rendered without the request (so without context processors) and without
    reading the database, which may be what failed: the helplines come from the cache or
    settings."""
    context = {
        "SITE_NAME": site_name(),
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
        "site_helplines": helplines.remembered(),
    }
    return HttpResponseServerError(loader.get_template("500.html").render(context))
