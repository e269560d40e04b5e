"""Site-wide pages: robots.txt and the error pages."""

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseServerError,
)
from django.template import loader
from django.views.decorators.http import require_GET


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (usually one left open too long) explained in the site's own page."""
    return HttpResponseForbidden(loader.get_template("403_csrf.html").render(request=request))


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, rendered without context processors or database access."""
    return HttpResponseServerError(loader.get_template("500.html").render())
