"""Workbooks written by programs (xlsxwriter, and pandas through it) with formula cells.

Such a workbook saves 0 in place of every formula's result and asks the spreadsheet to
recalculate when it is opened (fullCalcOnLoad): those zeros are refused by row and column, never
imported. A workbook without that request keeps the results it saved.
"""

import datetime
import io
import re
import zipfile

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from regions.imports.reading import read_table
from regions.imports.reading.xlsx import PlaceholderResult
from regions.models import ImportBatch, Region
from tests.regions.statistics_import import (
    CORPUS,
    figures,
    import_file,
    preview,
    problems_of,
    run_command,
    snapshot,
)

pytestmark = pytest.mark.django_db

HEADER = ["region_code", "period_start", "period_end", "value", "source"]
PLACEHOLDER = (
    "this cell is a formula, and the file holds only a placeholder (such as 0) for its result: "
    "the program that wrote the file left it to be worked out when the file is opened. "
    "Recalculate (Ctrl+Shift+F9 in LibreOffice, Calculate Now (F9) in Excel) and save, or, once "
    "the sheet shows the right figures, paste the column as values (Paste Special → Values); "
    "then import the file again."
)
NOTHING_IMPORTED = "Nothing was imported: fix the problems above and run the import again."


def written_by_xlsxwriter(rows: list[list], *, results: dict | None = None) -> bytes:
    """A workbook as xlsxwriter writes it: dates as date cells, text starting with '=' as
    formulas, each saved with the result given in `results` (by formula) or xlsxwriter's 0."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("Figures")
    dates = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, HEADER)
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, str) and value.startswith("="):
                saved = (results or {}).get(value, 0)
                style = dates if value.startswith("=DATE(") else None
                sheet.write_formula(number, column, value, style, saved)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(number, column, value, dates)
            else:
                sheet.write(number, column, value)
    workbook.close()
    return buffer.getvalue()


def without_recalculation_on_opening(data: bytes) -> bytes:
    """The same workbook with fullCalcOnLoad taken out of its calculation properties, as Excel
    saves it (`<calcPr calcId="…"/>`)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member.filename)
            if member.filename == "xl/workbook.xml":
                content, count = re.subn(rb' fullCalcOnLoad="1"', b"", content)
                assert count == 1
            target.writestr(member, content)
    return buffer.getvalue()


SUMMED_VALUES = [
    ["W15000001", datetime.date(2024, 3, 5), datetime.date(2024, 9, 4), "=1000+747", "Helpline"],
    ["W15000001", datetime.date(2024, 9, 5), datetime.date(2025, 3, 4), "=100+39", "Helpline"],
]


def test_the_reader_marks_every_formula_cell_of_a_workbook_recalculated_on_opening():
    table = read_table(written_by_xlsxwriter(SUMMED_VALUES), "figures.xlsx")
    cell = table.rows[0][3]
    assert isinstance(cell, PlaceholderResult)
    assert cell == "=1000+747"  # the formula, for whoever reads the cell


def test_formula_values_written_by_a_program_are_refused_by_row_and_column(officer_client):
    before = snapshot()

    response = preview(officer_client, "figures.xlsx", data=written_by_xlsxwriter(SUMMED_VALUES))

    assert problems_of(response) == [
        "Row 2, value: " + PLACEHOLDER,
        "Row 3, value: " + PLACEHOLDER,
    ]
    assert "Paste Special → Values" in response.content.decode()
    assert snapshot() == before


def test_the_command_refuses_them_too_and_stores_nothing(officer, tmp_path):
    path = tmp_path / "figures.xlsx"
    path.write_bytes(written_by_xlsxwriter(SUMMED_VALUES))
    before = snapshot()

    stdout, stderr, error = run_command(str(path), "--user", officer.username)

    assert error == NOTHING_IMPORTED
    assert stderr.splitlines() == ["Row 2, value: " + PLACEHOLDER, "Row 3, value: " + PLACEHOLDER]
    assert snapshot() == before


def test_even_a_placeholder_that_looks_right_is_refused(officer_client):
    """A program may save a result with the formula, but the workbook still asks for it to be
    worked out again on opening: what the partner saw cannot be told from the file."""
    data = written_by_xlsxwriter(SUMMED_VALUES, results={"=1000+747": 1747, "=100+39": 139})
    before = snapshot()

    response = preview(officer_client, "figures.xlsx", data=data)

    assert problems_of(response) == [
        "Row 2, value: " + PLACEHOLDER,
        "Row 3, value: " + PLACEHOLDER,
    ]
    assert snapshot() == before


def test_dates_and_text_written_as_formulas_are_refused_in_their_columns(officer_client):
    """Saved as 0, a date formula would read as 30 December 1899, and a text one as '0'."""
    rows = [
        ["W15000001", "=DATE(2024,3,5)", "=DATE(2024,9,4)", 1747, '="ONS "&"figures"'],
        ["W15000001", datetime.date(2024, 9, 5), datetime.date(2025, 3, 4), 139, "Helpline"],
    ]
    before = snapshot()

    response = preview(officer_client, "figures.xlsx", data=written_by_xlsxwriter(rows))

    assert problems_of(response) == [
        "Row 2, period_end: " + PLACEHOLDER,
        "Row 2, period_start: " + PLACEHOLDER,
        "Row 2, source: " + PLACEHOLDER,
    ]
    assert snapshot() == before


def test_a_workbook_not_recalculated_on_opening_imports_the_results_it_saved(officer_client):
    """The same file without the request to recalculate, as Excel saves it: its saved results
    are what the sheet showed."""
    data = written_by_xlsxwriter(SUMMED_VALUES, results={"=1000+747": 1747, "=100+39": 139})

    import_file(officer_client, "figures.xlsx", data=without_recalculation_on_opening(data))

    assert figures(ImportBatch.objects.get()) == {
        (datetime.date(2024, 3, 5), datetime.date(2024, 9, 4)): (1747, "Helpline", ""),
        (datetime.date(2024, 9, 5), datetime.date(2025, 3, 4)): (139, "Helpline", ""),
    }


def test_a_workbook_saved_by_libreoffice_imports_its_formula_results(officer, regions):
    stdout, stderr, error = run_command(
        str(CORPUS / "formula-results.xlsx"), "--user", officer.username
    )

    assert error is None, stderr
    assert figures(ImportBatch.objects.get()) == {
        (datetime.date(2024, 3, 5), datetime.date(2024, 9, 4)): (152, "ONS figures", ""),
        (datetime.date(2024, 9, 5), datetime.date(2025, 3, 4)): (139, "Helpline", ""),
    }


def test_the_regions_import_refuses_them_too(demo, manager_client):
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["gss_code", "name", "kind", "population", "population_year"])
    sheet.write_row(1, 0, ["W15000003", "Gwent", "police_force_area", "=500000+62", 2022])
    workbook.close()
    before = list(Region.objects.values_list())

    response = manager_client.post(
        "/admin/regions/region/import/",
        {
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile("regions.xlsx", buffer.getvalue()),
        },
    )

    assert [str(p) for p in response.context["result"].problems_shown] == [
        "Row 2, population: " + PLACEHOLDER
    ]
    assert list(Region.objects.values_list()) == before
