"""One upload confirmed several times at once (a double click, a resent form, several tabs):
exactly one confirmation imports it; the others are told it is no longer waiting."""

import html
import re
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from regions.models import ImportBatch, PendingImport, Region, Statistic
from tests.regions.factories import MetricFactory, RegionFactory, manager_user
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

CONFIRMATIONS = 4
NO_LONGER_WAITING = "This upload is no longer waiting"


def preview(client: Client, model: str, name: str, data: bytes) -> dict[str, str]:
    """Upload on the import form; the hidden fields of the confirmation form it offers."""
    response = client.post(
        f"/admin/regions/{model}/import/",
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == 200
    page = response.content.decode()
    form = re.search(r'<form action="[^"]*process_import/" method="POST">(.*?)</form>', page, re.S)
    assert form, "the preview offers no confirmation"
    fields = {}
    for tag in re.findall(r'<input [^>]*type="hidden"[^>]*>', form.group(1)):
        field = re.search(r'name="([^"]*)"', tag).group(1)
        value = re.search(r'value="([^"]*)"', tag)
        fields[field] = value.group(1) if value else ""
    return fields


def confirm_at_once(user, model: str, fields: dict[str, str]) -> list:
    """POST the same confirmation as that user from several threads (one connection each),
    released together; returns each response (or the exception it raised)."""
    barrier = threading.Barrier(CONFIRMATIONS)
    outcomes: list = [None] * CONFIRMATIONS

    def work(index: int) -> None:
        browser = Client()  # the same user; a session of its own, so messages stay apart
        sign_in(browser, user)
        try:
            barrier.wait(timeout=10)
            outcomes[index] = browser.post(
                f"/admin/regions/{model}/process_import/", fields, follow=True
            )
        except Exception as error:  # reported by the assertions below
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(CONFIRMATIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def page_text(response) -> str:
    # Not response.context: the test client collects it from a signal every thread sends.
    return html.unescape(response.content.decode())


def assert_one_imported(outcomes: list, file_name: str) -> None:
    for outcome in outcomes:
        assert not isinstance(outcome, Exception), repr(outcome)
        assert outcome.status_code == 200
    pages = [page_text(outcome) for outcome in outcomes]
    imported = [page for page in pages if f"Imported {file_name}:" in page]
    refused = [page for page in pages if NO_LONGER_WAITING in page]
    assert (len(imported), len(refused)) == (1, CONFIRMATIONS - 1)
    # The others were sent back to the upload form; the one that imported was not.
    back_to_upload = [o for o in outcomes if o.redirect_chain[-1][0].endswith("/import/")]
    assert len(back_to_upload) == CONFIRMATIONS - 1
    assert ImportBatch.objects.filter(file_name=file_name).count() == 1
    assert not PendingImport.objects.exists()


def test_statistics_upload_confirmed_four_times_at_once_is_imported_once():
    MetricFactory()
    regions = RegionFactory.create_batch(3)
    lines = ["region_code,period_start,period_end,value"]
    lines += [
        f"{region.gss_code},2013-01-01,2013-12-31,{i + 10}" for i, region in enumerate(regions)
    ]
    manager = manager_user()
    client = Client()
    sign_in(client, manager)
    fields = preview(client, "statistic", "same.csv", "\n".join(lines).encode())

    outcomes = confirm_at_once(manager, "statistic", fields)

    assert_one_imported(outcomes, "same.csv")
    assert Statistic.objects.count() == 3
    assert set(Statistic.objects.values_list("import_batch", flat=True)) == {
        ImportBatch.objects.get().pk
    }


def test_regions_upload_confirmed_four_times_at_once_is_imported_once():
    data = (
        b"gss_code,name,kind\n"
        b"E23900001,Concurrent Area One,police_force_area\n"
        b"E23900002,Concurrent Area Two,police_force_area\n"
    )
    manager = manager_user()
    client = Client()
    sign_in(client, manager)
    fields = preview(client, "region", "regions.csv", data)

    outcomes = confirm_at_once(manager, "region", fields)

    assert_one_imported(outcomes, "regions.csv")
    assert Region.objects.filter(gss_code__startswith="E239000").count() == 2
