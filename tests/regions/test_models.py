import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from regions.graph import GroupingGraph
from regions.models import PartnerMembership, Region, Statistic
from regions.selectors import regions_covered_by
from tests.regions.factories import (
    MetricFactory,
    OrganisationFactory,
    RegionFactory,
    StatisticFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def assert_refused_by_database(create) -> None:
    # PostgreSQL refuses an over-long code before the check constraint runs (DataError).
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        create()


@pytest.mark.parametrize("code", ["X12345678", "w15000001", "W1500000", "W150000011", "W1500000A"])
def test_gss_code_format_is_enforced_by_validation_and_database(code):
    region = RegionFactory.build(gss_code=code)
    with pytest.raises(ValidationError) as error:
        region.full_clean()
    assert "capital E, W, S or N followed by eight digits" in str(error.value)
    assert_refused_by_database(lambda: RegionFactory(gss_code=code))


@pytest.mark.parametrize("code", ["E23000002", "W15000001", "S12000033", "N09000001"])
def test_valid_gss_codes_are_accepted(code):
    RegionFactory.build(gss_code=code).full_clean()


def test_custom_grouping_needs_no_gss_code_and_several_may_lack_one():
    RegionFactory(gss_code=None, kind=Region.Kind.GROUPING)
    RegionFactory(gss_code=None, kind=Region.Kind.GROUPING)
    assert Region.objects.filter(gss_code__isnull=True).count() == 2


@pytest.mark.parametrize("field", ["slug", "gss_code", "police_uk_id"])
def test_region_identifiers_are_unique(field):
    RegionFactory(slug="north-wales", gss_code="W15000001", police_uk_id="north-wales")
    duplicate = {"slug": "other", "gss_code": "W15000002", "police_uk_id": "other"}
    duplicate[field] = {"slug": "north-wales", "gss_code": "W15000001"}.get(field, "north-wales")
    with pytest.raises(ValidationError):
        RegionFactory.build(**duplicate).full_clean()
    assert_refused_by_database(lambda: RegionFactory(**duplicate))


def test_region_validity_cannot_end_before_it_starts():
    region = RegionFactory.build(
        valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2019, 12, 31)
    )
    with pytest.raises(ValidationError, match="cannot be before"):
        region.full_clean()
    assert_refused_by_database(
        lambda: RegionFactory(
            valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2019, 12, 31)
        )
    )


def test_one_statistic_per_metric_region_and_period():
    first = StatisticFactory()
    again = StatisticFactory.build(
        metric=first.metric,
        region=first.region,
        period_start=first.period_start,
        period_end=first.period_end,
        value=90,
    )
    with pytest.raises(
        ValidationError, match="already a figure for this metric, region and period"
    ):
        again.full_clean()
    assert_refused_by_database(again.save)
    # The same region and period for another metric is a different fact.
    StatisticFactory(region=first.region, period_start=first.period_start)


def test_statistic_period_cannot_end_before_it_starts():
    statistic = StatisticFactory.build(
        metric=MetricFactory(),
        region=RegionFactory(),
        period_start=datetime.date(2017, 7, 1),
        period_end=datetime.date(2017, 6, 30),
    )
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        statistic.full_clean()
    assert_refused_by_database(statistic.save)


def test_a_one_day_period_is_a_period():
    """A daily count starts and ends on the same day."""
    statistic = StatisticFactory.build(
        metric=MetricFactory(),
        region=RegionFactory(),
        period_start=datetime.date(2017, 7, 1),
        period_end=datetime.date(2017, 7, 1),
    )
    statistic.full_clean()
    statistic.save()

    assert str(statistic).endswith("1 July 2017: 84")


def test_statistic_value_cannot_be_negative():
    statistic = StatisticFactory.build(metric=MetricFactory(), region=RegionFactory(), value=-1)
    with pytest.raises(ValidationError) as error:
        statistic.full_clean()
    assert "value" in error.value.message_dict
    assert_refused_by_database(statistic.save)
    assert not Statistic.objects.exists()


def test_metric_and_organisation_slugs_are_unique():
    MetricFactory(slug="contacts")
    assert_refused_by_database(lambda: MetricFactory(slug="contacts"))
    OrganisationFactory(slug="north-wales-police")
    assert_refused_by_database(lambda: OrganisationFactory(slug="north-wales-police"))


def test_members_of_groupings_are_found_at_any_depth():
    wales = RegionFactory(kind=Region.Kind.NATION)
    north_west = RegionFactory(kind=Region.Kind.GROUPING, gss_code=None)
    north_wales = RegionFactory()
    north_wales.groupings.set([wales, north_west])
    cumbria = RegionFactory()
    cumbria.groupings.set([north_west])
    elsewhere = RegionFactory()

    assert GroupingGraph.load().with_descendants([north_west.pk]) == {
        north_west.pk,
        north_wales.pk,
        cumbria.pk,
    }
    assert GroupingGraph.load().with_descendants([wales.pk]) == {wales.pk, north_wales.pk}

    rocu = OrganisationFactory()
    rocu.regions.set([north_west])
    covered = set(regions_covered_by(rocu))
    assert covered == {north_west, north_wales, cumbria}
    assert elsewhere not in covered


def test_grouping_cycles_do_not_loop_forever():
    a = RegionFactory()
    b = RegionFactory()
    a.groupings.set([b])
    b.groupings.set([a])
    assert GroupingGraph.load().with_descendants([a.pk]) == {a.pk, b.pk}


def test_a_user_works_for_one_organisation_only():
    user = UserFactory()
    PartnerMembership.objects.create(user=user, organisation=OrganisationFactory())
    assert_refused_by_database(
        lambda: PartnerMembership.objects.create(user=user, organisation=OrganisationFactory())
    )


# --- One period grid per metric: periods are identical or do not overlap -----


@pytest.fixture
def half_years():
    """July-December 2017 and January-June 2018 of one metric and region."""
    first = StatisticFactory()
    second = StatisticFactory(
        metric=first.metric,
        region=first.region,
        period_start=datetime.date(2018, 1, 1),
        period_end=datetime.date(2018, 6, 30),
    )
    return first, second


def overlap_message(period: str, where: str) -> str:
    return (
        f"This period overlaps {period}, a period this metric already counts in ({where}). "
        "A metric counts every area in the same periods; give figures for those periods."
    )


@pytest.mark.parametrize(
    ("start", "end", "overlapped"),
    [
        ((2017, 1, 1), (2017, 12, 31), "01/07/2017 to 31/12/2017"),  # the year round a half
        ((2017, 10, 1), (2018, 3, 31), "01/07/2017 to 31/12/2017"),  # across two halves
        ((2018, 6, 30), (2018, 7, 31), "01/01/2018 to 30/06/2018"),  # one day in common
        ((2017, 8, 1), (2017, 8, 31), "01/07/2017 to 31/12/2017"),  # inside one
    ],
)
@pytest.mark.parametrize("same_region", [True, False], ids=["same region", "another region"])
def test_a_period_overlapping_another_of_its_metric_is_refused_for_any_region(
    half_years, start, end, overlapped, same_region
):
    first, _ = half_years
    statistic = StatisticFactory.build(
        metric=first.metric,
        region=first.region if same_region else RegionFactory(),
        period_start=datetime.date(*start),
        period_end=datetime.date(*end),
    )
    with pytest.raises(ValidationError) as error:
        statistic.full_clean()
    assert error.value.messages == [overlap_message(overlapped, first.region.name)]


def test_a_grouping_total_over_its_members_half_years_is_refused(half_years):
    """A yearly total beside the half-years would reveal a withheld half by subtraction."""
    first, _ = half_years
    StatisticFactory(metric=first.metric, region=RegionFactory(name="Aaa Force"))
    grouping = RegionFactory(kind=Region.Kind.GROUPING, gss_code=None)
    total = StatisticFactory.build(
        metric=first.metric,
        region=grouping,
        period_start=datetime.date(2017, 1, 1),
        period_end=datetime.date(2017, 12, 31),
    )
    with pytest.raises(ValidationError) as error:
        total.full_clean()
    assert error.value.messages == [
        overlap_message("01/07/2017 to 31/12/2017", "Aaa Force, among others")
    ]
    assert "separate metric" not in error.value.messages[0]


def test_a_refusal_names_only_regions_the_editor_may_see(half_years):
    first, _ = half_years
    statistic = StatisticFactory.build(
        metric=first.metric,
        region=RegionFactory(),
        period_start=datetime.date(2017, 1, 1),
        period_end=datetime.date(2017, 12, 31),
    )
    statistic.visible_region_ids = {statistic.region.pk}
    with pytest.raises(ValidationError) as error:
        statistic.full_clean()
    assert error.value.messages == [
        overlap_message("01/07/2017 to 31/12/2017", "areas your organisation does not cover")
    ]


def test_the_metrics_periods_and_periods_that_meet_are_fine_for_any_region(half_years):
    first, _ = half_years
    StatisticFactory.build(
        metric=first.metric,
        region=first.region,
        period_start=datetime.date(2018, 7, 1),
        period_end=datetime.date(2018, 12, 31),
    ).full_clean()
    # The very same period for another region: the metric's grid.
    StatisticFactory.build(metric=first.metric, region=RegionFactory()).full_clean()
    whole_year = {
        "period_start": datetime.date(2018, 1, 1),
        "period_end": datetime.date(2018, 12, 31),
    }
    # Another metric has its own periods.
    StatisticFactory.build(metric=MetricFactory(), region=first.region, **whole_year).full_clean()


def test_a_figure_may_move_off_a_period_no_other_figure_has(half_years):
    first, _ = half_years
    first.period_start = datetime.date(2017, 1, 1)
    first.full_clean()


def test_a_statistic_does_not_overlap_itself(half_years):
    first, _ = half_years
    first.value = 85
    first.full_clean()


def test_the_same_period_twice_is_named_as_a_duplicate_not_an_overlap(half_years):
    first, _ = half_years
    duplicate = StatisticFactory.build(metric=first.metric, region=first.region)
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert error.value.messages == [
        "There is already a figure for this metric, region and period. Edit that one instead."
    ]


# --- Database rules said beside the field they concern -------------------------


def constraint_errors(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        instance.validate_constraints()
    return error.value.message_dict


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"gss_code": "w15000001"}, "gss_code"),
        ({"population": 69000, "population_year": None}, "population_year"),
        (
            {"valid_from": datetime.date(2020, 1, 1), "valid_to": datetime.date(2019, 12, 31)},
            "valid_to",
        ),
    ],
    ids=["gss code", "population year", "valid to"],
)
def test_region_rule_is_said_beside_its_field(changes, field):
    assert list(constraint_errors(RegionFactory.build(**changes))) == [field]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"period_end": datetime.date(2017, 6, 30)}, "period_end"),
        ({"value": -1}, "value"),
    ],
    ids=["period", "value"],
)
def test_statistic_rule_is_said_beside_its_field(changes, field):
    statistic = StatisticFactory.build(metric=MetricFactory(), region=RegionFactory(), **changes)
    assert list(constraint_errors(statistic)) == [field]


def test_a_duplicate_statistic_is_said_to_the_whole_form():
    first = StatisticFactory()
    again = StatisticFactory.build(metric=first.metric, region=first.region)
    assert list(constraint_errors(again)) == ["__all__"]


# --- Figures only for periods that have ended ----------------------------------


def not_ended(end: datetime.date) -> str:
    return (
        f"This period has not ended yet (it ends {end:%d/%m/%Y}): give figures only for periods "
        "that have ended."
    )


def test_a_statistic_for_a_period_not_yet_ended_is_refused_beside_its_end():
    today = timezone.localdate()
    end = today + datetime.timedelta(days=1)
    statistic = StatisticFactory.build(
        metric=MetricFactory(),
        region=RegionFactory(),
        period_start=today - datetime.timedelta(days=30),
        period_end=end,
    )
    with pytest.raises(ValidationError) as error:
        statistic.full_clean()
    assert error.value.message_dict == {"period_end": [not_ended(end)]}


def test_a_statistic_for_a_period_ending_today_is_accepted():
    today = timezone.localdate()
    StatisticFactory.build(
        metric=MetricFactory(),
        region=RegionFactory(),
        period_start=today - datetime.timedelta(days=30),
        period_end=today,
    ).full_clean()


# --- Small-number threshold -----------------------------------------------------


@pytest.mark.parametrize(("threshold", "hides"), [(5, True), (1, True), (0, False)])
def test_a_metric_hides_small_numbers_unless_its_threshold_is_0(threshold, hides):
    assert MetricFactory.build(small_number_threshold=threshold).hides_small_numbers is hides


def test_a_negative_threshold_is_refused():
    metric = MetricFactory.build(owner=OrganisationFactory(), small_number_threshold=-1)
    with pytest.raises(ValidationError) as error:
        metric.full_clean()
    assert error.value.message_dict == {
        "small_number_threshold": [
            "The threshold cannot be negative: give 5, the owner's own threshold, or 0 to show "
            "every value."
        ]
    }
    assert_refused_by_database(metric.save)


# --- Population year -------------------------------------------------------------


def year_message(year: int) -> str:
    latest = timezone.localdate().year + 1
    return (
        f"{year} is not a year a population figure could be for: give the year in full, from "
        f"1800 to {latest}, for example 2022."
    )


@pytest.mark.parametrize("offset", [None, -1, 2], ids=["two digits", "before 1800", "to come"])
def test_a_population_year_no_figure_could_be_for_is_refused(offset):
    year = {None: 22, -1: 1799, 2: timezone.localdate().year + 2}[offset]
    region = RegionFactory.build(population=69000, population_year=year)
    with pytest.raises(ValidationError) as error:
        region.full_clean()
    assert error.value.message_dict == {"population_year": [year_message(year)]}


@pytest.mark.parametrize("year", [1800, 2022, None], ids=["1800", "2022", "next year"])
def test_a_plausible_population_year_is_accepted(year):
    year = year or timezone.localdate().year + 1
    RegionFactory.build(population=69000, population_year=year).full_clean()


def test_a_statistic_names_its_period_in_words_as_the_admin_messages_show_it():
    statistic = StatisticFactory(
        metric__name="Helpline contacts",
        region__name="North Wales",
        period_start=datetime.date(2017, 7, 1),
        period_end=datetime.date(2017, 12, 31),
        value=1234,
    )

    assert str(statistic) == "Helpline contacts · North Wales · July to December 2017: 1,234"
    assert str(Statistic()) == "new statistic"
