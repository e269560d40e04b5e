"""Exporting statistics: only a partner's own regions, no cell a spreadsheet would run as a
formula, and an export that imports again unchanged.
"""

import codecs
import csv
import datetime
import io
import zipfile

import pytest
from django.test import Client
from openpyxl import load_workbook

from regions.imports.reading.ods import read_ods
from regions.models import Statistic
from tests.regions.factories import StatisticFactory
from tests.regions.statistics_import import (
    EXPORT_URL,
    import_file,
    messages_of,
    preview,
    problems_of,
    snapshot,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_unpack_limit")]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULAE = [
    '=HYPERLINK("https://example.com/x","Click")',
    '==HYPERLINK("https://example.com/x","Click")',
    '+HYPERLINK("https://example.com/x","Click")',
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1,1)",
]


def export_form_data(client: Client, format_name: str) -> dict:
    """The export form, filled in as a person would: every column, the chosen format."""
    response = client.get(EXPORT_URL)
    assert response.status_code == 200
    form = response.context["form"]
    data = {}
    for name, form_field in form.fields.items():
        if name == "format":
            choices = {str(label).lower(): value for value, label in form_field.choices}
            data[name] = choices[format_name]
        elif name == "resource":
            data[name] = form_field.choices[0][0]
        elif form_field.__class__.__name__ == "BooleanField":
            data[name] = "on"
    return data


def export_csv(client: Client) -> list[dict[str, str]]:
    response = client.post(EXPORT_URL, export_form_data(client, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def stored_formula(request, regions, metric):
    return StatisticFactory(
        metric=metric,
        region=regions["north-wales"],
        period_start=datetime.date(2020, 1, 1),
        period_end=datetime.date(2020, 6, 30),
        source=request.param,
    )


@pytest.mark.parametrize("stored_formula", FORMULAE, indirect=True)
def test_csv_export_escapes_formulae(officer_client, stored_formula):
    rows = export_csv(officer_client)
    [row] = [row for row in rows if row["period_start"] == "2020-01-01"]
    assert row["source"] != stored_formula.source
    # However it is escaped (a leading apostrophe, or the sign removed), no cell of the export
    # may start as a formula does.
    cells_run_as_formulae = [
        cell for row in rows for cell in row.values() if cell.startswith(FORMULA_STARTS)
    ]
    assert cells_run_as_formulae == []


@pytest.mark.parametrize("stored_formula", FORMULAE, indirect=True)
def test_xlsx_export_has_no_formula_cells(officer_client, stored_formula):
    response = officer_client.post(EXPORT_URL, export_form_data(officer_client, "xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    formula_cells = [
        cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"
    ]
    assert formula_cells == []


def test_xlsx_export_gives_values_as_numbers(officer_client, regions, metric):
    StatisticFactory(
        metric=metric,
        region=regions["north-wales"],
        period_start=datetime.date(2021, 1, 1),
        period_end=datetime.date(2021, 6, 30),
        value=139,
    )
    response = officer_client.post(EXPORT_URL, export_form_data(officer_client, "xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    rows = [
        dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    [row] = [r for r in rows if str(r["period_start"]).startswith("2021-01-01")]
    assert row["value"] == 139


def test_ods_export_gives_values_as_numbers_and_text_as_text(officer_client, regions, metric):
    StatisticFactory(
        metric=metric,
        region=regions["north-wales"],
        period_start=datetime.date(2021, 1, 1),
        period_end=datetime.date(2021, 6, 30),
        value=139,
        source="=Police figures",
        notes="First line\nSecond line",
    )
    response = officer_client.post(EXPORT_URL, export_form_data(officer_client, "ods"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert response["Content-Disposition"].endswith('.ods"')
    table = read_ods(response.content)
    rows = [dict(zip(table.headers, row, strict=False)) for row in table.rows]
    [row] = [r for r in rows if r["period_start"] == "2021-01-01"]  # as the XLSX export writes it
    assert row["value"] == 139
    assert (row["source"], row["notes"]) == ("'=Police figures", "First line\nSecond line")
    content = zipfile.ZipFile(io.BytesIO(response.content)).read("content.xml")
    assert b"table:formula" not in content


def test_partner_exports_only_their_own_regions(officer_client, regions, metric):
    StatisticFactory(metric=metric, region=regions["cumbria"], value=777)
    rows = export_csv(officer_client)
    assert rows, "the export is empty"
    assert {row["region_code"] for row in rows} == {"W15000001"}
    assert "777" not in {row["value"] for row in rows}


def test_manager_exports_every_region(manager_client, regions, metric):
    StatisticFactory(metric=metric, region=regions["cumbria"], value=777)
    rows = export_csv(manager_client)
    assert {row["region_code"] for row in rows} == {
        "W15000001",
        "E23000002",
        "north-west-and-north-wales",
    }


def test_csv_export_is_utf8_with_a_byte_order_mark_for_excel(officer_client, regions, metric):
    StatisticFactory(
        metric=metric,
        region=regions["north-wales"],
        period_start=datetime.date(2020, 1, 1),
        period_end=datetime.date(2020, 6, 30),
        source="Café £ figures",
    )
    response = officer_client.post(EXPORT_URL, export_form_data(officer_client, "csv"))
    assert response.content.startswith(codecs.BOM_UTF8 + b"region_code,")
    assert "Café £ figures".encode() in response.content


def test_export_round_trips_through_import(officer_client):
    """What a partner exports, they can import again unchanged."""
    response = officer_client.post(EXPORT_URL, export_form_data(officer_client, "csv"))
    assert response.status_code == 200
    preview_response = preview(officer_client, "export.csv", data=response.content)
    assert problems_of(preview_response) == []
    result = preview_response.context["result"]
    assert (result.created, result.updated) == (0, 0)
    assert result.unchanged == Statistic.objects.filter(region__slug="north-wales").count()


@pytest.mark.parametrize("format_name", ["csv", "xlsx", "ods"])
def test_reimporting_an_unedited_export_changes_nothing(
    officer_client, regions, metric, format_name
):
    """Text the export escaped (an apostrophe before a sign) is read back as it was stored."""
    StatisticFactory(
        metric=metric,
        region=regions["north-wales"],
        period_start=datetime.date(2020, 1, 1),
        period_end=datetime.date(2020, 6, 30),
        source="=Police figures",
        notes="-5% on last year",
    )
    before = snapshot()["statistics"]
    response = officer_client.post(EXPORT_URL, export_form_data(officer_client, format_name))
    if format_name == "csv":
        assert b"'-5% on last year" in response.content
    imported = import_file(officer_client, f"export.{format_name}", data=response.content)
    assert "0 new, 0 updated" in messages_of(imported)[0]
    assert snapshot()["statistics"] == before
