"""Site-wide pages: robots.txt, the accessibility statement, the privacy notice and the error
pages."""

import datetime
import sys

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from campaign_site.context_processors import site_name
from campaigns import helplines
from core.disk_full import disk_full_response, is_admin_request, is_disk_full
from core.page_meta import PageMeta


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_URL}",
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

    def get_context_data(self, **kwargs) -> dict:
        meta = PageMeta(
            title=_("Accessibility statement"),
            description=_(
                "How accessible this website is, what has and has not been tested, and how to "
                "report a problem."
            ),
        )
        return super().get_context_data(page_meta=meta, **kwargs)


class PrivacyView(TemplateView):
    template_name = "site/privacy.html"

    def get_context_data(self, **kwargs) -> dict:
        meta = PageMeta(
            title=_("Privacy notice"),
            description=_(
                "What this website records: nothing about visitors to its public pages, and "
                "what it keeps about staff and partners who sign in."
            ),
        )
        return super().get_context_data(page_meta=meta, **kwargs)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's own 404 page. It is no page's address, so it names none as canonical."""
    meta = PageMeta(
        title=_("Page not found"),
        description=_(
            "There is no page at this address. Every page of this site gives the number to "
            "call for help in confidence."
        ),
        canonical=False,
    )
    html = loader.render_to_string("404.html", {"page_meta": meta}, request)
    return HttpResponseNotFound(html)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (usually one left open too long) explained in the site's own page."""
    return HttpResponseForbidden(loader.get_template("403_csrf.html").render(request=request))


def _plain_error_page() -> str:
    """The 500 page's HTML, rendered without the request (so without context processors) and
    without reading the database, which may be what failed: the helplines come from the cache
    or settings."""
    context = {
        "SITE_NAME": site_name(),
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
        "site_helplines": helplines.remembered(),
    }
    return loader.get_template("500.html").render(context)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_disk_full(sys.exc_info()[1]) and is_admin_request(request):
        # Nothing was saved: the editor is told so on the page they came from.
        return disk_full_response(request)
    return HttpResponseServerError(_plain_error_page())


# How long a visitor's browser (or a CDN) should wait before asking again while the database
# cannot be reached: a restart takes seconds.
RETRY_AFTER_SECONDS = 10


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """The plain page with the helplines, as 503 with Retry-After, for a page that cannot be
    made while the database cannot be reached. Called by the page cache, outside the middleware
    that chooses the language and adds the security policy, so it does both itself."""
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        response = HttpResponse(_plain_error_page(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = language
    for middleware in (XFrameOptionsMiddleware, CSPMiddleware):
        response = middleware(lambda _request, page=response: page)(request)
    return response
