"""The admin calendar: what goes live, what ends and what was withdrawn, week by week.

/admin/calendar/ (campaigns/admin.py adds it to the admin site) shows six weeks, Monday to
Sunday, from this week or from the week asked for: `?week=2026-W50` (an ISO week), or
`?start=2026-12-09` for the week holding that day. It lists, for the kinds of item the user may
view:

- each campaign's and statement's publish time: "Scheduled" while it is to come, "Published"
  once it has passed (for drafts of a new edition nothing: they are published into their item);
- each campaign's end date ("Campaign ends"), for campaigns that are public or scheduled;
- each withdrawal ("Withdrawn").

Days are UK days (settings.TIME_ZONE, Europe/London): a publish time of 23:30 UTC on a summer
evening is 00:30 the next morning in London, and shows on that next day, in that day's week.

The same events reach a staff member's own calendar app through their calendar feed
(campaigns/calendar_feed.py), from `calendar_events`; the page shows the feed's address, and a
POST to it ("Reset address") gives the feed a new one.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from campaigns.models import Campaign, PressStatement
from campaigns.publishing import LISTED_STATUSES, PUBLIC_STATUSES, Status
from core.roles import may_view

KINDS = (Campaign, PressStatement)
WEEKS_SHOWN = 6
ISO_WEEK = re.compile(r"(\d{4})-W(\d{1,2})")


def may_view_calendar(user) -> bool:
    """The calendar is for those who may view campaigns or statements."""
    return any(may_view(user, model) for model in KINDS)


@dataclass(frozen=True)
class Event:
    title: str
    kind: str
    state: str
    url: str
    time: datetime.time | None = None  # None: the whole day (a campaign's end date)
    # What happens to which item ('campaign-12-publish'): the same whatever its state says.
    key: str = ""
    at: datetime.datetime | None = None  # the moment; None: the whole day


@dataclass
class Day:
    date: datetime.date
    events: list[Event] = field(default_factory=list)
    is_today: bool = False


@dataclass(frozen=True)
class Week:
    monday: datetime.date
    days: list[Day]  # Monday to Sunday

    @property
    def sunday(self) -> datetime.date:
        return self.monday + datetime.timedelta(days=6)

    @property
    def number(self) -> str:
        """Its ISO week: '2026-W50'."""
        return iso_week(self.monday)

    @property
    def busy_days(self) -> list[Day]:
        return [day for day in self.days if day.events]


def iso_week(day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def requested_monday(params: QueryDict, today: datetime.date) -> tuple[datetime.date, str]:
    """The first week to show, from `week` or `start`, else this week; and a message saying
    why, when what was asked for is not a week or a day."""
    if week := params.get("week"):
        match = ISO_WEEK.fullmatch(week.strip())
        try:
            if match is None:
                raise ValueError
            return datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1), ""
        except ValueError:
            message = _(
                "“%(week)s” is not a week: write it as year, W and week number, such as "
                "%(example)s. Showing this week instead."
            ) % {"week": week, "example": iso_week(today)}
            return monday_of(today), message
    if start := params.get("start"):
        try:
            return monday_of(datetime.date.fromisoformat(start.strip())), ""
        except ValueError:
            message = _(
                "“%(start)s” is not a date: write it as year-month-day, such as %(example)s. "
                "Showing this week instead."
            ) % {"start": start, "example": today.isoformat()}
            return monday_of(today), message
    return monday_of(today), ""


def calendar_weeks(
    user, first_monday: datetime.date, *, weeks: int = WEEKS_SHOWN, now: datetime.datetime
) -> list[Week]:
    """The weeks from `first_monday`, each day with what happens on it (UK days), in one query
    per kind of item the user may view."""
    zone = timezone.get_default_timezone()
    today = timezone.localtime(now, zone).date()
    dates = [first_monday + datetime.timedelta(days=n) for n in range(weeks * 7)]
    days = {date: Day(date, is_today=date == today) for date in dates}
    start = datetime.datetime.combine(dates[0], datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        dates[-1] + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )

    for date, event in calendar_events(user, start, end, now=now):
        if date in days:
            days[date].events.append(event)

    for day in days.values():
        day.events.sort(key=lambda event: (event.time or datetime.time.min, event.title))
    return [
        Week(dates[n], [days[date] for date in dates[n : n + 7]]) for n in range(0, len(dates), 7)
    ]


def calendar_events(
    user, start: datetime.datetime, end: datetime.datetime | None, *, now: datetime.datetime
) -> list[tuple[datetime.date, Event]]:
    """What happens from `start` until `end` (None: with no end) to the kinds of item the user
    may view, each event with its UK day, in one query per kind."""
    zone = timezone.get_default_timezone()
    first_day = timezone.localtime(start, zone).date()
    published = Q(status__in=PUBLIC_STATUSES, publish_at__gte=start)
    withdrawn = Q(status=Status.WITHDRAWN, withdrawn_at__gte=start)
    ends = Q(status__in=LISTED_STATUSES, end_date__gte=first_day)
    if end is not None:
        published &= Q(publish_at__lt=end)
        withdrawn &= Q(withdrawn_at__lt=end)
        ends &= Q(end_date__lt=timezone.localtime(end, zone).date())

    last_day = timezone.localtime(end, zone).date() if end is not None else None

    def within(date: datetime.date, event: Event) -> bool:
        """An item found for one event may have others outside the time asked for."""
        if event.at is None:
            return date >= first_day and (last_day is None or date < last_day)
        return event.at >= start and (end is None or event.at < end)

    found = []
    for model in KINDS:
        if not may_view(user, model):
            continue
        happening = published | withdrawn
        if model is Campaign:
            happening |= ends
        for item in model.objects.live().filter(happening):
            found += [pair for pair in _events(item, now=now, zone=zone) if within(*pair)]
    return found


def _events(item, *, now: datetime.datetime, zone) -> list[tuple[datetime.date, Event]]:
    """What happens to one item, each on its UK day (the caller keeps those in the weeks shown)."""
    kind = capfirst(item._meta.verbose_name)
    url = _admin_change_url(item)
    key = f"{item._meta.model_name}-{item.pk}"
    found = []
    if item.status in PUBLIC_STATUSES and item.publish_at is not None:
        local = timezone.localtime(item.publish_at, zone)
        state = _("Scheduled") if item.publish_at > now else _("Published")
        event = Event(item.title, kind, state, url, local.time(), f"{key}-publish", item.publish_at)
        found.append((local.date(), event))
    if item.status == Status.WITHDRAWN and item.withdrawn_at is not None:
        local = timezone.localtime(item.withdrawn_at, zone)
        event = Event(
            item.title,
            kind,
            _("Withdrawn"),
            url,
            local.time(),
            f"{key}-withdrawn",
            item.withdrawn_at,
        )
        found.append((local.date(), event))
    if isinstance(item, Campaign) and item.status in LISTED_STATUSES and item.end_date:
        event = Event(item.title, kind, _("Campaign ends"), url, key=f"{key}-ends")
        found.append((item.end_date, event))
    return found


def _admin_change_url(item) -> str:
    return reverse(admin_urlname(item._meta, "change"), args=[item.pk])


class CalendarView(TemplateView):
    """Six weeks of the calendar, with links to the weeks before and after, and the address of
    the user's calendar feed, which a POST here resets."""

    admin_site = None  # the admin site this page belongs to (core/sites.py sets it)
    template_name = "admin/campaigns/calendar.html"

    def post(self, request: HttpRequest) -> HttpResponse:
        # The feed's module reads this one's events: imported here, not at the top, for that.
        from campaigns.calendar_feed import calendar_feed_reset

        calendar_feed_reset(user=request.user)
        messages.success(
            request,
            _(
                "Your calendar feed has a new address, below: the old one no longer works. "
                "Subscribe to the new one in your calendar app."
            ),
        )
        response = HttpResponseRedirect(request.get_full_path() + "#calendar-feed")
        response.status_code = 303  # See Other: the page is fetched again with GET
        return response

    def get_context_data(self, **kwargs) -> dict:
        from campaigns.calendar_feed import calendar_feed_address, calendar_feed_token

        now = timezone.now()
        today = timezone.localdate(now)
        monday, problem = requested_monday(self.request.GET, today)
        span = datetime.timedelta(weeks=WEEKS_SHOWN)
        return {
            **super().get_context_data(**kwargs),
            **self.admin_site.each_context(self.request),
            "title": _("Calendar"),
            "weeks": calendar_weeks(self.request.user, monday, now=now),
            "problem": problem,
            "previous_week": iso_week(monday - span),
            "next_week": iso_week(monday + span),
            "this_week": iso_week(today),
            "showing_this_week": monday == monday_of(today),
            "feed_address": calendar_feed_address(
                self.request, calendar_feed_token(user=self.request.user)
            ),
        }
