"""Whole public pages, cached and keyed by the site's content version.

Every save or delete of anything a public page can show (campaigns, statements, quotes, figures,
regions, organisations, statistics, imports that changed figures: `PUBLIC_CONTENT`) bumps one
version number in the database once its transaction commits; a page cached under an older
version is never served again. Nothing else does: an upload waiting for its preview, a refused
or unchanged import, a user's partner membership, change no page and keep the cache. The version is
read from the database on every request (one query), so several processes or hosts, each with
its own cache, never disagree about what is current.

Nothing else changes a page except time: a campaign or statement scheduled to publish later
becomes public at its publish time, so a page is cached no longer than until the next scheduled
publish time (and never longer than PUBLIC_PAGE_CACHE_SECONDS, which also bounds "runs until"
turning into "ran until" at midnight).

Only anonymous-looking responses are cached: 200s with no cookies and no `Vary: Cookie`. Browsers
must ask again each time (max-age=0: a page kept by the browser would hide an edit from the
editor who just made it), which the ETag makes cheap (304 Not Modified); a CDN in front may keep
a page for PUBLIC_SHARED_CACHE_SECONDS (s-maxage).

Two halves work together. The `cached_public_page` view decorator (applied to every public view
by campaigns/public.py) says which responses may be kept, and for how long. `PageCacheMiddleware`
keeps them and serves them. It sits in MIDDLEWARE just inside the security headers and static
files, so that a page is stored with every header the middleware inside it added (the content
security policy, a partner card's own frame-ancestors, X-Frame-Options, Content-Language, the
ETag) and a hit skips all of that work: sessions, CSRF, authentication, versions, messages and
URL resolving are never touched for a page served from the cache, and no cookie can be set.
A page is compressed once, when it is stored, in every encoding (Brotli, gzip, none), each kept
under its own key as plain bytes and headers, so a hit unpickles only the bytes it sends.

While the database cannot be reached (restarted, failed over, out of connections), the version
cannot be read, and the middleware degrades instead of failing: a page cached under the last
version this process saw (remembered in memory, and in the cache for processes started during
the outage) is served, marked `X-Page-Cache: stale` and `Cache-Control: no-store` so that
nothing keeps it; any other page gets a plain 503 with the helplines and `Retry-After`
(campaign_site.views.service_unavailable, which reads no database). As soon as the database
answers again, the version is read as before, so an edit still shows on the next request.
"""

import datetime
import hashlib
import logging
import math
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, connection, transaction
from django.db.models import F, Min
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, has_vary_header, set_response_etag

from campaign_site.views import service_unavailable
from campaigns import sections
from campaigns.models import Campaign, ContentVersion, PressStatement, SiteVersion
from campaigns.publishing import scheduled_q
from core import database
from core.compression import ENCODINGS, IDENTITY, MIN_LENGTH, compress, preferred_encoding

KEY_PREFIX = "public-page"
# The last content version read, for other processes that start while the database is down.
LAST_VERSION_KEY = "page-cache:last-version"

logger = logging.getLogger(__name__)


def content_version() -> int:
    """The current content version (one query). Read on every request to a public page, so
    written in SQL: the ORM's building of the same query cost more than running it."""
    table = connection.ops.quote_name(SiteVersion._meta.db_table)
    rows = database.read(f"SELECT number FROM {table} WHERE id = %s", (SiteVersion.SINGLETON,))  # noqa: S608
    return rows[0][0] if rows else 0


def _bump_now(label: str | None = None) -> None:
    updated = SiteVersion.objects.filter(pk=SiteVersion.SINGLETON).update(
        number=F("number") + 1, changed_at=timezone.now()
    )
    if not updated:
        SiteVersion.objects.get_or_create(pk=SiteVersion.SINGLETON, defaults={"number": 1})
    # The kind's own version, for the sections that show it (campaigns/sections.py). A kind
    # never changed before has no row: it is made, at 2 (a missing row reads as 1).
    if label is not None and not ContentVersion.objects.filter(label=label).update(
        number=F("number") + 1
    ):
        ContentVersion.objects.bulk_create(
            [ContentVersion(label=label, number=2)], ignore_conflicts=True
        )


# The models whose rows public pages show (by app label and model name); their many-to-many links
# count too. Everything else changes no public page.
PUBLIC_CONTENT = {
    "regions.region",
    "regions.organisation",
    "regions.metric",
    "regions.statistic",
    "regions.importbatch",  # stands for the statistics an import wrote in bulk
    "campaigns.campaign",
    "campaigns.campaignpartner",
    "campaigns.person",
    "campaigns.pressstatement",
    "campaigns.quote",
    "campaigns.reportedfigure",
}


def public_content_changed(sender, **signal_kwargs) -> str | None:
    """The kind of public content ("campaigns.campaign") a post_save, post_delete or
    m2m_changed signal changed, or None when it cannot change what a public page shows."""
    instance = signal_kwargs.get("instance")
    action = signal_kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return None  # m2m_changed also comes before the change: once after it is enough
    # m2m_changed is sent by the link table: the object whose links changed says what it is.
    model = type(instance) if action is not None else sender
    label = model._meta.label_lower
    if label not in PUBLIC_CONTENT:
        return None
    if label == "regions.importbatch" and not (instance.rows_created or instance.rows_updated):
        return None  # an import that created or changed no figure leaves every page as it was
    return label


def bump_content_version(label: str | None = None, **_signal_kwargs) -> None:
    """Mark every cached page stale, and every cached section showing `label`'s kind of content,
    once the current transaction (if any) commits: bumping earlier would let a request re-cache
    the old content under the new version."""
    transaction.on_commit(lambda: _bump_now(label))


def next_scheduled_publication(now: datetime.datetime) -> datetime.datetime | None:
    """The next time a scheduled campaign or statement is released."""
    times = [
        model.objects.filter(scheduled_q(now=now)).aggregate(next=Min("publish_at"))["next"]
        for model in (Campaign, PressStatement)
    ]
    return min((t for t in times if t is not None), default=None)


def kept_until_publication(maximum: int, now: float, upcoming: float | None) -> int:
    """Seconds something made at `now` may be kept: at most `maximum`, and never past the
    `upcoming` publication (timestamps)."""
    if upcoming is not None:
        maximum = min(maximum, math.floor(upcoming - now))
    return max(maximum, 0)


def _lifetime(now: datetime.datetime) -> int:
    """Seconds a page made now may be kept."""
    upcoming = next_scheduled_publication(now)
    return kept_until_publication(
        settings.PUBLIC_PAGE_CACHE_SECONDS,
        now.timestamp(),
        upcoming.timestamp() if upcoming is not None else None,
    )


def _cache_control(seconds_left: int) -> str:
    """Browsers revalidate every time; a CDN may keep the page as long as it stays current
    here, at most PUBLIC_SHARED_CACHE_SECONDS."""
    shared = max(0, min(seconds_left, settings.PUBLIC_SHARED_CACHE_SECONDS))
    return f"public, max-age=0, s-maxage={shared}"


def _key(request: HttpRequest, version: int) -> str:
    address = request.build_absolute_uri().encode()
    return f"{KEY_PREFIX}:{version}:{hashlib.sha256(address).hexdigest()}"


# Set on the request by the middleware (the page's key, on a miss) and on the response by the
# view decorator (how long it may be kept: 0 for a page that may not be).
KEY_ATTRIBUTE = "_public_page_key"
LIFETIME_ATTRIBUTE = "_public_page_lifetime"
# Headers made afresh for each response, never stored.
UNSTORED_HEADERS = {"cache-control", "content-encoding", "content-length", "x-page-cache"}


def cached_public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a public view's pages to be kept by PageCacheMiddleware, for as long as they stay
    current; every public page is compressed by it too."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        now = timezone.now()
        sections.start(request, now)
        response = view(request, *args, **kwargs)
        if callable(getattr(response, "render", None)):
            response = response.render()
        lifetime = 0
        if (
            getattr(request, KEY_ATTRIBUTE, None)
            and response.status_code == 200
            and not response.streaming
        ):
            lifetime = _lifetime(now)
        if lifetime > 0:
            # The tag of the page itself, before compression, unless the view made its own (a
            # partner's card: its page and its framing policy).
            if not response.has_header("ETag"):
                set_response_etag(response)
            response["Cache-Control"] = _cache_control(lifetime)
        if getattr(request, KEY_ATTRIBUTE, None):
            response["X-Page-Cache"] = "miss"
        setattr(response, LIFETIME_ATTRIBUTE, lifetime)
        return response

    return wrapper


def _encoded(response: HttpResponse, encoding: str, body: bytes) -> HttpResponse:
    """The response carrying `body`, which is in `encoding`."""
    if encoding != IDENTITY:
        response["Content-Encoding"] = encoding
        # Each encoding is other bytes of the same page: its tag becomes a weak one (as
        # Django's GZipMiddleware does), which If-None-Match still matches.
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response["ETag"] = f"W/{etag}"
    response["Content-Length"] = str(len(body))
    response.content = body
    return response


def _storable(response: HttpResponse) -> bool:
    """Only what any visitor may be sent: no cookies, nothing that differs by cookie."""
    return (
        getattr(response, LIFETIME_ATTRIBUTE, 0) > 0
        and response.status_code == 200
        and not response.cookies
        and not has_vary_header(response, "Cookie")
    )


class PageCacheMiddleware:
    """Serve public pages from the page cache, and keep the ones their views allow (see the
    module's docstring); compress every public page for the browser asking."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        encoding = preferred_encoding(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        key = None
        if request.method in ("GET", "HEAD") and settings.PUBLIC_PAGE_CACHE_SECONDS > 0:
            try:
                version = content_version()
            except (DatabaseError, InterfaceError) as error:  # InterfaceError is no DatabaseError
                return self._without_database(request, encoding, error)
            self._remember(version)
            key = _key(request, version)
            hit = self._serve(request, key, encoding)
            if hit is not None:
                return hit
            setattr(request, KEY_ATTRIBUTE, key)
        response = self.get_response(request)
        if not hasattr(response, LIFETIME_ATTRIBUTE) or response.streaming:
            return response  # not a public page (or not one that can be compressed)
        response.headers["Vary"] = _vary_with_encoding(response.get("Vary"))
        if key is not None and _storable(response):
            return self._store(response, key, encoding)
        if response.status_code == 200 and len(response.content) >= MIN_LENGTH:
            return _encoded(response, encoding, compress(response.content, encoding))
        return response

    # The last content version this process read (None until it has read one).
    last_version: int | None = None

    def _remember(self, version: int) -> None:
        if version != PageCacheMiddleware.last_version:
            PageCacheMiddleware.last_version = version
            try:
                cache.set(LAST_VERSION_KEY, version, None)
            except Exception:
                logger.warning("Could not keep the content version in the cache", exc_info=True)

    def _without_database(
        self, request: HttpRequest, encoding: str, error: Exception
    ) -> HttpResponse:
        """The page as cached under the last version seen, or the plain 503 page."""
        # One line per request, not a traceback: an outage would bury the log in them.
        logger.error("Database unreachable, serving from the page cache or 503: %s", error)
        version = PageCacheMiddleware.last_version
        try:
            if version is None:
                version = cache.get(LAST_VERSION_KEY)
            if version is not None:
                stale = self._serve(request, _key(request, version), encoding, stale=True)
            else:
                stale = None
        except Exception:
            logger.warning("Could not read the page cache either", exc_info=True)
            stale = None
        return stale if stale is not None else service_unavailable(request)

    def _serve(
        self, request: HttpRequest, key: str, encoding: str, *, stale: bool = False
    ) -> HttpResponse | None:
        stored = cache.get(key)
        if stored is None:
            return None
        expires, headers, bodies = stored
        seconds_left = math.floor(expires - timezone.now().timestamp())
        if seconds_left <= 0 and not stale:
            return None  # a cache may keep an entry a moment past its time: never serve it
        response = HttpResponse(headers=headers)
        if stale:
            # Perhaps behind the database, which cannot say: no browser or CDN may keep it.
            response["Cache-Control"] = "no-store"
            response["X-Page-Cache"] = "stale"
        else:
            response["Cache-Control"] = _cache_control(seconds_left)
            response["X-Page-Cache"] = "hit"
        _encoded(response, *bodies[encoding])
        answer = get_conditional_response(request, etag=response.get("ETag"), response=response)
        if answer is not response:
            # 304 Not Modified keeps the page's other headers (its security headers among them),
            # as the one made inside the middleware on a miss does.
            for name, value in headers:
                answer.headers.setdefault(name, value)
            del answer.headers["Content-Type"]
        return answer

    def _store(self, response: HttpResponse, key: str, encoding: str) -> HttpResponse:
        """Keep the page, compressed once in every encoding, as plain bytes and headers."""
        lifetime = getattr(response, LIFETIME_ATTRIBUTE)
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in UNSTORED_HEADERS
        ]
        body = response.content
        bodies = {
            name: (name, compress(body, name)) if len(body) >= MIN_LENGTH else (IDENTITY, body)
            for name in (IDENTITY, *ENCODINGS)
        }
        cache.set(key, (timezone.now().timestamp() + lifetime, headers, bodies), lifetime)
        return _encoded(response, *bodies[encoding])


def _vary_with_encoding(vary: str | None) -> str:
    """The Vary header with Accept-Encoding added (a CDN must keep one copy per encoding)."""
    if not vary:
        return "Accept-Encoding"
    if "accept-encoding" in vary.lower():
        return vary
    return f"{vary}, Accept-Encoding"
