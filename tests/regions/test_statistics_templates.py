"""The import page's help: the templates to fill in, and the columns it lists."""

import datetime
import io
import zipfile

import pytest
from openpyxl import load_workbook

from campaigns.demo import METRIC_SLUG
from regions.imports.reading.ods import read_ods
from regions.models import ImportBatch
from tests.regions.statistics_import import (
    EXPORT_URL,
    IMPORT_URL,
    TEMPLATE_URL,
    figures,
    import_file,
    page_text,
    preview,
    problems_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_unpack_limit")]


TEMPLATE_COLUMNS = [
    "region_code",
    "metric",
    "period_start",
    "period_end",
    "value",
    "source",
    "notes",
    "notes_cy",
]


@pytest.mark.parametrize("client_fixture", ["manager_client", "officer_client"])
def test_csv_template_has_the_header_row(request, client_fixture):
    response = request.getfixturevalue(client_fixture).get(TEMPLATE_URL.format("csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="statistic-import-template.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")  # a UTF-8 BOM, so Excel reads it as such
    assert response.content.decode("utf-8-sig") == ",".join(TEMPLATE_COLUMNS) + "\r\n"


@pytest.mark.parametrize("client_fixture", ["manager_client", "officer_client"])
def test_xlsx_template_opens_with_the_header_row(request, client_fixture):
    response = request.getfixturevalue(client_fixture).get(TEMPLATE_URL.format("xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="statistic-import-template.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows == [tuple(TEMPLATE_COLUMNS)]


@pytest.mark.parametrize("client_fixture", ["manager_client", "officer_client"])
def test_ods_template_opens_with_the_header_row(request, client_fixture):
    response = request.getfixturevalue(client_fixture).get(TEMPLATE_URL.format("ods"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert response["Content-Disposition"] == (
        'attachment; filename="statistic-import-template.ods"'
    )
    table = read_ods(response.content)
    assert (table.sheet, table.headers, table.rows) == ("Statistics", TEMPLATE_COLUMNS, [])


def test_filled_in_ods_template_imports(officer_client, regions, metric):
    """The template as LibreOffice would save it with a row filled in."""
    template = officer_client.get(TEMPLATE_URL.format("ods")).content
    archive = zipfile.ZipFile(io.BytesIO(template))
    content = archive.read("content.xml").decode()
    cells = [
        '<table:table-cell office:value-type="string"><text:p>W15000001</text:p>'
        "</table:table-cell>",
        f'<table:table-cell office:value-type="string"><text:p>{METRIC_SLUG}</text:p>'
        "</table:table-cell>",
        '<table:table-cell office:value-type="date" office:date-value="2024-03-05"/>',
        '<table:table-cell office:value-type="date" office:date-value="2024-09-04"/>',
        '<table:table-cell office:value-type="float" office:value="1747"/>',
    ]
    content = content.replace(
        "</table:table>", f"<table:table-row>{''.join(cells)}</table:table-row></table:table>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as filled:
        for item in archive.infolist():
            data = content.encode() if item.filename == "content.xml" else archive.read(item)
            filled.writestr(item, data)
    import_file(officer_client, "statistic-import-template.ods", data=buffer.getvalue())
    assert figures(ImportBatch.objects.get()) == {
        (datetime.date(2024, 3, 5), datetime.date(2024, 9, 4)): (1747, "", "")
    }


def test_unknown_template_kind_is_not_found(officer_client):
    assert officer_client.get(TEMPLATE_URL.format("pdf")).status_code == 404


def test_filled_in_template_imports(officer_client, regions, metric):
    template = officer_client.get(TEMPLATE_URL.format("csv")).content
    data = (
        template + f'W15000001,{METRIC_SLUG},05/03/2024,04/09/2024,"1,747",Helpline,\r\n'.encode()
    )
    import_file(officer_client, "statistic-import-template.csv", data=data)
    assert figures(ImportBatch.objects.get()) == {
        (datetime.date(2024, 3, 5), datetime.date(2024, 9, 4)): (1747, "Helpline", "")
    }


def test_empty_template_uploaded_as_is_says_there_is_nothing_to_import(officer_client):
    template = officer_client.get(TEMPLATE_URL.format("xlsx")).content
    response = preview(officer_client, "statistic-import-template.xlsx", data=template)
    assert problems_of(response) == [
        "The first sheet, 'Statistics', has a header row but no data rows below it: there is "
        "nothing to import. Only the first sheet of a workbook is read; put the figures there."
    ]


def test_import_page_explains_the_columns_and_links_the_templates(officer_client):
    response = officer_client.get(IMPORT_URL)
    assert response.status_code == 200
    text = page_text(response)
    assert TEMPLATE_URL.format("csv") in text
    assert TEMPLATE_URL.format("xlsx") in text
    assert TEMPLATE_URL.format("ods") in text
    for column in TEMPLATE_COLUMNS:
        assert f"<code>{column}</code>" in text


def test_the_import_page_lists_its_columns_once_even_after_a_refused_file(officer_client, regions):
    page = officer_client.get(IMPORT_URL).content.decode()
    refused = preview(officer_client, "title-only.csv", data=b"North Wales figures 2024\n")
    assert "No column names were found" in problems_of(refused)[0]

    for text in (page, refused.content.decode()):
        assert "This importer will import the following fields" not in text
        assert "<code>region_code</code>" in text
    assert (
        "This exporter will export the following fields"
        in officer_client.get(EXPORT_URL).content.decode()
    )
