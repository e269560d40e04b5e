"""Periods that overlap: a metric counts every area in the same periods, in one file and beside
the figures already stored.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.regions.factories import StatisticFactory, manager_user
from tests.regions.statistics_import import (
    figures,
    import_file,
    plan_of,
    preview,
    problems_of,
    snapshot,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_unpack_limit")]


def half_year_rows(count: int, *, first_year: int = 1900) -> list[str]:
    rows = []
    for index in range(count):
        year, half = divmod(index, 2)
        start, end = ("01/01", "30/06") if half == 0 else ("01/07", "31/12")
        rows.append(f"W15000001,{start}/{first_year + year},{end}/{first_year + year},{index},,")
    return rows


def test_overlaps_are_found_without_a_query_per_row(officer, metric):
    """The check loads the stored periods once, sorts and makes one pass."""
    header = ",".join(["region_code", "period_start", "period_end", "value", "source", "notes"])
    counts = []
    for rows in (2, 200):
        # The whole of 1900 after its halves: it overlaps both.
        text = "\n".join([header, *half_year_rows(rows), "W15000001,01/01/1900,31/12/1900,9,,"])
        with CaptureQueriesContext(connection) as queries:
            plan = plan_of(text, officer)
        assert sorted(problem.row for problem in plan.problems) == [3, rows + 2]
        counts.append(len(queries))
    assert counts[0] == counts[1]


ALREADY_COUNTED = (
    "overlaps 01/07/2017 to 31/12/2017, a period this metric already counts in ({where}). A "
    "metric counts every area in the same periods; give figures for those periods."
)


def test_a_yearly_total_beside_other_regions_half_years_is_refused(manager_client, regions):
    """Cumbria has no figures of its own, but North Wales and its grouping count July-December
    2017: a 2017 total for Cumbria would compare a year with their half-year, and beside a
    grouping's total could reveal a withheld half by subtraction."""
    before = snapshot()
    text = "region_code,period_start,period_end,value\nE23000002,01/01/2017,31/12/2017,300\n"

    problems = problems_of(preview(manager_client, "year.csv", data=text.encode()))

    assert problems == [
        "Row 2, period_start: 01/01/2017 to 31/12/2017 "
        + ALREADY_COUNTED.format(where="North Wales, among others")
    ]
    assert "separate metric" not in problems[0]
    assert snapshot() == before


def test_periods_of_different_regions_in_one_file_must_not_overlap(demo):
    text = "\n".join(
        [
            "region_code,period_start,period_end,value",
            "W15000001,01/01/2012,30/06/2012,5",
            "E23000002,01/01/2012,31/12/2012,9",
            "E23000002,01/01/2012,30/06/2012,4",
            "north-wales,01/07/2012,31/12/2012,6",
        ]
    )
    problems = plan_of(text, manager_user()).problems

    # Of two new periods that overlap, the row of the one that starts later (or, starting
    # together, ends later) is named, with the row it overlaps.
    assert [(problem.row, problem.column) for problem in problems] == [
        (3, "period_start"),
        (5, "period_start"),
    ]
    assert "on row 2 (North Wales)" in problems[0].message
    assert "on row 3 (Cumbria)" in problems[1].message


def test_a_period_another_region_already_has_is_the_metrics_own(manager_client, regions):
    text = "region_code,period_start,period_end,value\nE23000002,01/07/2017,31/12/2017,31\n"
    import_file(manager_client, "cumbria.csv", data=text.encode())
    assert figures(region=regions["cumbria"]) == {
        (datetime.date(2017, 7, 1), datetime.date(2017, 12, 31)): (31, "", "")
    }


def test_a_partner_is_not_told_which_other_areas_have_a_period(officer_client, regions, metric):
    StatisticFactory(
        metric=metric,
        region=regions["cumbria"],
        period_start=datetime.date(2012, 1, 1),
        period_end=datetime.date(2012, 12, 31),
    )
    before = snapshot()
    text = "region_code,period_start,period_end,value\nW15000001,01/07/2012,31/12/2012,8\n"

    problems = problems_of(preview(officer_client, "h2.csv", data=text.encode()))

    assert problems == [
        "Row 2, period_start: 01/07/2012 to 31/12/2012 overlaps 01/01/2012 to 31/12/2012, a "
        "period this metric already counts in (areas your organisation does not cover). A "
        "metric counts every area in the same periods; give figures for those periods."
    ]
    assert snapshot() == before


def test_a_row_with_the_period_of_a_stored_figure_updates_it_rather_than_overlapping(
    officer_client, regions
):
    text = "region_code,period_start,period_end,value\nW15000001,01/07/2017,31/12/2017,85\n"
    import_file(officer_client, "same-period.csv", data=text.encode())
    assert (
        figures(region=regions["north-wales"])[
            (datetime.date(2017, 7, 1), datetime.date(2017, 12, 31))
        ][0]
        == 85
    )
