"""What every public page's response carries, applied by the `public` view decorator."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.gzip import gzip_page

from campaigns.page_cache import cached_public_page


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


def with_content_security_policy(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.setdefault("Content-Security-Policy", content_security_policy())
        return response

    return wrapper


def public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A public page: served from the page cache, compressed (it carries no secrets: no forms,
    no tokens, so compression is safe from BREACH-style attacks, and large tables become cheap on
    a slow connection) and locked down by a content security policy."""
    return gzip_page(with_content_security_policy(cached_public_page(view)))
