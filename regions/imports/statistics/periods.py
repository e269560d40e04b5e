"""Periods in a statistics file: dates that read both ways in a US-style file, and periods that
overlap another of the same metric (in the file or stored)."""

import datetime

from django.db.models import Count, Min, Q
from django.utils.translation import gettext as _

from regions.imports import cells
from regions.imports.reading.table import FIRST_DATA_ROW
from regions.imports.results import RowError
from regions.imports.statistics.codes import RegionCodes
from regions.imports.statistics.plan import PlannedRow
from regions.models import Statistic, period_holders_text


def us_style_dates(date_columns: dict[str, list], live: list[bool]) -> list[RowError]:
    """In a file with any date that can only be month first (06/30/2010), every date that
    reads both ways (04/01/2010) is a problem: day first it would be read wrongly."""
    distinct = set()
    for values in date_columns.values():
        distinct.update(value for value in set(values) if isinstance(value, str))
    if not any(cells.is_month_first(value) for value in distinct):
        return []
    example = None
    ambiguous = {value for value in distinct if cells.is_ambiguous_date(value)}
    found: list[tuple[int, str, str]] = []
    for column, values in date_columns.items():
        for index, value in enumerate(values):
            if not live[index] or not isinstance(value, str):
                continue
            if value in ambiguous:
                found.append((index, column, value))
            elif (example is None or index < example[0]) and cells.is_month_first(value):
                example = (index, value)
    if example is None:
        return []
    example_row, example_text = example[0] + FIRST_DATA_ROW, example[1]
    return [
        RowError(
            index + FIRST_DATA_ROW,
            column,
            cells.ambiguous_in_us_style_file(value, example_text, example_row),
        )
        for index, column, value in found
    ]


def stored_periods(
    candidates: list[PlannedRow], allowed: set[int] | None
) -> dict[tuple, tuple[str | None, int]]:
    """Every distinct period stored for the file's metrics, keyed (metric, start, end), with the
    first by name of the regions that have it (of those the importer covers, else None) and how
    many regions do (one query)."""
    if not candidates:
        return {}
    covered = None if allowed is None else Q(region_id__in=allowed)
    stored = (
        Statistic.objects.filter(metric_id__in={row.metric_id for row in candidates})
        .order_by()
        .values("metric_id", "period_start", "period_end")
        .annotate(named=Min("region__name", filter=covered), regions=Count("pk"))
        .values_list("metric_id", "period_start", "period_end", "named", "regions")
    )
    return {(m, s, e): (named, count) for m, s, e, named, count in stored}


def overlaps(
    candidates: list[PlannedRow], stored: dict[tuple, tuple], codes: RegionCodes
) -> list[RowError]:
    """Rows whose period overlaps another period of the same metric, for any region, in the
    file or stored: one sort of the distinct periods and one pass.

    A metric counts every area in the same periods: a grouping's yearly total beside its
    members' half-years would let a withheld half be worked out by subtraction, and compare a
    half-year with a year. A row with the very period of a stored figure (of any region) is in
    the metric's periods already: it never overlaps. Of two new periods that overlap, the rows
    of the one that starts later (or, starting together, ends later) are named.
    """
    in_file: dict[tuple, list[PlannedRow]] = {}
    for row in candidates:
        in_file.setdefault((row.metric_id, row.period_start, row.period_end), []).append(row)
    problems: list[RowError] = []
    reported: set[tuple] = set()
    metric = reach = None  # reach: the period of this metric so far that ends latest
    for period in sorted(in_file.keys() | stored.keys()):
        if period[0] != metric:
            metric, reach = period[0], period
            continue
        if period[1] <= reach[2]:
            if period not in stored:
                new, other = period, reach
            elif reach not in stored:
                new, other = reach, period
            else:
                new = None  # both stored already: not this file's doing
            if new is not None and new not in reported:
                reported.add(new)
                problems += [
                    _overlap_problem(row, other, in_file, stored, codes) for row in in_file[new]
                ]
        if period[2] > reach[2]:
            reach = period
    return problems


def _overlap_problem(
    row: PlannedRow, other: tuple, in_file: dict, stored: dict, codes: RegionCodes
) -> RowError:
    values = {
        "period": _period_text(row.period_start, row.period_end),
        "other": _period_text(other[1], other[2]),
    }
    if other in stored:
        where = period_holders_text(*stored[other])
        message = _(
            "%(period)s overlaps %(other)s, a period this metric already counts in (%(where)s). "
            "A metric counts every area in the same periods; give figures for those periods."
        )
        values["where"] = where
    else:
        first = in_file[other][0]
        message = _(
            "%(period)s overlaps %(other)s on row %(row)s (%(region)s). A metric counts every "
            "area in the same periods; give every row one of the same periods, or periods that "
            "do not overlap."
        )
        values.update(row=first.row, region=codes.names[first.region_id])
    return RowError(row.row, "period_start", message % values)


def _period_text(start: datetime.date, end: datetime.date) -> str:
    return _("%(start)s to %(end)s") % {
        "start": start.strftime("%d/%m/%Y"),
        "end": end.strftime("%d/%m/%Y"),
    }
