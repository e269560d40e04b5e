"""Arithmetic and wording for figures: changes between periods and how periods read.

Changes are always computed from stored counts, never typed in.
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.utils.formats import date_format, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Change:
    """The change from an earlier count to a later one."""

    earlier: int
    later: int

    @property
    def absolute(self) -> int:
        return self.later - self.earlier

    @property
    def is_new(self) -> bool:
        """True when there was nothing before, so no percentage can be given."""
        return self.earlier == 0 and self.later > 0

    @property
    def percent(self) -> int | None:
        """The percentage change rounded to the nearest whole number (halves away from zero)."""
        if self.earlier == 0:
            return 0 if self.later == 0 else None
        exact = Decimal(self.absolute * 100) / Decimal(self.earlier)
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def direction(self) -> str:
        if self.is_new:
            return "new"
        if self.absolute > 0:
            return "up"
        if self.absolute < 0:
            return "down"
        return "same"

    @property
    def signed_absolute(self) -> str:
        """The difference in counts with its sign, for example '+55' or '−1,802'."""
        sign = "+" if self.absolute > 0 else ("−" if self.absolute < 0 else "")
        return sign + number_format(abs(self.absolute), force_grouping=True)

    def describe(self) -> str:
        """Plain words for the change, for example 'up 65%', 'new' or 'no change'."""
        if self.is_new:
            return _("new")
        percent = self.percent
        if percent == 0:
            if self.absolute == 0:
                return _("no change")
            return _("up less than 1%") if self.absolute > 0 else _("down less than 1%")
        if percent > 0:
            return _("up %(percent)s%%") % {"percent": percent}
        return _("down %(percent)s%%") % {"percent": -percent}


def change_between(earlier: int | None, later: int | None) -> Change | None:
    """The change between two counts, or None when either is missing."""
    if earlier is None or later is None:
        return None
    return Change(earlier=earlier, later=later)


def _is_month_start(day: datetime.date) -> bool:
    return day.day == 1


def _is_month_end(day: datetime.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def period_label(start: datetime.date, end: datetime.date) -> str:
    """A period in words: 'July to December 2017', 'July 2017 to June 2018', '5 to 20 March 2024',
    '5 March 2024'.

    Whole months are named by month; other periods by day. A page names the same few periods
    thousands of times, so each is worked out once per language.
    """
    return _period_label(start, end, get_language())


@lru_cache(maxsize=4096)
def _period_label(start: datetime.date, end: datetime.date, language: str | None) -> str:
    if start == end:
        return date_format(start, "j F Y")  # one day: a daily count
    whole_months = _is_month_start(start) and _is_month_end(end)
    if whole_months:
        if (start.year, start.month) == (end.year, end.month):
            return date_format(start, "F Y")
        if start.year == end.year:
            return _("%(start)s to %(end)s") % {
                "start": date_format(start, "F"),
                "end": date_format(end, "F Y"),
            }
        return _("%(start)s to %(end)s") % {
            "start": date_format(start, "F Y"),
            "end": date_format(end, "F Y"),
        }
    if start.year == end.year:
        return _("%(start)s to %(end)s") % {
            "start": date_format(start, "j F"),
            "end": date_format(end, "j F Y"),
        }
    return _("%(start)s to %(end)s") % {
        "start": date_format(start, "j F Y"),
        "end": date_format(end, "j F Y"),
    }
