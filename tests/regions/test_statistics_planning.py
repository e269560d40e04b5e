"""The checks the import makes of each row before anything is saved: region codes, periods,
values and the text of cells.
"""

import datetime

import pytest
from django.utils import timezone

from campaigns.demo import METRIC_SLUG
from regions.models import Statistic
from tests.regions.factories import StatisticFactory
from tests.regions.statistics_import import (
    COVERS_NORTH_WALES,
    formula,
    plan_of,
    preview,
    problems_of,
    run_command,
    snapshot,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_unpack_limit")]


# --- Region codes ---------------------------------------------------------------------------------


def test_a_code_that_names_two_regions_is_refused_not_guessed(manager_client, metric):
    """Stored before the rule against it: a force whose police.uk id is a grouping's slug."""
    from tests.regions.factories import RegionFactory

    RegionFactory(
        name="Test Force Area",
        slug="test-force-area",
        police_uk_id="test-force",
        gss_code="E23000099",
    )
    RegionFactory(name="Test Force", slug="test-force", gss_code=None, kind="grouping")
    before = snapshot()
    text = "region_code,period_start,period_end,value\ntest-force,01/01/2001,30/06/2001,5\n"

    response = preview(manager_client, "ambiguous.csv", data=text.encode(), metric=metric)

    assert problems_of(response) == [
        "Row 2, region_code: test-force names more than one region (Test Force, Test Force "
        "Area), so which one is meant cannot be told. Use the region's GSS code, or ask a "
        "campaign manager to give one of them another slug."
    ]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "ZZ",
            "ZZ is not a known region code. Use the code of a region your organisation covers. "
            + COVERS_NORTH_WALES,
        ),
        ("North Wales", "North Wales is a region's name, not its code: use W15000001."),
        (
            "cumbria",
            "cumbria is not a region your organisation covers. " + COVERS_NORTH_WALES,
        ),
        (
            "Greater Manchester",
            "Greater Manchester is a region's name, not its code, and not a region your "
            "organisation covers. " + COVERS_NORTH_WALES,
        ),
    ],
)
def test_a_partner_is_told_an_unknown_code_from_a_region_outside_their_organisation(
    officer, code, message
):
    plan = plan_of(
        f"region_code,period_start,period_end,value\n{code},2021-01-01,2021-06-30,5\n", officer
    )
    assert [str(problem) for problem in plan.problems] == [f"Row 2, region_code: {message}"]


def test_a_region_name_given_for_a_code_is_pointed_out_to_a_manager(demo, manager):
    plan = plan_of(
        "region_code,period_start,period_end,value\nnorth wales,2021-01-01,2021-06-30,5\n", manager
    )
    assert [str(problem) for problem in plan.problems] == [
        "Row 2, region_code: north wales is a region's name, not its code: use W15000001."
    ]


# --- Periods --------------------------------------------------------------------------------------


def test_a_period_ending_in_the_future_is_refused(officer):
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    plan = plan_of(
        "region_code,period_start,period_end,value\n"
        f"W15000001,2030-01-01,2030-06-30,5\n"
        f"W15000001,{today.replace(day=1).isoformat()},{tomorrow.isoformat()},6\n",
        officer,
    )
    assert [str(problem) for problem in sorted(plan.problems)] == [
        "Row 2, period_end: 30/06/2030 is in the future; figures can only be given for periods "
        "that have ended.",
        f"Row 3, period_end: {tomorrow.strftime('%d/%m/%Y')} is in the future; figures can only "
        "be given for periods that have ended.",
    ]


def test_a_period_ending_today_has_ended(officer):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=1)
    plan = plan_of(
        f"region_code,period_start,period_end,value\nW15000001,{start},{today},5\n", officer
    )
    assert plan.problems == [] and plan.created == 1


def test_a_one_day_period_imports(demo, tmp_path):
    """A daily count starts and ends on the same day."""
    upload = tmp_path / "daily.csv"
    upload.write_text(
        "region_code,metric,period_start,period_end,value\n"
        f"W15000001,{METRIC_SLUG},2024-03-05,2024-03-05,12\n"
    )

    stdout, stderr, error = run_command(str(upload))

    assert error is None, stderr
    statistic = Statistic.objects.get(period_start=datetime.date(2024, 3, 5))
    assert (statistic.period_end, statistic.value) == (datetime.date(2024, 3, 5), 12)


# --- Values and cells -----------------------------------------------------------------------------


def test_a_bad_value_does_not_hide_a_duplicate_or_an_overlap(officer):
    plan = plan_of(
        "region_code,period_start,period_end,value,source,notes\n"
        "W15000001,01/01/2021,30/06/2021,lots,,\n"
        "W15000001,01/01/2021,30/06/2021,5,,\n"
        "W15000001,01/01/2021,31/12/2021,=1,,\n",
        officer,
    )
    assert [str(problem) for problem in sorted(plan.problems)] == [
        "Row 2, value: 'lots' is not a number.",
        "Row 3: the same metric, region and period as row 2. Each figure may appear once in a "
        "file; delete one of the two rows.",
        "Row 4, period_start: 01/01/2021 to 31/12/2021 overlaps 01/01/2021 to 30/06/2021 on row "
        "2 (North Wales). A metric counts every area in the same periods; give every row one of "
        "the same periods, or periods that do not overlap.",
        "Row 4, value: " + formula("'=1'", "'='"),
    ]


def test_counts_in_row_messages_have_thousands_separators(officer):
    plan = plan_of(
        f"region_code,period_start,period_end,value,source\nW15000001,2021-01-01,2021-06-30,5,"
        f"{'a' * 1200}\n",
        officer,
    )
    assert [str(problem) for problem in plan.problems] == [
        "Row 2, source: is 1,200 characters long; at most 255 are allowed."
    ]


def test_an_apostrophe_reads_as_text_only_before_a_formula_sign():
    from regions.imports import cells

    assert cells.text("'-5% on last year") == "-5% on last year"
    assert cells.text("'@home") == "@home"
    assert cells.text("'Tis the season") == "'Tis the season"
    with pytest.raises(cells.CellError, match="starts with '-'"):
        cells.text("-5% on last year")


def test_line_breaks_are_stored_one_way_so_a_multi_line_note_round_trips():
    from regions.imports import cells

    assert cells.text("line one\r\nline two") == "line one\nline two"
    assert cells.text("line one\rline two") == "line one\nline two"
    statistic = StatisticFactory.build(notes="line one\r\nline two", source="a\r\nb")
    statistic.clean()
    assert (statistic.notes, statistic.source) == ("line one\nline two", "a\nb")
