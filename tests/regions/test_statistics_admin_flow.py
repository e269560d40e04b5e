"""Importing statistics in the admin: upload and preview, then confirm; what a second import
changes, how files are read, the limits on a file, and what the confirmation step refuses.
"""

import datetime
import io

import pytest
from django.utils import timezone

from campaigns.demo import SOURCE as DEMO_SOURCE
from regions.models import ImportBatch, PendingImport, Statistic
from tests.regions.factories import MetricFactory
from tests.regions.statistics_import import (
    IMPORT_URL,
    NBSP,
    confirm,
    confirm_fields,
    corpus,
    figures,
    import_file,
    messages_of,
    page_text,
    preview,
    problems_of,
    snapshot,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_unpack_limit")]


NO_LONGER_WAITING = (
    "This upload is no longer waiting: it was imported or abandoned already, or it expired. "
    "Nothing was imported. Upload the file again."
)


# --- Importing again ------------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(officer_client):
    import_file(officer_client, "good.csv")
    before = snapshot()

    response = import_file(officer_client, "good.csv")

    assert any(
        "Imported good.csv: 0 new, 0 updated, 2 unchanged." in m for m in messages_of(response)
    )
    after = snapshot()
    assert after["statistics"] == before["statistics"]  # same values, batch and updated_at
    latest = ImportBatch.objects.order_by("-pk").first()
    assert (latest.rows_created, latest.rows_updated, latest.rows_unchanged) == (0, 0, 2)
    assert latest.statistics.count() == 0


def test_reimport_preview_says_every_row_is_unchanged(officer_client):
    import_file(officer_client, "good.xlsx")
    response = preview(officer_client, "good.csv")  # the same figures, another format
    result = response.context["result"]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert "leave 2 rows unchanged (already stored as they are)" in page_text(response)


def test_changed_value_updates_only_that_figure(officer_client, regions):
    import_file(officer_client, "good.csv")
    first = ImportBatch.objects.get()
    unchanged_before = Statistic.objects.get(
        region=regions["north-wales"], period_start=datetime.date(2024, 3, 5)
    )

    response = preview(officer_client, "good-changed.csv")
    [sample] = response.context["result"].changed_sample
    assert (sample.row, sample.before, sample.after) == (3, "139", "140")
    response = confirm(officer_client, confirm_fields(response), follow=True)

    assert any(
        "Imported good-changed.csv: 0 new, 1 updated, 1 unchanged." in m
        for m in messages_of(response)
    )
    second = ImportBatch.objects.exclude(pk=first.pk).get()
    changed = Statistic.objects.get(
        region=regions["north-wales"], period_start=datetime.date(2024, 9, 5)
    )
    assert changed.value == 140
    assert changed.import_batch == second
    unchanged = Statistic.objects.get(pk=unchanged_before.pk)
    assert unchanged.import_batch == first
    assert unchanged.updated_at == unchanged_before.updated_at
    assert (second.rows_created, second.rows_updated, second.rows_unchanged) == (0, 1, 1)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(None, id="no-source-column"),
        pytest.param(
            b"region_code,period_start,period_end,value,source,notes,notes_cy\r\n"
            b"W15000001,01/07/2017,31/12/2017,85,,\r\n",
            id="empty-source-cell",
        ),
    ],
)
def test_file_without_a_source_keeps_the_stored_source(officer_client, regions, data):
    stored = Statistic.objects.get(
        region=regions["north-wales"], period_start=datetime.date(2017, 7, 1)
    )
    assert (stored.value, stored.source) == (84, DEMO_SOURCE)

    import_file(officer_client, "no-source.csv", data=data)

    stored.refresh_from_db()
    assert stored.value == 85
    assert stored.source == DEMO_SOURCE
    assert stored.import_batch == ImportBatch.objects.get()


def test_blank_rows_between_figures_are_ignored(officer_client, regions):
    data = corpus("good.csv").replace(b"\r\nnorth-wales", b"\r\n,,,,,\r\n\r\nnorth-wales")
    response = preview(officer_client, "good.csv", data=data)
    assert response.context["result"].created == 2
    assert [s.row for s in response.context["result"].new_sample] == [2, 5]


# --- Reading the file -----------------------------------------------------------------------------


def test_header_names_may_use_spaces_or_hyphens_for_underscores(officer_client, regions):
    text = (
        "Region Code,Period Start, period-end ,VALUE,Source\r\n"
        "W15000001,05/03/2024,04/09/2024,1747,Helpline\r\n"
    )
    import_file(officer_client, "spaced-headers.csv", data=text.encode())
    assert figures(batch=ImportBatch.objects.get()) == {
        (datetime.date(2024, 3, 5), datetime.date(2024, 9, 4)): (1747, "Helpline", "")
    }


def test_formula_cells_import_the_results_the_spreadsheet_saved(officer_client, regions):
    """A workbook saved by LibreOffice: =SUM(100,52) imports as 152, a text formula as its text."""
    import_file(officer_client, "formula-results.xlsx")
    assert figures(ImportBatch.objects.get()) == {
        (datetime.date(2024, 3, 5), datetime.date(2024, 9, 4)): (152, "ONS figures", ""),
        (datetime.date(2024, 9, 5), datetime.date(2025, 3, 4)): (139, "Helpline", ""),
    }


def test_a_first_sheet_holding_only_a_title_says_no_column_names_were_found(officer_client):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Instructions"
    workbook.active.append(["Fill in the Data sheet"])
    data_sheet = workbook.create_sheet("Data")
    data_sheet.append(["region_code", "period_start", "period_end", "value"])
    data_sheet.append(["W15000001", "2021-01-01", "2021-06-30", 5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = preview(officer_client, "figures.xlsx", data=buffer.getvalue())
    assert problems_of(response) == [
        "No column names were found on the first sheet, 'Instructions': it holds only 'Fill in "
        "the Data sheet'. Only the first sheet of a workbook is read: put the figures there, "
        "with the column names in row 1; region_code, period_start, period_end and value are "
        "required."
    ]


def test_counts_in_the_preview_have_thousands_separators(officer_client, regions):
    rows = [
        f"W15000001,{year}-{month:02}-01,{year}-{month:02}-28,{year}"
        for year in range(1900, 1900 + 100)
        for month in range(1, 13)
    ]
    data = ("region_code,period_start,period_end,value\n" + "\n".join(rows)).encode()
    text = page_text(preview(officer_client, "figures.csv", data=data))
    assert "every one of its 1,200 rows checks out" in text
    assert "create 1,200 new statistics" in text
    assert "10 of 1,200 shown." in text


# --- Limits ---------------------------------------------------------------------------------------


def test_admin_refuses_a_file_over_the_size_limit(officer_client, settings):
    settings.IMPORT_MAX_FILE_BYTES = 100
    before = snapshot()
    response = preview(officer_client, "good.csv")
    assert problems_of(response) == [
        f"This file is 189{NBSP}bytes; the largest file accepted is 100{NBSP}bytes. Split it into "
        "smaller files and import them one after another."
    ]
    assert snapshot() == before


def test_admin_refuses_a_file_with_too_many_rows(officer_client, settings):
    settings.IMPORT_MAX_ROWS = 1
    before = snapshot()
    response = preview(officer_client, "good.csv")
    assert problems_of(response) == [
        "This file has more than 1 rows, the most one import accepts. Split it into smaller "
        "files and import them one after another."
    ]
    assert snapshot() == before


# --- The confirmation step ------------------------------------------------------------------------


def test_confirming_another_users_upload_is_refused(manager_client, manager, officer_client):
    fields = confirm_fields(preview(manager_client, "good.csv"))
    before = snapshot()

    response = confirm(officer_client, fields, follow=True)

    assert response.redirect_chain == [(IMPORT_URL, 302)]
    assert NO_LONGER_WAITING in messages_of(response)
    assert snapshot() == before
    # The manager's upload is untouched and still theirs to confirm.
    assert PendingImport.objects.get().user == manager
    confirm(manager_client, fields)
    assert ImportBatch.objects.get().user == manager


@pytest.mark.parametrize("token", ["made-up-token", "", "../../etc/passwd"])
def test_confirming_an_unknown_upload_is_refused(officer_client, token):
    fields = confirm_fields(preview(officer_client, "good.csv"))
    fields["import_file_name"] = token
    before = snapshot()

    response = confirm(officer_client, fields, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1] == (IMPORT_URL, 302)
    assert any(
        m in (NO_LONGER_WAITING, "The confirmation form was incomplete.")
        for m in messages_of(response)
    )
    assert snapshot() == before


def test_confirming_twice_imports_once(officer_client):
    fields = confirm_fields(preview(officer_client, "good.csv"))
    confirm(officer_client, fields)
    after_first = snapshot()
    assert ImportBatch.objects.count() == 1

    response = confirm(officer_client, fields, follow=True)

    assert NO_LONGER_WAITING in messages_of(response)
    assert snapshot() == after_first


def test_confirmation_checks_the_file_again(officer_client, organisations):
    fields = confirm_fields(preview(officer_client, "good.csv"))
    # Between the preview and the confirmation, North Wales Police stops covering North Wales.
    organisations["north-wales-police"].regions.clear()
    before = snapshot()

    response = confirm(officer_client, fields)

    assert response.status_code == 422
    text = page_text(response)
    assert "Nothing was imported" in text
    assert problems_of(response) == [
        "Row 2, region_code: W15000001 is not a region your organisation covers. "
        "Your organisation covers no regions yet; ask a campaign manager to add them.",
        "Row 3, region_code: north-wales is not a region your organisation covers. "
        "Your organisation covers no regions yet; ask a campaign manager to add them.",
    ]
    for problem in problems_of(response):
        assert problem in text
    assert "Imported" not in text
    after = snapshot()
    assert after["statistics"] == before["statistics"]
    assert after["import batches"] == before["import batches"]
    assert after["admin log entries"] == before["admin log entries"]
    assert after["pending imports"] == 0


def test_confirmation_refuses_a_file_the_limits_no_longer_allow(officer_client, settings):
    fields = confirm_fields(preview(officer_client, "good.csv"))
    settings.IMPORT_MAX_ROWS = 1
    before = snapshot()

    response = confirm(officer_client, fields, follow=True)

    assert response.redirect_chain[-1] == (IMPORT_URL, 302)
    assert any("more than 1 rows" in message for message in messages_of(response))
    after = snapshot()
    assert after["statistics"] == before["statistics"]
    assert after["import batches"] == before["import batches"]
    assert after["pending imports"] == 0


def test_confirmed_upload_no_longer_waits(officer_client):
    fields = confirm_fields(preview(officer_client, "good.csv"))
    assert PendingImport.objects.filter(token=fields["import_file_name"]).exists()
    confirm(officer_client, fields)
    assert not PendingImport.objects.exists()


def test_expired_upload_cannot_be_confirmed(officer_client, settings):
    fields = confirm_fields(preview(officer_client, "good.csv"))
    PendingImport.objects.update(
        created_at=timezone.now()
        - datetime.timedelta(hours=settings.IMPORT_PENDING_HOURS, minutes=1)
    )
    before = snapshot()

    response = confirm(officer_client, fields, follow=True)

    assert NO_LONGER_WAITING in messages_of(response)
    assert snapshot()["statistics"] == before["statistics"]
    assert not ImportBatch.objects.exists()


def test_an_upload_stored_without_its_details_counts_as_gone(officer_client, officer):
    """A waiting upload whose details cannot be read is never confirmed on the form's word."""
    fields = confirm_fields(preview(officer_client, "good.csv"))
    PendingImport.objects.filter(token=fields["import_file_name"]).update(details={})
    before = snapshot()

    response = confirm(officer_client, fields, follow=True)

    assert messages_of(response) == [NO_LONGER_WAITING]
    assert snapshot() == before


def test_old_uploads_are_removed_at_the_next_upload(officer_client, manager, settings):
    settings.IMPORT_PENDING_HOURS = 2
    now = timezone.now()
    old = PendingImport.objects.create(token="old", user=manager, content=b"abandoned")
    recent = PendingImport.objects.create(token="recent", user=manager, content=b"waiting")
    PendingImport.objects.filter(pk=old.pk).update(created_at=now - datetime.timedelta(hours=3))
    PendingImport.objects.filter(pk=recent.pk).update(created_at=now - datetime.timedelta(hours=1))

    preview(officer_client, "good.csv")

    assert not PendingImport.objects.filter(pk=old.pk).exists()
    assert PendingImport.objects.filter(pk=recent.pk).exists()
    assert PendingImport.objects.filter(user__username="north-wales-officer").count() == 1


def test_failed_preview_leaves_nothing_waiting(officer_client):
    preview(officer_client, "bad-dates.csv")
    preview(officer_client, "header-only.csv")
    preview(officer_client, "truncated.xlsx")
    assert not PendingImport.objects.exists()


# --- The import page as a partner reads it --------------------------------------------------------


def test_the_only_metric_is_chosen_already_and_none_of_several(officer_client, metric):
    form = officer_client.get(IMPORT_URL).context["form"]
    assert form["metric"].value() == metric.pk
    assert (
        f'<option value="{metric.pk}" selected>' in officer_client.get(IMPORT_URL).content.decode()
    )

    MetricFactory()
    assert officer_client.get(IMPORT_URL).context["form"]["metric"].value() is None


def test_the_file_rules_are_said_once(officer_client):
    text = page_text(officer_client.get(IMPORT_URL))
    for rule in ["tab-separated", "first visible sheet", "Nothing is saved until", "whole number"]:
        assert text.count(rule) == 1, rule
    assert "Format:" not in text  # one format: nothing to choose, nothing to show


def test_date_advice_gives_the_uk_day_first_style_first(officer_client):
    text = page_text(officer_client.get(IMPORT_URL))
    assert "30/06/2019" in text
    assert text.index("30/06/2019") < text.index("2019-06-30")


def test_after_a_refused_upload_the_problems_come_before_the_form(officer_client):
    data = b"region_code,period_start,period_end,value\r\nW15000001,01/01/2019,30/06/2019,lots\r\n"
    response = preview(officer_client, "figures.csv", data=data)
    page = response.content.decode()

    problem = page.index("Row 2, value: ")
    heading = page.index('<h2 id="import-problems-heading">')
    assert page.index("<h1>") < heading < problem < page.index('<form action="" method="post"')
    # The file's rules, needed less now, follow the form.
    assert page.index("</form>", problem) < page.index("What the file needs")
    assert messages_of(response) == [
        "Nothing can be imported from this file yet: 1 problem, listed below. "
        "No row has been saved."
    ]


def test_a_refused_file_is_named_before_the_form_too(officer_client, settings):
    settings.IMPORT_MAX_FILE_BYTES = 100
    page = preview(officer_client, "good.csv").content.decode()
    refusal = page.index("the largest file accepted is 100")
    assert refusal < page.index('<form action="" method="post"')
    assert page.count("the largest file accepted is 100") == 1
