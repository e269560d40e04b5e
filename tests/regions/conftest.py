"""Fixtures for the statistics import tests (tests/regions/test_statistics_*.py). A module here
that defines a fixture of the same name (test_admin.py's officer_client) uses its own."""

import pytest
from django.test import Client

from campaigns.demo import METRIC_SLUG
from regions.models import Metric, Organisation, Region
from tests.regions.factories import data_officer
from tests.regions.statistics_import import signed_in


@pytest.fixture
def small_unpack_limit(settings):
    """zip-bomb.xlsx unpacks to 5 MB: over this limit, while a real sheet of two rows is not."""
    settings.IMPORT_MAX_XLSX_UNPACKED_BYTES = 1024 * 1024


@pytest.fixture
def organisations(demo) -> dict[str, Organisation]:
    return {organisation.slug: organisation for organisation in Organisation.objects.all()}


@pytest.fixture
def regions(demo) -> dict[str, Region]:
    return {region.slug: region for region in Region.objects.all()}


@pytest.fixture
def metric(demo) -> Metric:
    return Metric.objects.get(slug=METRIC_SLUG)


@pytest.fixture
def officer(organisations):
    """A data officer of North Wales Police, which covers North Wales only."""
    return data_officer(organisations["north-wales-police"], username="north-wales-officer")


@pytest.fixture
def officer_client(officer) -> Client:
    return signed_in(officer)
