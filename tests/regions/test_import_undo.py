"""Undoing a statistics import from its page: the figures it added go, those it changed come back
as they were, all or nothing; refused, naming the figures, when any changed since."""

import datetime

import pytest

from campaigns.page_cache import content_version
from regions.models import ImportBatch, Statistic
from tests.regions.statistics_import import import_file
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

# The demo stores North Wales's 84 for H1 (and 139 for January to June 2018).
H1 = (datetime.date(2017, 7, 1), datetime.date(2017, 12, 31))
H2 = (datetime.date(2018, 7, 1), datetime.date(2018, 12, 31))
FILE = (
    "region_code,period_start,period_end,value,source\n"
    "W15000001,01/07/2017,31/12/2017,90,Second count\n"  # changes the stored 84
    "W15000001,01/07/2018,31/12/2018,151,First count\n"  # new
)
CORRECTION = b"region_code,period_start,period_end,value\nW15000001,01/07/2018,31/12/2018,152\n"


@pytest.fixture
def stored(regions):
    return Statistic.objects.get(region=regions["north-wales"], period_start=H1[0])


def figures() -> dict:
    """North Wales's figures by period: value, source and the import that last wrote it."""
    return {
        (s.period_start, s.period_end): (s.value, s.source, s.import_batch_id)
        for s in Statistic.objects.filter(region__slug="north-wales")
    }


def undo_url(batch: ImportBatch) -> str:
    return f"/admin/regions/importbatch/{batch.pk}/undo/"


def test_an_import_is_undone_all_or_nothing(officer_client, stored):
    before = figures()
    import_file(officer_client, "figures.csv", data=FILE.encode())
    batch = ImportBatch.objects.get()
    assert figures()[H1][0] == 90 and H2 in figures()
    version = content_version()

    confirm = officer_client.get(undo_url(batch))
    response = officer_client.post(undo_url(batch))

    assert "removes the 1 figures this import added" in confirm.text.replace("\n", " ")
    assert response.status_code == 302
    assert figures() == before  # the new figure gone, the changed one as it was, with its batch
    assert Statistic.objects.get(pk=stored.pk).updated_at == stored.updated_at
    batch.refresh_from_db()
    assert batch.undone_at is not None and batch.undone_by is not None
    assert content_version() > version  # public pages show it at once
    page = officer_client.get(f"/admin/regions/importbatch/{batch.pk}/change/").text
    assert "Undone" in page
    # Once is enough.
    again = officer_client.post(undo_url(batch), follow=True)
    assert "undone already" in again.text
    assert figures() == before


def test_an_import_whose_figures_a_later_import_changed_is_not_undone(officer_client, stored):
    import_file(officer_client, "figures.csv", data=FILE.encode())
    first = ImportBatch.objects.get()
    import_file(
        officer_client,
        "correction.csv",
        data=CORRECTION,
    )
    after_both = figures()

    response = officer_client.post(undo_url(first), follow=True)

    assert "Nothing was undone" in response.text
    assert (
        "North Wales, July to December 2018 was changed since by the import of correction.csv"
        in (response.text)
    )
    assert figures() == after_both
    first.refresh_from_db()
    assert first.undone_at is None


def test_the_later_import_undone_first_lets_the_earlier_one_be_undone(officer_client, stored):
    before = figures()
    import_file(officer_client, "figures.csv", data=FILE.encode())
    import_file(
        officer_client,
        "correction.csv",
        data=CORRECTION,
    )
    first, second = ImportBatch.objects.order_by("created_at")

    assert officer_client.post(undo_url(second)).status_code == 302
    assert officer_client.post(undo_url(first)).status_code == 302

    assert figures() == before


def test_an_import_with_a_figure_changed_by_hand_is_not_undone(officer_client, stored):
    import_file(officer_client, "figures.csv", data=FILE.encode())
    batch = ImportBatch.objects.get()
    edited = Statistic.objects.get(period_start=H2[0])
    edited.value = 153
    edited.save()
    after = figures()

    response = officer_client.post(undo_url(batch), follow=True)

    assert "North Wales, July to December 2018 was changed by hand since" in response.text
    assert figures() == after


def test_only_those_who_may_import_may_undo_and_only_their_own(client, officer_client, stored):
    from tests.regions.factories import OrganisationFactory, UserFactory, data_officer

    import_file(officer_client, "figures.csv", data=FILE.encode())
    batch = ImportBatch.objects.get()
    after = figures()

    viewer = UserFactory()
    sign_in(client, viewer)
    assert client.post(undo_url(batch)).status_code in (403, 404)
    sign_in(client, data_officer(OrganisationFactory()))
    assert client.post(undo_url(batch)).status_code == 404
    assert figures() == after
