"""Headers every page outside the admin carries."""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse


def content_security_policy() -> str:
    """The browser loads nothing but this site's own stylesheet and pictures (and uploads from
    the media host, when that is elsewhere): no scripts, frames, fonts or forms, so a page can
    never tell another site of a visit, whatever an editor pastes into a text."""
    media = urlsplit(settings.MEDIA_URL)
    images = "'self' data:"
    if media.scheme and media.netloc:
        images += f" {media.scheme}://{media.netloc}"
    return (
        "default-src 'none'; "
        "style-src 'self'; "
        f"img-src {images}; "
        "base-uri 'none'; "
        "form-action 'none'; "
        "frame-ancestors 'none'"
    )


class ContentSecurityPolicyMiddleware:
    """Public pages, previews and error pages (404s included) get the policy; the admin, which
    runs its own scripts and forms, does not."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(reverse("admin:index")):
            response.setdefault("Content-Security-Policy", self.policy)
        return response
