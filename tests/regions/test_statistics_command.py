"""The import_statistics command: its users, its file checks and its dry run."""

import pytest

from regions.models import ImportBatch
from tests.regions.factories import UserFactory
from tests.regions.statistics_import import CORPUS, NBSP, run_command, snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_unpack_limit")]


def test_command_without_a_user_records_no_user(demo):
    stdout, stderr, error = run_command(str(CORPUS / "good.csv"))
    assert error is None, stderr
    batch = ImportBatch.objects.get()
    assert (batch.user, batch.organisation) == (None, None)


@pytest.mark.parametrize("username", ["ghost", "inactive"])
def test_command_refuses_unknown_or_inactive_users(username, demo):
    UserFactory(username="inactive", is_active=False)
    stdout, stderr, error = run_command(str(CORPUS / "good.csv"), "--user", username)
    assert error == f"There is no active user '{username}'."
    assert not ImportBatch.objects.exists()


def test_command_refuses_a_missing_file(demo, tmp_path):
    stdout, stderr, error = run_command(str(tmp_path / "nothing.csv"))
    assert error == f"No file at {tmp_path / 'nothing.csv'}."


def test_command_refuses_a_file_over_the_size_limit(demo, settings):
    settings.IMPORT_MAX_FILE_BYTES = 100
    stdout, stderr, error = run_command(str(CORPUS / "good.csv"))
    assert error == (
        f"This file is 189{NBSP}bytes; the largest file accepted is 100{NBSP}bytes. Split it into "
        "smaller files and import them one after another."
    )


@pytest.mark.parametrize("name", ["good.csv", "good.xlsx"])
def test_command_dry_run_saves_nothing(name, officer):
    before = snapshot()
    stdout, stderr, error = run_command(str(CORPUS / name), "--dry-run", "--user", officer.username)
    assert error is None, stderr
    assert "Dry run, nothing saved. Would import: 2 new, 0 updated, 0 unchanged." in stdout
    assert snapshot() == before


def test_command_dry_run_of_a_bad_file_still_lists_the_problems(officer):
    stdout, stderr, error = run_command(str(CORPUS / "bad-dates.csv"), "--dry-run")
    assert error is not None
    assert len(stderr.splitlines()) == 3
