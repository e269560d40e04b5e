"""What every public page's response goes through, applied by the `public` view decorator."""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils.cache import set_response_etag

from campaigns.page_cache import cached_public_page


def tagged(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """An ETag made from the page before it is compressed, the same whichever encoding a
    browser is sent (a weak tag: the same page, not the same bytes), so a browser or CDN can be
    told '304 Not Modified'."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if callable(getattr(response, "render", None)):
            response = response.render()
        if response.status_code == 200 and not response.streaming and "ETag" not in response:
            set_response_etag(response)
        return response

    return wrapper


def public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A public page: served from the page cache, tagged for revalidation, and compressed by
    the page cache's middleware (Brotli or gzip, once per page when it is cached). It carries
    no secrets: no forms, no tokens, nothing about the visitor, so compression without
    BREACH's random padding is safe for it, and large tables become cheap on a slow
    connection. The content security policy is added by middleware, for error pages too."""
    return tagged(cached_public_page(view))
