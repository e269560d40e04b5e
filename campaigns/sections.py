"""Sections of public pages, cached apart from the page, each under the versions of the kinds of
content it shows.

The page cache (campaigns/page_cache.py) keeps whole pages under the site's one content version,
so any edit rebuilds every page on its next request. A section (`{% section %}`, in
campaigns/templatetags/sections.py) is cached under the version of each kind of content it
names ("campaign region statistic"), which campaigns.models.ContentVersion keeps, bumped by the
same signals in the same transaction hook as the site's version. An import of figures then
rebuilds a campaign page's figures section and nothing else; the page's other sections, and the
queries behind them, come from the cache.

A section's key also holds the page's language, its host and path (absolute addresses), today's date
(launch and end dates read "Launches…" or "Ran until…" from it) and whatever the template adds
(the campaign's id). A section is kept no longer than the page may be: never past the next
scheduled publication, so a statement due at nine appears at nine, and never longer than
PUBLIC_SECTION_CACHE_SECONDS (0 turns sections off).

Only public pages use sections (the `public` view decorator sets them up for GET and HEAD
requests); a preview, or any other view rendering the same templates, renders every section
afresh.
"""

import datetime
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language

from campaigns.models import ContentVersion
from core import database

KEY_PREFIX = "public-section"
# Set on the request by the view decorator.
REQUEST_ATTRIBUTE = "_public_sections"

T = TypeVar("T")


def kind_versions() -> dict[str, int]:
    """Every kind of content's version (one query; a kind never changed has no row: 1)."""
    table = connection.ops.quote_name(ContentVersion._meta.db_table)
    return dict(database.read(f"SELECT label, number FROM {table}"))  # noqa: S608 (a model's table)


def next_publication(now: datetime.datetime, versions: dict[str, int]) -> float | None:
    """When the next scheduled campaign or statement is released (a timestamp), remembered in the
    cache until a campaign or statement changes or that time comes."""
    from campaigns.page_cache import next_scheduled_publication

    global _last_publication
    key = "{}:next-publication:{}:{}".format(
        KEY_PREFIX,
        versions.get("campaigns.campaign", 1),
        versions.get("campaigns.pressstatement", 1),
    )
    # This process's last answer first (it is read for every page built), then the cache's.
    found = _last_publication
    if not _still_current(found, key, now):
        found = cache.get(key)
        if not _still_current(found, key, now):
            upcoming = next_scheduled_publication(now)
            found = (key, upcoming.timestamp() if upcoming is not None else None)
            cache.set(key, found, settings.PUBLIC_SECTION_CACHE_SECONDS)
    _last_publication = found
    return found[1]


def _still_current(found: tuple | None, key: str, now: datetime.datetime) -> bool:
    return bool(found) and found[0] == key and (found[1] is None or found[1] > now.timestamp())


# (key, timestamp) of the last next_publication() answer in this process. Like everything
# cached under version numbers, it assumes they only grow: a process serving a database
# restored from a backup is restarted (docs/deployment.md).
_last_publication: tuple[str, float | None] | None = None


# The sections this process used last, each with when it expires, in front of the cache: a
# page built from eleven sections would otherwise make eleven cache reads (eleven round trips
# to a shared Redis). Keys hold every version a section depends on, so an entry is as current
# here as in the cache; the oldest are dropped past MEMORY_ENTRIES.
MEMORY_ENTRIES = 2000
_memory: "OrderedDict[str, tuple[float, object]]" = OrderedDict()


_memory_lock = threading.Lock()  # threaded servers (runserver, gthread workers)


def _remember(key: str, found: tuple[float, object]) -> None:
    with _memory_lock:
        _memory[key] = found
        _memory.move_to_end(key)
        while len(_memory) > MEMORY_ENTRIES:
            _memory.popitem(last=False)


def forget() -> None:
    """Forget what this process remembers outside the cache (with the cache cleared: tests)."""
    global _last_publication
    _last_publication = None
    with _memory_lock:
        _memory.clear()


class Sections:
    """What one request's sections are cached under, read on first use."""

    def __init__(self, request: HttpRequest, now: datetime.datetime) -> None:
        self.request = request
        self.now = now

    @cached_property
    def versions(self) -> dict[str, int]:
        return kind_versions()

    @cached_property
    def lifetime(self) -> int:
        """Seconds a section made now may be kept."""
        from campaigns.page_cache import kept_until_publication

        return kept_until_publication(
            settings.PUBLIC_SECTION_CACHE_SECONDS,
            self.now.timestamp(),
            next_publication(self.now, self.versions),
        )

    @cached_property
    def page(self) -> str:
        """What every section of this request's page is keyed by."""
        host = self.request.get_host()
        return f"{host}\x1f{self.request.path}\x1f{timezone.localdate(self.now).isoformat()}"

    def get(self, key: str):
        """What is kept under `key`, or None: from this process's memory, else the cache."""
        with _memory_lock:
            found = _memory.get(key)
            if found is not None:
                _memory.move_to_end(key)
        if found is None:
            found = cache.get(key)
            if found is None:
                return None
            _remember(key, found)
        expires, value = found
        if expires <= self.now.timestamp():
            with _memory_lock:
                _memory.pop(key, None)
            return None
        return value

    def set(self, key: str, value) -> None:
        """Keep `value` for as long as this request's sections may be kept."""
        found = (self.now.timestamp() + self.lifetime, value)
        cache.set(key, found, self.lifetime)
        _remember(key, found)

    def key(self, name: str, kinds: tuple[str, ...], vary: list[object]) -> str:
        versions = self.versions
        parts = [
            name,
            get_language() or "",
            self.page,
            *(f"{kind}={versions.get(kind, 1)}" for kind in kinds),
            *(repr(value) for value in vary),
        ]
        digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
        return f"{KEY_PREFIX}:{name}:{digest}"


def remembered(
    request: HttpRequest | None,
    name: str,
    kinds: tuple[str, ...],
    vary: list[object],
    make: Callable[[], T],
) -> T:
    """`make()`, kept in the section cache as a section would be (a value, not HTML): made
    again once a kind it depends on changes, and never kept past the next publication. None is
    never kept."""
    current = of(request)
    if current is None:
        return make()
    key = current.key(name, kinds, vary)
    found = current.get(key)
    if found is not None:
        return found
    value = make()
    if value is not None:
        current.set(key, value)
    return value


def start(request: HttpRequest, now: datetime.datetime) -> None:
    """Let this request's public page use the section cache (GET and HEAD only)."""
    if settings.PUBLIC_SECTION_CACHE_SECONDS > 0 and request.method in ("GET", "HEAD"):
        setattr(request, REQUEST_ATTRIBUTE, Sections(request, now))


def of(request: HttpRequest | None) -> Sections | None:
    """The request's sections, or None when its page builds them all."""
    current = getattr(request, REQUEST_ATTRIBUTE, None) if request is not None else None
    return current if current is not None and current.lifetime > 0 else None


def in_use(request: HttpRequest | None) -> bool:
    return of(request) is not None
