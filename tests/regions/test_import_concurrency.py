"""Two imports at the same time, on separate connections: no duplicates, no key collisions."""

import threading
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from regions.imports.formats import dataset_from_bytes
from regions.imports.statistics import StatisticResource
from regions.models import ImportBatch, Region, Statistic
from tests.regions.factories import (
    MetricFactory,
    OrganisationFactory,
    RegionFactory,
    data_officer,
    manager_user,
)

pytestmark = pytest.mark.django_db(transaction=True)


def csv_for(regions: list[Region], periods: int = 50) -> bytes:
    lines = ["region_code,period_start,period_end,value"]
    for region in regions:
        for year in range(1900, 1900 + periods):
            lines.append(f"{region.gss_code},{year}-01-01,{year}-12-31,{year - 1890}")
    return ("\n".join(lines) + "\n").encode()


def import_at_once(jobs: list[tuple]) -> list:
    """Run each (user, bytes) import in its own thread, released together."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def work(index: int, user, data: bytes) -> None:
        try:
            dataset = dataset_from_bytes(data, f"file-{index}.csv")
            barrier.wait(timeout=10)
            outcomes[index] = StatisticResource(user=user).import_data(
                dataset, dry_run=False, user=user, file_name=f"file-{index}.csv"
            )
        except Exception as error:  # reported by the assertions below
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i, *job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def assert_succeeded(outcomes: list) -> None:
    for outcome in outcomes:
        assert not isinstance(outcome, Exception), repr(outcome)
        assert not outcome.failed, outcome.problems[:5] or outcome.file_problems


def test_the_same_file_imported_twice_at_once_creates_each_figure_once():
    MetricFactory()
    regions = RegionFactory.create_batch(4)
    manager = manager_user()
    data = csv_for(regions)

    outcomes = import_at_once([(manager, data), (manager, data)])

    assert_succeeded(outcomes)
    assert Statistic.objects.count() == 4 * 50
    assert ImportBatch.objects.count() == 2
    # Whichever ran second found the figures in place or upserted over them: never duplicates.
    assert sum(o.created + o.updated + o.unchanged for o in outcomes) == 2 * 200


def test_two_partners_importing_at_once_both_land_completely():
    MetricFactory()
    north, south = RegionFactory(), RegionFactory()
    north_officer = data_officer(OrganisationFactory(regions=[north]))
    south_officer = data_officer(OrganisationFactory(regions=[south]))

    outcomes = import_at_once(
        [(north_officer, csv_for([north], 100)), (south_officer, csv_for([south], 100))]
    )

    assert_succeeded(outcomes)
    assert Statistic.objects.filter(region=north).count() == 100
    assert Statistic.objects.filter(region=south).count() == 100
    ids = list(Statistic.objects.values_list("pk", flat=True))
    assert len(ids) == len(set(ids)) == 200


def test_import_never_resets_the_primary_key_sequence():
    MetricFactory()
    region = RegionFactory()
    manager = manager_user()
    with CaptureQueriesContext(connection) as queries:
        result = StatisticResource(user=manager).import_data(
            dataset_from_bytes(csv_for([region], 3), "f.csv"), dry_run=False, user=manager
        )
    assert not result.failed
    sql = " ".join(q["sql"].lower() for q in queries.captured_queries)
    assert "setval" not in sql and "sqlite_sequence" not in sql


def test_two_files_with_overlapping_periods_at_once_cannot_both_land():
    """Half-years in one file, the whole year in the other: together they would let a withheld
    half be worked out by subtraction, so whichever is checked second is refused."""
    MetricFactory()
    region = RegionFactory()
    manager = manager_user()
    code = region.gss_code
    halves = (
        f"region_code,period_start,period_end,value\n{code},2018-01-01,2018-06-30,50\n"
        f"{code},2018-07-01,2018-12-31,3\n"
    ).encode()
    year = f"region_code,period_start,period_end,value\n{code},2018-01-01,2018-12-31,53\n".encode()

    for _attempt in range(3):  # the race is not certain to happen in one try
        Statistic.objects.all().delete()
        outcomes = import_at_once([(manager, halves), (manager, year)])
        assert not any(isinstance(o, Exception) for o in outcomes), outcomes
        assert [o.failed for o in outcomes].count(True) == 1
        periods = set(Statistic.objects.values_list("period_start", "period_end"))
        assert periods in (
            {(date(2018, 1, 1), date(2018, 6, 30)), (date(2018, 7, 1), date(2018, 12, 31))},
            {(date(2018, 1, 1), date(2018, 12, 31))},
        )
