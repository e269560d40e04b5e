"""The data migration that tidies stored helpline numbers, run on the models as they were."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from campaigns.models import Campaign, SiteVersion
from campaigns.phones import validate_phone_number
from tests.campaigns.factories import CampaignFactory

MIGRATION = "0010_tidy_stored_helpline_numbers"
tidy_migration = importlib.import_module(f"campaigns.migrations.{MIGRATION}")

pytestmark = pytest.mark.django_db


def historical_apps():
    """The models as the migration sees them."""
    loader = MigrationExecutor(connection).loader
    return loader.project_state([("campaigns", MIGRATION)]).apps


def run_migration_with(*phones: str) -> list[str]:
    # The factory saves without validating, as numbers stored under older rules were.
    campaigns = [CampaignFactory(helpline_phone=phone) for phone in phones]
    tidy_migration.tidy_helpline_numbers(historical_apps(), None)
    return [Campaign.objects.get(pk=campaign.pk).helpline_phone for campaign in campaigns]


@pytest.mark.parametrize(
    ("stored", "tidied"),
    [
        ("0044 808 1000 900", "+44 808 1000 900"),
        ("00 44 (0)808 1000 900 ext 12", "+44 (0)808 1000 900 ext 12"),
        ("0808.1000.900", "0808 1000 900"),
        ("0808-1000-900", "0808 1000 900"),
        ("0808/1000/900", "0808 1000 900"),
        ("  0808  1000\u00a0900 ", "0808 1000 900"),
        ("(0161) 496 0000", "0161 496 0000"),
        (" (0161)496 0000", "0161 496 0000"),
        ("+44 161-496-0000", "+44 161 496 0000"),
        ("+353 1 234 5678", "+353 1 234 5678"),
        ("0808 1000 900", "0808 1000 900"),
        ("+44 (0)808 1000 900", "+44 (0)808 1000 900"),
        ("116 123", "116 123"),
    ],
)
def test_a_stored_number_differing_only_in_form_is_tidied(stored, tidied):
    assert run_migration_with(stored) == [tidied]
    validate_phone_number(tidied)


@pytest.mark.parametrize(
    "stored",
    [
        "call us",
        "0808 123",  # a digit or more missing: only an editor can say which
        "+44 116 123",
        "+44 0808 1000 900",  # accepted only by dropping a digit dialled
        "0808 1000 900 ext",
        "0808.123",
    ],
)
def test_a_number_the_validation_cannot_read_is_left_as_it_was(stored):
    assert run_migration_with(stored) == [stored]


def test_the_digits_dialled_never_change():
    stored = ["0044 808 1000 900", "0808.1000.900", "(0161) 496 0000", "00 353 1 234 5678"]
    for before, after in zip(stored, run_migration_with(*stored), strict=True):
        assert after != before
        assert tidy_migration.dialled(after) == tidy_migration.dialled(before)
    assert tidy_migration.dialled("+44 808") == tidy_migration.dialled("0044 808") == "0044808"


def test_cached_pages_are_made_stale_only_when_a_number_changed():
    def version():
        return SiteVersion.objects.get(pk=SiteVersion.SINGLETON).number

    CampaignFactory(helpline_phone="0808 1000 900")
    before = version()
    tidy_migration.tidy_helpline_numbers(historical_apps(), None)
    assert version() == before

    CampaignFactory(helpline_phone="0044 808 1000 900")
    before = version()
    tidy_migration.tidy_helpline_numbers(historical_apps(), None)
    assert version() == before + 1


def test_the_migration_can_be_reversed():
    (operation,) = tidy_migration.Migration.operations
    assert operation.reversible
