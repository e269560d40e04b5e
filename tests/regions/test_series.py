"""The public figures' rules: grouping sums, incomplete groupings, small numbers, rates."""

import datetime
from decimal import Decimal

import pytest

from regions.models import Region, Statistic
from regions.selectors import grouping_discrepancies, overlapping_periods
from regions.series import Figures, Period, State, approximate
from tests.regions.factories import MetricFactory, RegionFactory, StatisticFactory

pytestmark = pytest.mark.django_db

H1 = (datetime.date(2017, 7, 1), datetime.date(2017, 12, 31))
H2 = (datetime.date(2018, 1, 1), datetime.date(2018, 6, 30))


def grouping_of(*members: Region, **kwargs) -> Region:
    grouping = RegionFactory(kind=Region.Kind.GROUPING, gss_code=None, **kwargs)
    for member in members:
        member.groupings.add(grouping)
    return grouping


def stat(metric, region, period, value) -> Statistic:
    return StatisticFactory(
        metric=metric, region=region, period_start=period[0], period_end=period[1], value=value
    )


def table_for(metric, *regions):
    return Figures(metrics=[metric], regions=regions).table(metric)


def figures_of(table, region) -> list:
    return next(s for s in table.series if s.region == region).figures


def test_a_grouping_without_figures_sums_its_members_only_when_all_reported():
    metric = MetricFactory()
    a, b, c = RegionFactory.create_batch(3)
    grouping = grouping_of(a, b, c)
    for region, value in [(a, 10), (b, 20), (c, 30)]:
        stat(metric, region, H1, value)
    stat(metric, a, H2, 11)
    stat(metric, b, H2, 21)  # c did not report for H2

    first, second = figures_of(table_for(metric, grouping), grouping)
    assert (first.state, first.value, first.text) == (State.SUM, 60, "60")
    assert second.state == State.INCOMPLETE
    assert second.shown is None
    assert second.text == "incomplete: 2 of 3 areas reported"


def test_nested_groupings_add_up_through_their_members():
    metric = MetricFactory()
    a, b, c = RegionFactory.create_batch(3)
    inner = grouping_of(a, b)
    outer = grouping_of(inner, c)
    for region, value in [(a, 10), (b, 20), (c, 30)]:
        stat(metric, region, H1, value)
    (cell,) = figures_of(table_for(metric, outer), outer)
    assert (cell.state, cell.value) == (State.SUM, 60)


def test_a_groupings_own_figure_is_shown_as_stored():
    metric = MetricFactory()
    a, b = RegionFactory.create_batch(2)
    grouping = grouping_of(a, b)
    stat(metric, grouping, H1, 1747)
    stat(metric, grouping, H2, 3549)
    first, second = figures_of(table_for(metric, grouping), grouping)
    assert (first.state, first.text, second.text) == (State.STORED, "1,747", "3,549")
    series = table_for(metric, grouping).series[0]
    assert series.changes[1].percent == 103


def test_small_numbers_are_withheld_and_totals_do_not_give_them_away():
    metric = MetricFactory(small_number_threshold=5)
    small, big = RegionFactory.create_batch(2)
    grouping = grouping_of(small, big)
    stat(metric, small, H1, 3)
    stat(metric, big, H1, 40)
    stat(metric, small, H2, 9)
    stat(metric, big, H2, 41)
    stat(metric, grouping, H2, 50)  # a stored total, with no member withheld this time

    table = table_for(metric, small, big, grouping)
    small_h1, small_h2 = figures_of(table, small)
    assert small_h1.suppressed and small_h1.shown is None
    assert small_h1.text == "fewer than 5"
    # 43 - 40 would reveal the 3: the total is withheld for that period too.
    total_h1, total_h2 = figures_of(table, grouping)
    assert total_h1.state == State.SUM and total_h1.suppressed and total_h1.shown is None
    # ... and says it is withheld, not that it is small: it is 43.
    assert total_h1.withheld and total_h1.text == "withheld"
    assert not small_h1.withheld
    assert total_h2.shown == 50
    # No change is given that involves a withheld figure (139 - 55 would reveal 84).
    small_series = next(s for s in table.series if s.region == small)
    assert small_series.changes[1] is None
    assert figures_of(table, big)[0].shown == 40


def test_a_stored_total_is_withheld_when_a_member_is():
    metric = MetricFactory()
    small, big = RegionFactory.create_batch(2)
    grouping = grouping_of(small, big)
    stat(metric, small, H1, 2)
    stat(metric, grouping, H1, 100)
    (cell,) = figures_of(table_for(metric, grouping), grouping)
    assert cell.state == State.STORED and cell.suppressed
    assert cell.text == "withheld"


def test_a_stored_total_is_withheld_when_it_reveals_a_small_unreported_member():
    metric = MetricFactory(small_number_threshold=5)
    a, b, silent = RegionFactory.create_batch(3)
    grouping = grouping_of(a, b, silent)
    stat(metric, a, H1, 60)
    stat(metric, b, H1, 40)
    stat(metric, grouping, H1, 103)  # 103 - 60 - 40: the unreported area had 3
    stat(metric, a, H2, 60)
    stat(metric, b, H2, 40)
    stat(metric, grouping, H2, 150)  # 50 left over: not a small number, so shown
    first, second = figures_of(table_for(metric, grouping), grouping)
    assert first.withheld and first.shown is None and first.text == "withheld"
    assert second.shown == 150


def test_the_small_remainder_rule_looks_inside_incomplete_member_groupings():
    metric = MetricFactory(small_number_threshold=5)
    h_a, h_b, z = RegionFactory.create_batch(3)
    inner = grouping_of(h_a, h_b)  # no figure of its own; h_b never reported
    outer = grouping_of(inner, z)
    stat(metric, h_a, H1, 10)
    stat(metric, z, H1, 30)
    stat(metric, outer, H1, 42)  # 42 - 10 - 30 would give h_b's 2 away
    (cell,) = figures_of(table_for(metric, outer), outer)
    assert cell.withheld


def test_two_totals_sharing_an_area_cannot_be_subtracted_to_reveal_a_small_one():
    metric = MetricFactory(small_number_threshold=5)
    shared, shown, small = RegionFactory.create_batch(3)
    first = grouping_of(shared, shown)
    second = grouping_of(shared, small)
    stat(metric, shown, H1, 40)
    stat(metric, first, H1, 100)  # so the shared area had 60 ...
    stat(metric, second, H1, 63)  # ... and the small one 3
    table = table_for(metric, first, second)
    (first_cell,) = figures_of(table, first)
    (second_cell,) = figures_of(table, second)
    assert [first_cell.shown, second_cell.shown].count(None) == 1
    # The same one is withheld wherever it is shown, even on a page without the other.
    (alone,) = figures_of(table_for(metric, second), second)
    assert alone.shown == second_cell.shown


def test_nested_totals_without_a_link_between_them_cannot_be_subtracted():
    metric = MetricFactory(small_number_threshold=5)
    a, b, c = RegionFactory.create_batch(3)
    wide = grouping_of(a, b, c)
    narrow = grouping_of(a, b)  # not linked to `wide`, but covers two of its areas
    stat(metric, wide, H1, 103)
    stat(metric, narrow, H1, 100)  # 103 - 100: c had 3
    table = table_for(metric, wide, narrow)
    assert figures_of(table, wide)[0].withheld
    assert figures_of(table, narrow)[0].shown == 100


def test_a_total_is_withheld_when_a_total_inside_it_is():
    metric = MetricFactory(small_number_threshold=5)
    a, b, c, d = RegionFactory.create_batch(4)
    inner = grouping_of(a, b)
    other = grouping_of(a)
    outer = grouping_of(inner, d)
    stat(metric, other, H1, 60)
    stat(metric, inner, H1, 63)  # with `other`: b had 3, so `inner` is withheld
    stat(metric, d, H1, 50)
    # `outer` is the sum of `inner` and d: showing it would give `inner` away.
    assert figures_of(table_for(metric, inner, other), inner)[0].withheld
    assert figures_of(table_for(metric, outer, other), outer)[0].shown is None


def test_a_stored_total_with_every_member_shown_is_not_withheld():
    metric = MetricFactory(small_number_threshold=5)
    a, b = RegionFactory.create_batch(2)
    grouping = grouping_of(a, b)
    stat(metric, a, H1, 60)
    stat(metric, b, H1, 40)
    stat(metric, grouping, H1, 102)  # disagrees by 2, but hides nobody
    (cell,) = figures_of(table_for(metric, grouping), grouping)
    assert cell.shown == 102


def test_zero_base_is_new_where_small_numbers_may_be_shown():
    metric = MetricFactory(small_number_threshold=0)
    region = RegionFactory()
    stat(metric, region, H1, 0)
    stat(metric, region, H2, 12)
    series = table_for(metric, region).series[0]
    assert series.changes[1].describe() == "new"


def test_zero_base_below_the_threshold_gives_no_change():
    metric = MetricFactory(small_number_threshold=5)
    region = RegionFactory()
    stat(metric, region, H1, 0)
    stat(metric, region, H2, 12)
    series = table_for(metric, region).series[0]
    assert series.figures[0].text == "fewer than 5"
    assert series.changes[1] is None


def test_single_period_and_region_without_data():
    metric = MetricFactory()
    counted, silent = RegionFactory.create_batch(2)
    stat(metric, counted, H1, 84)
    table = table_for(metric, counted, silent)
    assert [p.label for p in table.periods] == ["July to December 2017"]
    assert table.series[0].changes == [None]
    assert figures_of(table, silent)[0].state == State.MISSING
    assert figures_of(table, silent)[0].text == "not published"
    assert not next(s for s in table.series if s.region == silent).has_figures


@pytest.mark.parametrize(
    ("value", "months", "text"),
    [(3549, 6, "about 590 a month"), (139, 6, "about 23 a month"), (27, 6, "about 4.5 a month")],
)
def test_monthly_rate(value, months, text):
    metric = MetricFactory(small_number_threshold=0)
    region = RegionFactory()
    stat(metric, region, H1 if months == 6 else H2, value)
    assert table_for(metric, region).series[0].figures[0].monthly == text


def test_rate_per_100000_people_needs_a_population():
    metric = MetricFactory()
    counted = RegionFactory(population=700_000, population_year=2022)
    unknown = RegionFactory()
    stat(metric, counted, H1, 139)
    stat(metric, unknown, H1, 139)
    table = table_for(metric, counted, unknown)
    assert figures_of(table, counted)[0].per_100k == "19.9 per 100,000 people"
    assert figures_of(table, unknown)[0].per_100k is None


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("591.5"), "590"),
        (Decimal("1234"), "1,200"),
        (Decimal("23.2"), "23"),
        (Decimal("4.54"), "4.5"),
        (Decimal("99.5"), "100"),
        (Decimal("9.96"), "10"),
        (Decimal("9.94"), "9.9"),
        (Decimal("0"), "0"),
        (Decimal("0.04"), "0"),
        (Decimal("2.0"), "2"),
        (Decimal("1.96"), "2"),
    ],
)
def test_approximate(value, text):
    assert approximate(value) == text


def test_period_months():
    assert Period(*H1).months == 6
    assert Period(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)).months == 12
    days = Period(datetime.date(2024, 1, 15), datetime.date(2024, 2, 14)).months
    assert Decimal("1.0") <= days <= Decimal("1.03")


def test_stored_grouping_figures_that_disagree_with_their_members_are_found():
    metric = MetricFactory()
    a, b = RegionFactory.create_batch(2)
    grouping = grouping_of(a, b, name="North West and North Wales")
    stat(metric, a, H1, 40)
    stat(metric, b, H1, 50)
    wrong = stat(metric, grouping, H1, 100)
    stat(metric, a, H2, 40)  # b has no H2 figure: nothing to compare
    stat(metric, grouping, H2, 100)
    found = grouping_discrepancies(Statistic.objects.all())
    assert [(d.statistic, d.members_total) for d in found] == [(wrong, 90)]
    assert "stored 100, its areas add up to 90" in str(found[0])
    wrong.value = 90
    wrong.save()
    assert grouping_discrepancies(Statistic.objects.all()) == []


def test_disagreement_is_found_through_member_groupings_without_figures():
    metric = MetricFactory()
    h_a, h_b, z = RegionFactory.create_batch(3)
    inner = grouping_of(h_a, h_b)  # no figure of its own: 10 + 20
    outer = grouping_of(inner, z)
    stat(metric, h_a, H1, 10)
    stat(metric, h_b, H1, 20)
    stat(metric, z, H1, 30)
    wrong = stat(metric, outer, H1, 100)
    found = grouping_discrepancies(Statistic.objects.all())
    assert [(d.statistic, d.members_total) for d in found] == [(wrong, 60)]


def test_admin_flags_a_grouping_that_does_not_add_up(manager_client):
    metric = MetricFactory()
    a, b = RegionFactory.create_batch(2)
    grouping = grouping_of(a, b, name="North West and North Wales")
    stat(metric, a, H1, 40)
    stat(metric, b, H1, 50)
    stat(metric, grouping, H1, 100)
    html = manager_client.get("/admin/regions/statistic/").content.decode()
    assert "does not match its areas" in html
    assert "stored 100, its areas add up to 90" in html


def test_admin_flags_overlapping_periods_stored_before_the_rule(manager_client):
    metric = MetricFactory(name="Contacts")
    region = RegionFactory()
    # Written around the admin and the import, as older data would have been.
    Statistic.objects.bulk_create(
        [
            Statistic(metric=metric, region=region, period_start=start, period_end=end, value=v)
            for (start, end), v in [
                (H1, 50),
                ((datetime.date(2017, 7, 1), datetime.date(2018, 6, 30)), 103),
            ]
        ]
    )
    html = manager_client.get("/admin/regions/statistic/").content.decode()
    assert "Periods overlap (Contacts: 01/07/2017 to 30/06/2018 overlaps 01/07/2017 to" in html
    assert overlapping_periods(Statistic.objects.filter(period_end__lt=H2[0])) == []


def test_periods_of_different_lengths_are_not_compared():
    metric = MetricFactory()
    region = RegionFactory()
    stat(metric, region, H1, 600)  # six months: about 100 a month
    StatisticFactory(
        metric=metric,
        region=region,
        period_start=datetime.date(2018, 1, 1),
        period_end=datetime.date(2018, 1, 31),
        value=120,  # one month: more a month, though fewer in all
    )
    series = table_for(metric, region).series[0]
    assert series.changes == [None, None]
    assert [cell.monthly for cell in series.figures] == ["about 100 a month", "about 120 a month"]


def test_a_second_total_over_the_same_missing_areas_does_not_hide_a_small_one():
    metric = MetricFactory(small_number_threshold=5)
    a, b, c = RegionFactory.create_batch(3)
    wide = grouping_of(a, b, c)
    narrow = grouping_of(a, c)
    stat(metric, wide, H1, 200)  # disagrees with its areas: a source that counts differently
    stat(metric, narrow, H1, 63)
    stat(metric, a, H1, 60)  # 63 - 60: c had 3
    stat(metric, b, H1, 40)
    assert figures_of(table_for(metric, narrow), narrow)[0].withheld


@pytest.mark.parametrize(
    ("totals", "values"),
    [
        # A + B, B + C, A + C: A = (53 + 63 - 110) / 2 = 3
        ([("A", "B"), ("B", "C"), ("A", "C")], [53, 110, 63]),
        # A + B, C + D, A + C, B + D + E: E = 40 + 63 - 30 - 70 = 3
        ([("A", "B"), ("C", "D"), ("A", "C"), ("B", "D", "E")], [30, 70, 40, 63]),
    ],
    ids=["three-overlapping", "four-added-and-subtracted"],
)
def test_no_area_can_be_solved_from_overlapping_totals(totals, values):
    metric = MetricFactory(small_number_threshold=5)
    areas = {name: RegionFactory(name=name) for name in "ABCDE"}
    groupings = [grouping_of(*(areas[n] for n in names)) for names in totals]
    for grouping, value in zip(groupings, values, strict=True):
        stat(metric, grouping, H1, value)
    table = table_for(metric, *groupings)
    assert any(figures_of(table, g)[0].withheld for g in groupings)
