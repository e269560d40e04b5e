"""A title above the column names is one problem with one fix, said once, not as a list of
unknown and missing columns."""

import io

import pytest
from openpyxl import Workbook

from tests.regions.statistics_import import preview, problems_of, run_command, snapshot
from tests.regions.test_import_regions import import_regions

pytestmark = pytest.mark.django_db

HEADER = ["region_code", "period_start", "period_end", "value", "source"]
ROW = ["W15000001", "2024-03-05", "2024-09-04", "1747", "Helpline"]


def below_row(row: int) -> str:
    return (
        f"No column name was recognised in row 1, but row {row} holds column names. The column "
        "names must be in row 1: delete the rows above them."
    )


NO_HEADER = (
    "No column name was recognised in row 1. The column names must be in row 1 (region_code, "
    "period_start, period_end and value are required): if the file has a title or notes above "
    "them, delete the rows above the column names."
)


def csv_bytes(*rows: list[str]) -> bytes:
    return "".join(",".join(row) + "\r\n" for row in rows).encode()


def xlsx_bytes(*rows: list) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


TITLED = {
    "csv": csv_bytes(["Helpline contacts, North Wales"], HEADER, ROW),
    # A title, a blank row, then the column names: what a report exported to a sheet looks like.
    "xlsx": xlsx_bytes(["Helpline contacts, North Wales"], [], HEADER, ROW),
}
HEADER_ROW = {"csv": 2, "xlsx": 3}


@pytest.mark.parametrize("kind", TITLED)
def test_a_title_above_the_column_names_is_one_message_naming_their_row(kind, officer_client):
    before = snapshot()

    response = preview(officer_client, f"figures.{kind}", data=TITLED[kind])

    assert problems_of(response) == [below_row(HEADER_ROW[kind])]
    assert snapshot() == before


@pytest.mark.parametrize("kind", TITLED)
def test_the_command_says_it_once_too(kind, officer, tmp_path):
    path = tmp_path / f"figures.{kind}"
    path.write_bytes(TITLED[kind])

    stdout, stderr, error = run_command(str(path), "--user", officer.username)

    assert error is not None
    assert stderr.splitlines() == [below_row(HEADER_ROW[kind])]


def test_a_file_without_column_names_names_the_required_ones_once(officer_client):
    response = preview(officer_client, "figures.csv", data=csv_bytes(ROW, ROW))
    assert problems_of(response) == [NO_HEADER]


def test_a_header_row_with_some_known_columns_names_each_problem(officer_client):
    """Row 1 is a header row with mistakes in it: each is named, and no title is suspected."""
    data = csv_bytes(["region_code", "start", "period_end", "value"], ROW[:4])
    assert problems_of(preview(officer_client, "figures.csv", data=data)) == [
        "Unknown column 'start'. The columns are: region_code, period_start, period_end, value, "
        "metric, source, notes, notes_cy.",
        "The required column 'period_start' is missing.",
    ]


def test_the_regions_import_says_it_once(demo):
    output = import_regions(
        "Regions of Wales,,\ngss_code,name,kind\nW15000003,Gwent,police_force_area\n"
    )
    assert output.splitlines() == [
        "FAILED",
        "No column name was recognised in row 1, but row 2 holds column names. The column names "
        "must be in row 1: delete the rows above them.",
    ]
