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

Only anonymous-looking responses are cached: 200s with no cookies. Browsers must ask again each
time (max-age=0: a page kept by the browser would hide an edit from the editor who just made
it), which the ETag makes cheap (304 Not Modified); a CDN in front may keep a page for
PUBLIC_SHARED_CACHE_SECONDS (s-maxage).
"""

import datetime
import hashlib
import math
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Min
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, set_response_etag

from campaigns.models import Campaign, PressStatement, SiteVersion
from campaigns.publishing import scheduled_q

KEY_PREFIX = "public-page"


def content_version() -> int:
    """The current content version (one query)."""
    number = SiteVersion.objects.filter(pk=SiteVersion.SINGLETON).values_list("number", flat=True)
    return next(iter(number), 0)


def _bump_now() -> None:
    updated = SiteVersion.objects.filter(pk=SiteVersion.SINGLETON).update(
        number=F("number") + 1, changed_at=timezone.now()
    )
    if not updated:
        SiteVersion.objects.get_or_create(pk=SiteVersion.SINGLETON, defaults={"number": 1})


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


def changes_public_pages(sender, **signal_kwargs) -> bool:
    """Whether a post_save, post_delete or m2m_changed signal may change what a public page
    shows."""
    instance = signal_kwargs.get("instance")
    action = signal_kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return False  # m2m_changed also comes before the change: once after it is enough
    # m2m_changed is sent by the link table: the object whose links changed says what it is.
    model = type(instance) if action is not None else sender
    if model._meta.label_lower not in PUBLIC_CONTENT:
        return False
    if model._meta.label_lower == "regions.importbatch":
        # An import that created or changed no figure leaves every page as it was.
        return bool(instance.rows_created or instance.rows_updated)
    return True


def bump_content_version(**_signal_kwargs) -> None:
    """Mark every cached page stale, once the current transaction (if any) commits: bumping
    earlier would let a request re-cache the old content under the new version."""
    transaction.on_commit(_bump_now)


def next_scheduled_publication(now: datetime.datetime) -> datetime.datetime | None:
    """The next time a scheduled campaign or statement is released."""
    times = [
        model.objects.filter(scheduled_q(now=now)).aggregate(next=Min("publish_at"))["next"]
        for model in (Campaign, PressStatement)
    ]
    return min((t for t in times if t is not None), default=None)


def _lifetime(now: datetime.datetime) -> int:
    """Seconds a page made now may be kept."""
    lifetime = settings.PUBLIC_PAGE_CACHE_SECONDS
    upcoming = next_scheduled_publication(now)
    if upcoming is not None:
        lifetime = min(lifetime, math.floor((upcoming - now).total_seconds()))
    return max(lifetime, 0)


def _tell_caches(response: HttpResponse, seconds_left: int) -> None:
    """Browsers revalidate every time; a CDN may keep the page as long as it stays current
    here, at most PUBLIC_SHARED_CACHE_SECONDS."""
    patch_cache_control(
        response,
        public=True,
        max_age=0,
        s_maxage=max(0, min(seconds_left, settings.PUBLIC_SHARED_CACHE_SECONDS)),
    )


def _key(request: HttpRequest, version: int) -> str:
    address = request.build_absolute_uri().encode()
    return f"{KEY_PREFIX}:{version}:{hashlib.sha256(address).hexdigest()}"


def cached_public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a public view from the page cache, filling it on a miss."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or settings.PUBLIC_PAGE_CACHE_SECONDS <= 0:
            return view(request, *args, **kwargs)
        key = _key(request, content_version())
        now = timezone.now()
        stored = cache.get(key)
        if stored is not None:
            expires, response = stored
            _tell_caches(response, math.floor(expires - now.timestamp()))
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if callable(getattr(response, "render", None)):
            response = response.render()
        lifetime = 0
        if response.status_code == 200 and not response.cookies and not response.streaming:
            lifetime = _lifetime(now)
        if lifetime > 0:
            # The tag of the page itself, before compression (which adds random bytes against
            # BREACH, so a tag made afterwards would differ on every response), unless the view
            # made its own (a partner's card: its page and its framing policy).
            if not response.has_header("ETag"):
                set_response_etag(response)
            cache.set(key, (now.timestamp() + lifetime, response), lifetime)
            _tell_caches(response, lifetime)
        response["X-Page-Cache"] = "miss"
        return response

    return wrapper
