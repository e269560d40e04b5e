"""The helpline box every public page shows first, and where its facts come from.

A visitor may land on any page, often anxious and looking for help in confidence, so every page
says where to get it, in the same box (templates/includes/helpline.html): the number to call,
when someone answers, whether calls can be taken in Welsh, and what stays confidential.

- A campaign page and its statements show the campaign's own helpline (`Campaign.helpline`).
- Region and partner pages show the helplines of the current campaigns among theirs.
- Every other page shows the helplines of the current campaigns (`selectors.current_helplines`),
  or, while no campaign is current, the site's own helpline from settings (HELPLINE).
- The 500 page may be shown because the database is down, so it reads none: it shows the
  current helplines as last remembered in the cache, or else the one from settings.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import ValidationError

from campaigns.phones import PhoneNumber

logger = logging.getLogger(__name__)

REMEMBERED_KEY = "helplines:current"


@dataclass(frozen=True)
class Helpline:
    """What the helpline box says: plain values, so a copy can be kept in the cache."""

    name: str
    phone: str  # as people dial it: '0808 1000 900'
    hours: str
    url: str
    confidentiality: str
    welsh: bool  # calls can be taken in Welsh
    # Which of name, hours and confidentiality are shown in English on a Welsh page.
    in_english: frozenset = frozenset()

    @property
    def tel(self) -> str:
        return tel_link(self.phone)

    @property
    def is_free(self) -> bool:
        return is_free(self.phone)


def tel_link(phone: str) -> str:
    """The number as a tel: link target: 'tel:08081000900', 'tel:+448081000900'. A number
    stored before today's rules keeps its digits and any +."""
    try:
        return PhoneNumber.parse(phone).tel
    except ValidationError:
        return "tel:" + "".join(c for c in phone if c.isdigit() or c == "+")


def is_free(phone: str) -> bool:
    """Whether calls cost nothing from UK landlines and mobiles (0800, 0808 and 116 numbers,
    written for the UK or with +44)."""
    try:
        return PhoneNumber.parse(phone).is_free
    except ValidationError:
        return False


def settings_helpline() -> Helpline:
    """The site's own helpline (settings.HELPLINE), for when no campaign's is at hand."""
    return Helpline(**settings.HELPLINE)


def remember(helplines: list[Helpline]) -> None:
    """Keep a copy of the current helplines for the 500 page. A cache that cannot be written
    loses only the copy: the page being made must not fail for it."""
    try:
        caches["default"].set(REMEMBERED_KEY, helplines, timeout=None)
    except Exception:
        logger.warning("Could not keep a copy of the current helplines", exc_info=True)


def remembered() -> list[Helpline]:
    """The current helplines as last remembered, or the site's own: without reading the
    database (a cache kept in the database is not asked), since the database may be down."""
    cache = caches["default"]
    found = None
    if not isinstance(cache, DatabaseCache):
        try:
            found = cache.get(REMEMBERED_KEY)
        except Exception:
            logger.warning("Could not read the copy of the current helplines", exc_info=True)
    return found or [settings_helpline()]
