"""A problem on a row hidden in the sheet says so: the partner looking for it would not see it."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from regions.imports.results import RowError
from regions.models import Region
from tests.regions.statistics_import import preview, problems_of, run_command, snapshot

pytestmark = pytest.mark.django_db

HEADER = ["region_code", "period_start", "period_end", "value"]
HIDDEN_NOTE = "1 row hidden in the sheet was read too."
NOT_A_NUMBER = "'lots' is not a number."


def workbook_bytes(rows: list[list], *, hidden: set[int]) -> bytes:
    """A workbook whose sheet holds the rows under a header, the rows numbered in `hidden`
    (as the sheet numbers them) hidden."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for number in hidden:
        sheet.row_dimensions[number].hidden = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


FIGURES = workbook_bytes(
    [
        HEADER,
        ["W15000001", datetime.date(2024, 1, 1), datetime.date(2024, 6, 30), 12],
        ["W15000001", datetime.date(2024, 7, 1), datetime.date(2024, 12, 31), "lots"],
        ["W15000001", datetime.date(2025, 1, 1), datetime.date(2025, 6, 30), "many"],
    ],
    hidden={3},
)
PROBLEMS = [
    f"Row 3 (hidden in the sheet), value: {NOT_A_NUMBER}",
    "Row 4, value: 'many' is not a number.",
]


def test_the_preview_marks_the_problem_on_a_hidden_row(officer_client):
    before = snapshot()

    response = preview(officer_client, "figures.xlsx", data=FIGURES)

    assert problems_of(response) == PROBLEMS
    page = response.content.decode()
    assert "Row 3 (hidden in the sheet), value: &#x27;lots&#x27; is not a number." in page
    assert HIDDEN_NOTE in page
    assert snapshot() == before


def test_the_command_marks_it_too(officer, tmp_path):
    path = tmp_path / "figures.xlsx"
    path.write_bytes(FIGURES)

    stdout, stderr, error = run_command(str(path), "--user", officer.username)

    assert error is not None
    assert stderr.splitlines() == PROBLEMS
    assert HIDDEN_NOTE in stdout


def test_the_regions_import_marks_it(demo, manager_client):
    data = workbook_bytes(
        [
            ["gss_code", "name", "kind"],
            ["W15000003", "Gwent", "police_force_area"],
            ["W15000004", "Dyfed-Powys", "not a kind"],
        ],
        hidden={3},
    )
    before = list(Region.objects.values_list())
    response = manager_client.post(
        "/admin/regions/region/import/",
        {
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile("regions.xlsx", data),
        },
    )
    problems = [str(problem) for problem in response.context["result"].problems_shown]
    assert len(problems) == 1
    assert problems[0].startswith("Row 3 (hidden in the sheet), kind: ")
    assert list(Region.objects.values_list()) == before


def test_the_mark_does_not_change_which_problem_is_which():
    shown = RowError(3, "value", NOT_A_NUMBER)
    hidden = RowError(3, "value", NOT_A_NUMBER, hidden=True)
    assert shown == hidden
    assert sorted([RowError(4, "", "x"), hidden]) == [hidden, RowError(4, "", "x")]
    assert str(RowError(3, "", "the same row as row 2.", hidden=True)) == (
        "Row 3 (hidden in the sheet): the same row as row 2."
    )
