"""OpenDocument spreadsheets through the admin and the command: what partners are told, and that
a refused file changes nothing. (Good .ods files are in the corpus tests' GOOD_FILES.)"""

import io
import zipfile

import pytest

from regions.imports.formats import SpreadsheetFormat
from regions.imports.reading import HEAD_BYTES
from regions.management.commands.import_statistics import Command
from tests.regions.statistics_import import (
    IMPORT_URL,
    corpus,
    page_text,
    preview,
    problems_of,
    run_command,
    snapshot,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_unpack_limit")]

RENAMED_CSV = (
    "This file is named .csv but is an OpenDocument spreadsheet (.ods). Rename it to end in "
    ".ods, or save it as 'CSV UTF-8'."
)


def with_cell_replaced(data: bytes, saved: str, replacement: str) -> bytes:
    """An .ods of the corpus with one cell of its content.xml written otherwise."""
    source = zipfile.ZipFile(io.BytesIO(data))
    content = source.read("content.xml").decode()
    assert saved in content
    content = content.replace(saved, replacement)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(
                item, content if item.filename == "content.xml" else source.read(item.filename)
            )
    return buffer.getvalue()


def saved_number(value: int) -> str:
    """A number cell as LibreOffice saves it."""
    return (
        f'<table:table-cell office:value-type="float" office:value="{value}" '
        f'calcext:value-type="float"><text:p>{value}</text:p></table:table-cell>'
    )


def without_saved_result(data: bytes) -> bytes:
    """good.ods with its 1747 made a formula never calculated, as a script would write it."""
    return with_cell_replaced(
        data, saved_number(1747), '<table:table-cell table:formula="of:=1000+747"/>'
    )


def test_an_ods_renamed_csv_is_named_for_what_it_is_at_upload(officer_client, regions):
    before = snapshot()
    response = preview(officer_client, "figures.csv", data=corpus("good.ods"))
    assert problems_of(response) == [RENAMED_CSV]
    assert snapshot() == before


def test_the_upload_reads_enough_of_a_file_to_tell_an_ods():
    assert len(corpus("good.ods")) > HEAD_BYTES
    assert corpus("good.ods")[30:HEAD_BYTES].startswith(
        b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"
    )


def test_an_ods_renamed_csv_is_named_for_what_it_is_by_the_command(tmp_path, regions):
    path = tmp_path / "figures.csv"
    path.write_bytes(corpus("good.ods"))
    before = snapshot()
    _stdout, _stderr, error = run_command(str(path))
    assert error == RENAMED_CSV
    assert snapshot() == before


def test_a_formula_without_a_saved_result_is_refused_by_row_and_column(officer_client, regions):
    before = snapshot()
    response = preview(officer_client, "figures.ods", data=without_saved_result(corpus("good.ods")))
    assert problems_of(response) == [
        "Row 2, value: this cell is a formula with no saved result; open the file in Excel or "
        "LibreOffice and save it again, or paste the column as values."
    ]
    assert snapshot()["statistics"] == before["statistics"]
    assert snapshot()["import batches"] == before["import batches"]


def test_the_command_refuses_a_formula_without_a_saved_result(tmp_path, regions):
    path = tmp_path / "figures.ods"
    path.write_bytes(without_saved_result(corpus("good.ods")))
    before = snapshot()
    _stdout, stderr, error = run_command(str(path))
    assert error == "Nothing was imported: fix the problems above and run the import again."
    assert "Row 2, value: this cell is a formula with no saved result" in stderr
    assert snapshot() == before


def test_a_problem_on_a_row_hidden_in_the_sheet_says_so(officer_client, regions):
    """good-hidden-and-formulas.ods hides its row 3 (north-wales): a bad value there is one the
    partner cannot see in LibreOffice, so the message says where it is."""
    data = with_cell_replaced(
        corpus("good-hidden-and-formulas.ods"),
        saved_number(139),
        '<table:table-cell office:value-type="string"><text:p>n/a</text:p></table:table-cell>',
    )
    before = snapshot()

    response = preview(officer_client, "figures.ods", data=data)

    assert problems_of(response) == ["Row 3 (hidden in the sheet), value: 'n/a' is not a number."]
    assert snapshot() == before


def test_the_upload_form_and_the_command_say_ods_is_accepted(officer_client):
    assert "an Excel workbook (.xlsx) or an OpenDocument spreadsheet (.ods)" in page_text(
        officer_client.get(IMPORT_URL)
    )
    assert SpreadsheetFormat().get_title().endswith("(.csv, .tsv, .txt, .xlsx, .ods)")
    help_text = Command().create_parser("manage.py", "import_statistics").format_help()
    assert "OpenDocument spreadsheet (.ods)" in " ".join(help_text.split())
