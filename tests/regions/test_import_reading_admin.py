"""Files that used to be misread, through the admin's upload and the command line: each is
refused with a message that says what to do, nothing is saved, and nothing waits."""

import datetime
import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import Workbook

from campaigns.demo import METRIC_SLUG
from regions.models import ImportBatch, Metric, PendingImport, Statistic
from tests.signing_in import sign_in

IMPORT_URL = "/admin/regions/statistic/import/"
HEADER = "region_code,period_start,period_end,value,source,notes"


def workbook(*rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


ELEVEN_PM = datetime.datetime(2010, 12, 31, 23)  # noqa: DTZ001 (as openpyxl reads a cell)

# name: (file content, what the page and the command must say)
CASES = {
    "mac-roman.csv": (
        f"{HEADER}\rW15000001,01/07/2010,31/12/2010,5,Police data café,Officer’s note\r".encode(
            "mac_roman"
        ),
        "This file looks like it was saved from Excel on a Mac as 'CSV (Macintosh)', whose "
        "characters are not Windows or UTF-8 text: on row 2, 'café' would be read as 'cafŽ'. "
        "Save it from Excel as 'CSV UTF-8 (Comma delimited)' and import that.",
    ),
    "mixed-encodings.csv": (
        f"{HEADER}\r\nW15000001,01/07/2010,31/12/2010,5,NWP café,".encode()
        + "Officer’s note\r\n".encode("cp1252"),
        "This file mixes two encodings, as happens when text from different programs is pasted "
        "together: 'café' on row 2 is UTF-8, but 'Officer’s' on row 2 is not (byte 0x92).",
    ),
    "european-comma.csv": (
        b"region_code;period_start;period_end;value\r\n"
        b"W15000001;01.07.2010;31.12.2010;1,000\r\n"
        b"W15000001;01.01.2011;30.06.2011;139,0\r\n",
        "Row 2, value: '1,000' could be 1000, with a comma between the thousands, or 1, with a "
        "decimal comma as files whose columns are separated by semicolons write it. Write counts "
        "without a comma, for example 1000.",
    ),
    "times.xlsx": (
        workbook(
            ["region_code", "period_start", "period_end", "value"],
            ["W15000001", datetime.date(2010, 7, 1), datetime.date(2010, 12, 31), 5],
            ["W15000001", ELEVEN_PM, datetime.date(2011, 6, 30), 6],
        ),
        "Row 3, period_start: the cell holds a time (23:00) as well as a date; give the date only.",
    ),
}


def snapshot() -> tuple:
    return (
        list(Statistic.objects.order_by("pk").values_list("pk", "value", "source", "notes")),
        ImportBatch.objects.count(),
    )


@pytest.fixture
def metric(demo) -> Metric:
    return Metric.objects.get(slug=METRIC_SLUG)


@pytest.mark.parametrize("name", CASES)
def test_refused_in_the_admin_with_nothing_saved(name, metric, manager):
    data, message = CASES[name]
    client = Client()
    sign_in(client, manager)
    before = snapshot()

    response = client.post(
        IMPORT_URL,
        {
            "resource": "0",
            "format": "0",
            "metric": str(metric.pk),
            "import_file": SimpleUploadedFile(name, data),
        },
    )

    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert "process_import" not in response.content.decode()  # nothing to confirm
    assert snapshot() == before
    assert not PendingImport.objects.exists()


@pytest.mark.parametrize("name", CASES)
def test_refused_on_the_command_line_with_nothing_saved(name, metric, tmp_path):
    data, message = CASES[name]
    path = tmp_path / name
    path.write_bytes(data)
    before = snapshot()
    stdout, stderr = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError) as caught:
        call_command(
            "import_statistics", str(path), "--metric", METRIC_SLUG, stdout=stdout, stderr=stderr
        )

    said = " ".join([str(caught.value), stdout.getvalue(), stderr.getvalue()])
    assert message in " ".join(said.split())
    assert snapshot() == before


@pytest.mark.parametrize(
    ("rows", "summary"),
    [
        (
            ["W15000001,2010-07-01,2010-12-31,-5"],
            "1 problem in 1 row. Fix it in your spreadsheet",
        ),
        (
            ["W15000001,someday,2010-12-31,-5"],
            "2 problems in 1 row. Fix them in your spreadsheet",
        ),
        (
            ["W15000001,someday,2010-12-31,-5", "W15000001,2011-01-01,2011-06-30,x"],
            "3 problems in 2 rows. Fix them in your spreadsheet",
        ),
    ],
)
def test_the_summary_counts_problems_and_rows_each_in_its_own_plural(
    rows, summary, metric, manager
):
    client = Client()
    sign_in(client, manager)
    data = "\r\n".join(["region_code,period_start,period_end,value", *rows]).encode()

    response = client.post(
        IMPORT_URL,
        {
            "resource": "0",
            "format": "0",
            "metric": str(metric.pk),
            "import_file": SimpleUploadedFile("figures.csv", data),
        },
    )

    assert summary in html.unescape(response.content.decode())
