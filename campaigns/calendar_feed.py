"""The admin calendar in a staff member's own calendar app: an iCalendar (.ics) feed at a
secret address of their own, /admin/calendar/feed/<token>.ics.

Calendar apps fetch a subscribed address on their own, without cookies, so the address itself
is what lets them in: each user has one (`CalendarFeedToken`), shown on their calendar page,
where "Reset address" replaces it and the old one stops working at once. The feed answers only
while its owner may still open the admin calendar (an active staff account that may view
campaigns or statements); for anyone else, and for an address that is not one, it is a plain
404, which says nothing about whether the address ever worked.

It holds the calendar page's events (campaigns/admin_calendar.py), for the kinds of item its
owner may view, from 30 days ago on with no end: publish times (scheduled or past), withdrawals
and the days campaigns end. Each is a VEVENT whose UID stays the same while its state changes
("Scheduled" becomes "Published"), so calendar apps update it rather than add another; times
are in UTC, end days whole days; each links to the item's admin page.
"""

import datetime
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from campaigns.admin_calendar import calendar_events, may_view_calendar
from campaigns.models import CalendarFeedToken

# How far back the feed reaches: what went live lately stays in view.
DAYS_BACK = 30
# How often a calendar app is asked to fetch the feed again.
REFRESH = datetime.timedelta(hours=1)


def may_use_calendar_feed(user) -> bool:
    """Whether the user may still see the admin calendar: an active staff member who may view
    campaigns or statements."""
    return user.is_active and user.is_staff and may_view_calendar(user)


def _new_parts() -> dict[str, str]:
    return {"selector": secrets.token_hex(8), "verifier": secrets.token_hex(32)}


def calendar_feed_token(*, user) -> CalendarFeedToken:
    """The user's feed address, made the first time it is asked for."""
    found = CalendarFeedToken.objects.filter(user=user).first()
    if found is not None:
        return found
    with transaction.atomic():
        token, _created = CalendarFeedToken.objects.get_or_create(user=user, defaults=_new_parts())
    return token


def calendar_feed_reset(*, user) -> CalendarFeedToken:
    """A new address for the user's feed; the old one stops working at once."""
    with transaction.atomic():
        token, created = CalendarFeedToken.objects.select_for_update().get_or_create(
            user=user, defaults=_new_parts()
        )
        if not created:
            for name, value in _new_parts().items():
                setattr(token, name, value)
            token.created_at = timezone.now()
            token.save()
    return token


def feed_owner(token: str):
    """The user whose feed this token opens, if they may still see the calendar; else None."""
    selector, _dash, verifier = token.partition("-")
    found = CalendarFeedToken.objects.select_related("user").filter(selector=selector).first()
    if found is None or not constant_time_compare(found.verifier, verifier):
        return None
    return found.user if may_use_calendar_feed(found.user) else None


def _site_address(path: str) -> str:
    """An address on the site as staff reach it (settings.SITE_URL): calendar apps fetch the
    feed from wherever it was subscribed, and links must lead to the admin."""
    return settings.SITE_URL + path


def calendar_ics(user, *, now: datetime.datetime) -> bytes:
    """The user's calendar as iCalendar (RFC 5545)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Campaign CMS//Publication calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("%(site)s: publications") % {"site": settings.SITE_NAME})
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    start = now - datetime.timedelta(days=DAYS_BACK)
    for day, event in sorted(
        calendar_events(user, start, None, now=now),
        key=lambda found: (found[0], found[1].time or datetime.time.min, found[1].key),
    ):
        entry = CalendarEvent()
        entry.add("uid", f"{event.key}@{domain}")
        entry.add("dtstamp", now)
        if event.at is not None:
            entry.add("dtstart", event.at.astimezone(datetime.UTC))
        else:
            entry.add("dtstart", day)
            entry.add("dtend", day + datetime.timedelta(days=1))
        entry.add("summary", f"{event.state}: {event.title} ({event.kind})")
        entry.add("url", _site_address(event.url))
        entry.add(
            "description",
            _("%(kind)s “%(title)s”: %(state)s. In the admin: %(url)s")
            % {
                "kind": event.kind,
                "title": event.title,
                "state": event.state,
                "url": _site_address(event.url),
            },
        )
        calendar.add_component(entry)
    return calendar.to_ical()


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed at its secret address: no session, no cookies, never cached or indexed."""
    user = feed_owner(token)
    if user is None:
        raise Http404
    response = HttpResponse(
        calendar_ics(user, now=timezone.now()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="publications.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_cache_control(response, private=True, no_store=True)
    return response


def calendar_feed_address(request: HttpRequest, token: CalendarFeedToken) -> str:
    """The feed's address, as the user reaches the site."""
    return request.build_absolute_uri(reverse("calendar_feed", kwargs={"token": token.token}))
