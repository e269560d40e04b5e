"""Importing statistics as partners do: every file of the corpus, through the admin and the command.

The admin is driven with real requests: upload (preview), then the confirmation form exactly as
the preview page renders it. Every bad file must say what is wrong, by row and column, and leave
the database as it was; every good file must import the same figures, read correctly.
"""

import codecs
import csv
import datetime
import hashlib
import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from campaigns.demo import METRIC_SLUG
from campaigns.demo import SOURCE as DEMO_SOURCE
from regions.imports.formats import dataset_from_bytes
from regions.imports.storage import DatabaseStorage
from regions.models import ImportBatch, Metric, Organisation, PendingImport, Region, Statistic
from tests.regions.factories import (
    MetricFactory,
    StatisticFactory,
    UserFactory,
    data_officer,
    manager_user,
)

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "import_files"
IMPORT_URL = "/admin/regions/statistic/import/"
PROCESS_URL = "/admin/regions/statistic/process_import/"
TEMPLATE_URL = "/admin/regions/statistic/import/template.{}"
CHANGELIST_URL = "/admin/regions/statistic/"
EXPORT_URL = "/admin/regions/statistic/export/"
NBSP = "\N{NO-BREAK SPACE}"  # Django's filesizeformat writes "5.0 MB" with one
TEMPLATE_COLUMNS = [
    "region_code",
    "metric",
    "period_start",
    "period_end",
    "value",
    "source",
    "notes",
]

# What every good file holds (see import_files/make_corpus.py): North Wales, two periods.
SOURCE = "Café £ figures"
GOOD_FIGURES = {
    # (period_start, period_end): (value, source, notes)
    (datetime.date(2024, 3, 5), datetime.date(2024, 9, 4)): (1747, SOURCE, "Partners’ count"),
    (datetime.date(2024, 9, 5), datetime.date(2025, 3, 4)): (139, SOURCE, ""),
}
GOOD_FILES = {
    # file: notes the preview shows about how it was read
    "good.csv": [],
    "good-bom.csv": [],
    "good-cp1252.csv": ["Read as Windows-1252 text."],
    "good-utf16.txt": ["Read as UTF-16 text.", "Columns are separated by tabs."],
    "good-utf16.csv": ["Read as UTF-16 text.", "Columns are separated by tabs."],
    "good-semicolon.csv": ["Columns are separated by semicolons."],
    "good.xlsx": [],
}


def formula(value: str, prefix: str) -> str:
    """The formula message; an invisible prefix ("a tab") is named "the tab" when removed."""
    removed = prefix.removeprefix("a ")
    return (
        f"{value} starts with {prefix}, so a spreadsheet would treat it as a formula. "
        f"Remove the {removed} (or the formula) and save the file as values."
    )


NOT_A_WORKBOOK = (
    "This file is named .xlsx but is not a readable Excel workbook (it may be damaged, or another "
    "kind of file renamed). Open it in Excel and save it again as 'Excel Workbook (.xlsx)', or as "
    "'CSV UTF-8'."
)
# A partner is told which areas their organisation covers, whether the code is unknown or
# someone else's (each said as what it is: region codes and names are public).
COVERS_NORTH_WALES = "It covers W15000001 (North Wales)."
NOT_COVERED = (
    "Row 3, region_code: E23000002 is not a region your organisation covers. " + COVERS_NORTH_WALES
)
NO_SAVED_RESULT = (
    "this cell is a formula with no saved result; open the file in Excel or LibreOffice and save "
    "it again, or paste the column as values."
)
NO_LONGER_WAITING = (
    "This upload is no longer waiting: it was imported or abandoned already, or it expired. "
    "Nothing was imported. Upload the file again."
)


@dataclass
class BadFile:
    """A bad file of the corpus and every message it must produce, nothing more."""

    name: str
    messages: list[str]
    # Refused before any row is read: the admin shows the message on the upload field and the
    # command fails with it; otherwise the command prints every message on stderr.
    unreadable: bool = False
    admin_messages: list[str] = field(default_factory=list)  # where the admin words it its way
    officer_messages: list[str] = field(default_factory=list)  # where a partner is told otherwise

    def expected(self, *, admin: bool, officer: bool) -> list[str]:
        if officer and self.officer_messages:
            return self.officer_messages
        if admin and self.admin_messages:
            return self.admin_messages
        return self.messages

    def __str__(self) -> str:
        return self.name


BAD_FILES = [
    BadFile("missing-column.csv", ["The required column 'period_end' is missing."]),
    BadFile(
        "unknown-column.csv",
        [
            "Unknown column 'sources'. The columns are: region_code, period_start, period_end, "
            "value, metric, source, notes. Did you mean 'source'?"
        ],
    ),
    BadFile(
        "bad-dates.csv",
        [
            "Row 2, period_start: '31/02/2024' is not a real date.",
            "Row 3, period_start: 'March 2024' is not a date. Write dates as 2024-03-05 or "
            "05/03/2024 (day first).",
            "Row 4, period_end: '31/03/25' has a two-digit year; write the date in full, year "
            "first (YYYY-MM-DD), for example 2024-03-05 for 5 March 2024.",
        ],
    ),
    BadFile(
        "us-dates.csv",
        [
            "Row 2, period_start: '03/25/2024' is not a date: dates are read day first "
            "(DD/MM/YYYY) and there is no month 25. It looks like a US-style date (month first); "
            "write it year first, as 2024-03-25.",
            "Row 2, period_end: '09/24/2024' is not a date: dates are read day first "
            "(DD/MM/YYYY) and there is no month 24. It looks like a US-style date (month first); "
            "write it year first, as 2024-09-24.",
        ],
    ),
    # Quarters written month first: 04/01/2010 would be read as 4 January if the dates that
    # can only be month first were all the file was refused for.
    BadFile(
        "us-quarters.csv",
        [
            "Row 2, period_start: '04/01/2010' could be 4 January 2010 or 1 April 2010. This "
            "file looks US-style (month first): '06/30/2010' on row 2 can only be month first. "
            "Write dates year first (YYYY-MM-DD): 2010-04-01 if it means 1 April 2010.",
            "Row 2, period_end: '06/30/2010' is not a date: dates are read day first "
            "(DD/MM/YYYY) and there is no month 30. It looks like a US-style date (month first); "
            "write it year first, as 2010-06-30.",
            "Row 3, period_start: '07/01/2010' could be 7 January 2010 or 1 July 2010. This "
            "file looks US-style (month first): '06/30/2010' on row 2 can only be month first. "
            "Write dates year first (YYYY-MM-DD): 2010-07-01 if it means 1 July 2010.",
            "Row 3, period_end: '09/30/2010' is not a date: dates are read day first "
            "(DD/MM/YYYY) and there is no month 30. It looks like a US-style date (month first); "
            "write it year first, as 2010-09-30.",
            "Row 4, period_start: '10/01/2010' could be 10 January 2010 or 1 October 2010. This "
            "file looks US-style (month first): '06/30/2010' on row 2 can only be month first. "
            "Write dates year first (YYYY-MM-DD): 2010-10-01 if it means 1 October 2010.",
            "Row 4, period_end: '12/31/2010' is not a date: dates are read day first "
            "(DD/MM/YYYY) and there is no month 31. It looks like a US-style date (month first); "
            "write it year first, as 2010-12-31.",
        ],
    ),
    # The same file with the dates the message named rewritten as it said: the ambiguous ones
    # are still refused, rather than read day first.
    BadFile(
        "us-quarters-half-fixed.csv",
        [
            "Row 2, period_start: '04/01/2010' could be 4 January 2010 or 1 April 2010. This "
            "file looks US-style (month first): '09/30/2010' on row 3 can only be month first. "
            "Write dates year first (YYYY-MM-DD): 2010-04-01 if it means 1 April 2010.",
            "Row 3, period_start: '07/01/2010' could be 7 January 2010 or 1 July 2010. This "
            "file looks US-style (month first): '09/30/2010' on row 3 can only be month first. "
            "Write dates year first (YYYY-MM-DD): 2010-07-01 if it means 1 July 2010.",
            "Row 3, period_end: '09/30/2010' is not a date: dates are read day first "
            "(DD/MM/YYYY) and there is no month 30. It looks like a US-style date (month first); "
            "write it year first, as 2010-09-30.",
        ],
    ),
    BadFile(
        "negative.csv",
        [
            "Row 2, value: '-5' is negative; counts are 0 or more.",
            "Row 3, value: '-1,747' is negative; counts are 0 or more.",
        ],
    ),
    BadFile(
        "fractional.csv",
        [
            "Row 2, value: '2.5' is not a whole number.",
            "Row 3, value: '1,747.5' is not a whole number.",
        ],
    ),
    BadFile(
        "european-thousands.csv",
        [
            "Row 2, value: '1.000' could be 1,000, with a dot between the thousands as much of "
            "Europe writes it, or 1, with a decimal point. Write counts without a dot, for example "
            "1000 or 1,000.",
            "Row 3, value: '1.234.567' has dots between its thousands, as much of Europe writes "
            "numbers. Write counts without them, as 1234567 or 1,234,567.",
            "Row 4, value: '1,2,3.0' is not a number.",
        ],
    ),
    BadFile("huge.csv", ["Row 2, value: '99999999999999999999' is too large to be a count."]),
    BadFile(
        "huge-digits.csv",
        [
            "Row 2, value: '9999999999999999999999999…' is too large to be a count.",
            "Row 3, value: '9999999999999999999999999…' is too large to be a count.",
        ],
    ),
    BadFile(
        "unknown-region.csv",
        [
            "Row 3, region_code: E23999999 is not a known region. Use its GSS code (for example "
            "W15000001), its police.uk force id (north-wales) or, for a grouping without a GSS "
            "code, its slug."
        ],
        officer_messages=[
            "Row 3, region_code: E23999999 is not a known region code. Use the code of a region "
            "your organisation covers. " + COVERS_NORTH_WALES
        ],
    ),
    BadFile(
        "duplicate-keys.csv",
        [
            "Row 3: the same metric, region and period as row 2. Each figure may appear once in "
            "a file; delete one of the two rows."
        ],
    ),
    BadFile(
        "formula-cells.csv",
        [
            "Row 2, source: " + formula("'=SUM(1,1)'", "'='"),
            "Row 3, notes: " + formula("'@cmd'", "'@'"),
            "Row 4, source: " + formula("'+1'", "'+'"),
            "Row 5, region_code: " + formula("'W15000001'", "a tab"),
        ],
    ),
    BadFile(
        "formula-after-space.csv",
        [
            "Row 2, source: " + formula('\'=HYPERLINK("http://example.com","x")\'', "'='"),
            "Row 3, notes: " + formula("'@SUM(1)'", "'@'"),
            "Row 4, source: " + formula("'=1+1'", "'='"),
            "Row 5, value: " + formula("'=1+1'", "'='"),
        ],
    ),
    BadFile(
        "formula-cells.xlsx",
        # Formula cells with no result saved (openpyxl writes none): the file must be saved
        # from a spreadsheet, which calculates them.
        [
            "Row 2, value: " + NO_SAVED_RESULT,
            "Row 3, source: " + NO_SAVED_RESULT,
        ],
    ),
    BadFile(
        "empty.csv",
        ["The file is empty."],
        unreadable=True,
        admin_messages=["The submitted file is empty."],  # Django's own file field says so
    ),
    BadFile(
        "header-only.csv",
        ["The file has a header row but no data rows below it: there is nothing to import."],
        unreadable=True,
    ),
    BadFile("truncated.xlsx", [NOT_A_WORKBOOK], unreadable=True),
    BadFile("not-xlsx.xlsx", [NOT_A_WORKBOOK], unreadable=True),
    BadFile(
        "old-excel.xls",
        [
            "This is an old-style Excel file (.xls). Open it in Excel and save it as 'Excel "
            "Workbook (.xlsx)' or as 'CSV UTF-8', then import that."
        ],
        unreadable=True,
    ),
    BadFile(
        "zip-bomb.xlsx",
        [
            f"This workbook would unpack to 5.0{NBSP}MB, far more than its rows can need. Save the "
            "sheet as 'CSV UTF-8' and import that instead."
        ],
        unreadable=True,
    ),
    BadFile(
        "unquoted-comma.csv",
        [
            "Row 2: has values in 7 cells but the header names 6 columns. In a CSV file, a value "
            "that contains a comma must be in double quotes."
        ],
    ),
    BadFile(
        "overlapping-periods.csv",
        [
            "Row 4, period_start: 01/01/2024 to 31/12/2024 overlaps 01/01/2024 to 30/06/2024 on "
            "row 2 (North Wales). A metric counts every area in the same periods; give every "
            "row one of the same periods, or periods that do not overlap.",
            "Row 3, period_start: 01/07/2024 to 31/12/2024 overlaps 01/01/2024 to 31/12/2024 on "
            "row 4 (North Wales). A metric counts every area in the same periods; give every "
            "row one of the same periods, or periods that do not overlap.",
            "Row 5, period_start: 01/01/2017 to 31/12/2017 overlaps 01/07/2017 to 31/12/2017, "
            "a period this metric already counts in (North Wales, among others). A metric "
            "counts every area in the same periods; give figures for those periods.",
        ],
    ),
    BadFile(
        "period-end-before-start.csv",
        [
            # Row 3 starts and ends on the same day: a one-day period, which is fine.
            "Row 2, period_end: 05/03/2024 is before period_start (04/09/2024); a period cannot "
            "end before it starts.",
        ],
    ),
    BadFile(
        "bad-encoding.csv",
        [
            "This file's characters could not be read (byte 0x81 at position 94 is not UTF-8 or "
            "Windows-1252). Save it from Excel as 'CSV UTF-8' and import that."
        ],
        unreadable=True,
    ),
    BadFile(
        "empty-cells.csv",
        [
            "Row 2, region_code: is empty; a region code is required.",
            "Row 3, period_start: is empty; a date is required.",
            "Row 4, value: is empty; a whole number (0 or more) is required.",
        ],
    ),
    BadFile(
        "unknown-metric.csv",
        [
            "Row 2, metric: 'no-such-metric' is not a metric. The metrics are: "
            "helpline-contacts-online-behaviour."
        ],
    ),
    BadFile(
        "not-a-spreadsheet.pdf",
        [
            "Only CSV or tab-separated text (.csv, .tsv or .txt) and Excel (.xlsx) files can be "
            "imported; this file is "
            "'not-a-spreadsheet.pdf'."
        ],
        unreadable=True,
    ),
    BadFile(
        "unclosed-quote.csv",
        [
            'Row 2, notes could not be read as CSV: the value starts with a double quote (") '
            "that is never closed, so every row after it would be read into that one cell. Add "
            "the closing quote where the value ends, or remove the opening one."
        ],
        unreadable=True,
    ),
    BadFile(
        "xlsx-named.csv",
        [
            "This file is named .csv but is an Excel workbook. Rename it to end in .xlsx, or save "
            "it from Excel as 'CSV UTF-8'."
        ],
        unreadable=True,
    ),
]
# Bad only for someone whose organisation does not cover Cumbria.
NOT_COVERED_FILE = BadFile("other-partners-region.csv", [NOT_COVERED])


# --- Helpers ------------------------------------------------------------------------------------


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, corpus(name) if data is None else data)


def preview(client: Client, name: str, *, data: bytes | None = None, metric=None):
    """Upload a file on the import form, as the browser posts it."""
    form = {"resource": "0", "format": "0", "import_file": upload(name, data)}
    if metric is not None:
        form["metric"] = str(metric.pk)
    response = client.post(IMPORT_URL, form)
    assert response.status_code == 200
    return response


def confirm_fields(response) -> dict[str, str]:
    """The fields of the preview's confirmation form, as the page renders them."""
    page = response.content.decode()
    form = re.search(rf'<form action="{PROCESS_URL}" method="POST">(.*?)</form>', page, re.S)
    assert form, f"the preview offers no confirmation: {problems_of(response)}"
    fields = {}
    for tag in re.findall(r"<input [^>]*>", form.group(1)):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return fields


def confirm(client: Client, fields: dict[str, str], **kwargs):
    return client.post(PROCESS_URL, fields, **kwargs)


def import_file(client: Client, name: str, *, data: bytes | None = None, metric=None):
    """Preview, then confirm; returns the response the confirmation redirected to."""
    fields = confirm_fields(preview(client, name, data=data, metric=metric))
    response = confirm(client, fields, follow=True)
    assert response.status_code == 200
    return response


def problems_of(response) -> list[str]:
    """Every problem the import page shows: the upload field's errors, the file's, the rows'."""
    problems = []
    form = response.context.get("form")
    if form is not None and form.is_bound:
        problems.extend(form.errors.get("import_file", []))
    result = response.context.get("result")
    if result is not None:
        problems.extend(result.file_problems)
        problems.extend(str(problem) for problem in result.problems_shown)
    return problems


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def snapshot() -> dict:
    """Everything an import could write, to compare before and after."""
    return {
        "statistics": list(
            Statistic.objects.order_by("pk").values_list(
                "pk",
                "metric_id",
                "region_id",
                "period_start",
                "period_end",
                "value",
                "source",
                "notes",
                "import_batch_id",
                "created_at",
                "updated_at",
            )
        ),
        "import batches": ImportBatch.objects.count(),
        "pending imports": PendingImport.objects.count(),
        "admin log entries": LogEntry.objects.count(),
    }


def figures(batch: ImportBatch | None = None, **filters) -> dict[tuple, tuple]:
    statistics = Statistic.objects.filter(**filters)
    if batch is not None:
        statistics = statistics.filter(import_batch=batch)
    return {
        (s.period_start, s.period_end): (s.value, s.source, s.notes)
        for s in statistics.order_by("period_start")
    }


def run_command(*args: str) -> tuple[str, str, str | None]:
    """Run import_statistics; returns stdout, stderr and the CommandError's message, if any."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("import_statistics", *args, stdout=stdout, stderr=stderr)
    except CommandError as error:
        return stdout.getvalue(), stderr.getvalue(), str(error)
    return stdout.getvalue(), stderr.getvalue(), None


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Fixtures -----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def small_unpack_limit(settings):
    """zip-bomb.xlsx unpacks to 5 MB: over this limit, while a real sheet of two rows is not."""
    settings.IMPORT_MAX_XLSX_UNPACKED_BYTES = 1024 * 1024


@pytest.fixture
def organisations(demo) -> dict[str, Organisation]:
    return {organisation.slug: organisation for organisation in Organisation.objects.all()}


@pytest.fixture
def regions(demo) -> dict[str, Region]:
    return {region.slug: region for region in Region.objects.all()}


@pytest.fixture
def metric(demo) -> Metric:
    return Metric.objects.get(slug=METRIC_SLUG)


@pytest.fixture
def other_metric(demo) -> Metric:
    return MetricFactory(slug="calls-to-the-helpline", name="Calls to the helpline")


@pytest.fixture
def officer(organisations):
    """A data officer of North Wales Police, which covers North Wales only."""
    return data_officer(organisations["north-wales-police"], username="north-wales-officer")


@pytest.fixture
def titan_officer(organisations):
    """A data officer of TITAN, which covers the North West and North Wales grouping."""
    return data_officer(organisations["titan"], username="titan-officer")


@pytest.fixture
def officer_client(officer) -> Client:
    return signed_in(officer)


@pytest.fixture
def titan_client(titan_officer) -> Client:
    return signed_in(titan_officer)


@pytest.fixture(params=["manager", "officer"])
def importer(request, demo, manager, officer):
    """Each kind of user who may import: a campaign manager and a partner data officer."""
    return {"manager": manager, "officer": officer}[request.param]


@pytest.fixture
def view_only_user(demo):
    user = UserFactory(username="viewer")
    user.user_permissions.add(Permission.objects.get(codename="view_statistic"))
    return user


@pytest.fixture
def add_only_user(demo):
    user = UserFactory(username="adder")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_statistic", "add_statistic"])
    )
    return user


@pytest.fixture
def no_group_user(demo):
    return UserFactory(username="no-group")


# --- Bad files: through the admin -----------------------------------------------------------------


def bad_file_params():
    params = [
        pytest.param(bad, role, id=f"{bad}-{role}")
        for bad in BAD_FILES
        for role in ["manager", "officer"]
    ]
    params.append(pytest.param(NOT_COVERED_FILE, "officer", id=f"{NOT_COVERED_FILE}-officer"))
    return params


@pytest.mark.parametrize(("bad", "role"), bad_file_params())
def test_bad_file_preview_lists_every_problem_and_changes_nothing(bad, role, manager, officer):
    client = signed_in({"manager": manager, "officer": officer}[role])
    before = snapshot()

    response = preview(client, bad.name)

    expected = bad.expected(admin=True, officer=role == "officer")
    assert sorted(problems_of(response)) == sorted(expected)
    text = page_text(response)
    for message in expected:
        assert message in text
    assert "confirm_form" not in response.context
    assert PROCESS_URL not in text
    assert snapshot() == before  # no statistic, no batch, and no upload left waiting


@pytest.mark.parametrize("bad", [bad for bad in BAD_FILES if not bad.unreadable], ids=str)
def test_row_problems_are_shown_by_row_and_column_with_a_count(bad, officer_client):
    response = preview(officer_client, bad.name)
    result = response.context["result"]
    text = page_text(response)
    assert "Nothing can be imported yet" in text
    if result.problems:
        rows = {re.match(r"Row (\d+)", message).group(1) for message in bad.messages}
        assert result.rows_with_problems == len(rows)
        assert "no row of this file has been saved" in text
    else:
        assert "The file's columns need fixing first:" in text


# --- Bad files: through the command -------------------------------------------------------------


def command_params():
    params = [
        pytest.param(bad, user, id=f"{bad}-{user or 'no-user'}")
        for bad in BAD_FILES
        for user in [None, "officer"]
    ]
    params.append(pytest.param(NOT_COVERED_FILE, "officer", id=f"{NOT_COVERED_FILE}-officer"))
    return params


@pytest.mark.parametrize(("bad", "user"), command_params())
def test_command_refuses_bad_file_with_every_message_and_changes_nothing(bad, user, officer):
    before = snapshot()
    args = [str(CORPUS / bad.name)]
    if user:
        args += ["--user", officer.username]

    stdout, stderr, error = run_command(*args)

    if bad.unreadable:
        assert error == bad.messages[0]
    else:
        assert error == "Nothing was imported: fix the problems above and run the import again."
        expected = bad.expected(admin=False, officer=user == "officer")
        assert sorted(stderr.splitlines()) == sorted(expected)
    assert "Imported" not in stdout
    assert snapshot() == before


def test_command_accepts_the_not_covered_file_without_a_user(demo):
    stdout, stderr, error = run_command(str(CORPUS / NOT_COVERED_FILE.name))
    assert error is None, stderr
    assert "Imported other-partners-region.csv: 2 new, 0 updated, 0 unchanged." in stdout


# --- Good files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", GOOD_FILES)
def test_good_file_preview_summarises_and_offers_confirmation(name, importer, regions):
    client = signed_in(importer)
    before = snapshot()

    response = preview(client, name)

    assert problems_of(response) == []
    result = response.context["result"]
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert result.notes == GOOD_FILES[name]
    text = page_text(response)
    assert "every one of its 2 rows checks out" in text
    assert "create 2 new statistics" in text
    for note in GOOD_FILES[name]:
        assert note in text
    # The sample names the rows in words; nothing is saved yet but the waiting upload.
    assert [sample.row for sample in result.new_sample] == [2, 3]
    assert "North Wales" in result.new_sample[0].what
    fields = confirm_fields(response)
    assert fields["original_file_name"] == name
    assert fields["format"] == "0"
    after = snapshot()
    assert after["statistics"] == before["statistics"]
    assert after["import batches"] == before["import batches"]
    waiting = PendingImport.objects.get()
    assert (waiting.token, waiting.user) == (fields["import_file_name"], importer)
    storage = DatabaseStorage(name=waiting.token, user=importer)
    assert storage.read() == corpus(name)
    assert storage.details == {"file_name": name, "metric": None}


@pytest.mark.parametrize("name", GOOD_FILES)
def test_good_file_confirmed_imports_every_figure(name, importer, regions, metric):
    client = signed_in(importer)
    statistics_before = Statistic.objects.count()

    response = import_file(client, name)

    batch = ImportBatch.objects.get()
    assert response.redirect_chain == [(f"{CHANGELIST_URL}?import_batch__exact={batch.pk}", 302)]
    assert any(
        f"Imported {name}: 2 new, 0 updated, 0 unchanged." in message
        for message in messages_of(response)
    )
    assert Statistic.objects.count() == statistics_before + 2
    # 05/03/2024 is 5 March; "1,747" is 1747; Windows-1252 and UTF-16 text is read as written.
    assert figures(batch, region=regions["north-wales"], metric=metric) == GOOD_FIGURES
    assert batch.statistics.count() == 2
    assert batch.kind == ImportBatch.Kind.STATISTICS
    assert batch.user == importer
    expected_organisation = (
        None if importer.username != "north-wales-officer" else "north-wales-police"
    )
    assert getattr(batch.organisation, "slug", None) == expected_organisation
    assert batch.file_name == name
    assert batch.checksum == hashlib.sha256(corpus(name)).hexdigest()
    assert (batch.rows_created, batch.rows_updated, batch.rows_unchanged) == (2, 0, 0)
    assert PendingImport.objects.count() == 0
    assert LogEntry.objects.count() == 0  # recorded once, as the batch, not per row


@pytest.mark.parametrize("name", GOOD_FILES)
def test_command_imports_good_file(name, officer, regions, metric):
    stdout, stderr, error = run_command(str(CORPUS / name), "--user", officer.username)

    assert error is None, stderr
    batch = ImportBatch.objects.get()
    assert f"Imported {name}: 2 new, 0 updated, 0 unchanged. (import batch {batch.pk})" in stdout
    for note in GOOD_FILES[name]:
        assert note in stdout
    assert figures(batch, region=regions["north-wales"], metric=metric) == GOOD_FIGURES
    assert batch.user == officer
    assert batch.organisation.slug == "north-wales-police"
    assert batch.checksum == hashlib.sha256(corpus(name)).hexdigest()


def test_command_without_a_user_records_no_user(demo):
    stdout, stderr, error = run_command(str(CORPUS / "good.csv"))
    assert error is None, stderr
    batch = ImportBatch.objects.get()
    assert (batch.user, batch.organisation) == (None, None)


def test_a_one_day_period_imports(demo, tmp_path):
    """A daily count starts and ends on the same day."""
    upload = tmp_path / "daily.csv"
    upload.write_text(
        "region_code,metric,period_start,period_end,value\n"
        f"W15000001,{METRIC_SLUG},2024-03-05,2024-03-05,12\n"
    )

    stdout, stderr, error = run_command(str(upload))

    assert error is None, stderr
    statistic = Statistic.objects.get(period_start=datetime.date(2024, 3, 5))
    assert (statistic.period_end, statistic.value) == (datetime.date(2024, 3, 5), 12)


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
            b"region_code,period_start,period_end,value,source,notes\r\n"
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


# --- Metrics ------------------------------------------------------------------------------------


def test_metric_chosen_on_the_form_is_used(officer_client, other_metric, regions):
    response = preview(officer_client, "good.csv", metric=other_metric)
    fields = confirm_fields(response)
    assert "metric" not in fields  # kept with the upload, not in the page
    confirm(officer_client, fields)

    assert figures(metric=other_metric, region=regions["north-wales"]) == GOOD_FIGURES


def test_the_confirmation_uses_the_metric_chosen_at_the_preview_whatever_the_form_says(
    officer_client, metric, other_metric, regions
):
    fields = confirm_fields(preview(officer_client, "good.csv", metric=other_metric))
    confirm(officer_client, {**fields, "metric": str(metric.pk)})

    assert figures(metric=other_metric, region=regions["north-wales"]) == GOOD_FIGURES
    assert figures(batch=ImportBatch.objects.get(), metric=metric) == {}


def test_a_metric_deleted_since_the_preview_imports_nothing(officer_client, regions):
    metric = MetricFactory(slug="short-lived")
    fields = confirm_fields(preview(officer_client, "good.csv", metric=metric))
    metric.delete()
    before = snapshot()

    response = confirm(officer_client, fields, follow=True)

    assert messages_of(response) == [
        "The metric chosen for this upload no longer exists. Nothing was imported. Upload the "
        "file again and choose a metric."
    ]
    after = snapshot()
    assert after["statistics"] == before["statistics"]
    assert after["import batches"] == before["import batches"] == 0
    assert after["pending imports"] == 0


def test_the_audit_record_names_the_file_uploaded_not_the_form_field(officer_client):
    fields = confirm_fields(preview(officer_client, "good.csv"))
    confirm(officer_client, {**fields, "original_file_name": "someone-elses-figures.csv"})

    assert ImportBatch.objects.get().file_name == "good.csv"


def test_without_a_metric_on_the_form_or_in_the_file_the_file_is_refused(
    officer_client, other_metric
):
    before = snapshot()
    response = preview(officer_client, "good.csv")
    assert problems_of(response) == [
        "Choose the metric these figures count on the import form, or add a 'metric' column "
        "with a metric's slug on every row."
    ]
    assert snapshot() == before


def test_metric_column_names_the_metric_of_each_row(officer_client, other_metric, metric, regions):
    import_file(officer_client, "good-metric-column.csv")
    batch = ImportBatch.objects.get()
    assert figures(batch, metric=metric, region=regions["north-wales"]) == GOOD_FIGURES
    assert not Statistic.objects.filter(metric=other_metric).exists()


def test_metric_column_must_agree_with_the_form(officer_client, other_metric):
    before = snapshot()
    response = preview(officer_client, "good-metric-column.csv", metric=other_metric)
    assert problems_of(response) == [
        f"Row {row}, metric: 'helpline-contacts-online-behaviour' is not the metric chosen on "
        "the form (calls-to-the-helpline)."
        for row in (2, 3)
    ]
    assert snapshot() == before


def test_metric_column_agreeing_with_the_form_is_fine(officer_client, metric, other_metric):
    response = preview(officer_client, "good-metric-column.csv", metric=metric)
    assert problems_of(response) == []
    assert response.context["result"].created == 2


def test_empty_metric_cell_without_a_form_choice_is_a_row_problem(officer_client, other_metric):
    data = corpus("good-metric-column.csv").replace(
        b",helpline-contacts-online-behaviour\r\nnorth", b",\r\nnorth"
    )
    response = preview(officer_client, "good-metric-column.csv", data=data)
    assert problems_of(response) == [
        "Row 2, metric: is empty; write the metric's slug, or choose a metric on the form."
    ]


def test_unknown_metric_lists_the_metrics(officer_client, other_metric):
    response = preview(officer_client, "unknown-metric.csv")
    assert problems_of(response) == [
        "Row 2, metric: 'no-such-metric' is not a metric. The metrics are: "
        "calls-to-the-helpline, helpline-contacts-online-behaviour."
    ]


def test_command_metric_option_chooses_the_metric(officer, other_metric, regions):
    stdout, stderr, error = run_command(
        str(CORPUS / "good.csv"), "--metric", other_metric.slug, "--user", officer.username
    )
    assert error is None, stderr
    assert figures(metric=other_metric, region=regions["north-wales"]) == GOOD_FIGURES


def test_command_refuses_an_unknown_metric(officer):
    before = snapshot()
    stdout, stderr, error = run_command(str(CORPUS / "good.csv"), "--metric", "nope")
    assert error == (
        "There is no metric 'nope'. The metrics are: helpline-contacts-online-behaviour."
    )
    assert snapshot() == before


def test_command_metric_option_must_agree_with_the_metric_column(other_metric):
    stdout, stderr, error = run_command(
        str(CORPUS / "good-metric-column.csv"), "--metric", other_metric.slug
    )
    assert error == "Nothing was imported: fix the problems above and run the import again."
    assert stderr.splitlines() == [
        f"Row {row}, metric: 'helpline-contacts-online-behaviour' is not the metric chosen with "
        "--metric (calls-to-the-helpline)."
        for row in (2, 3)
    ]


def test_command_without_a_metric_says_to_give_one_with_the_option(other_metric):
    stdout, stderr, error = run_command(str(CORPUS / "good.csv"))
    assert stderr.splitlines() == [
        "Choose the metric these figures count with --metric SLUG, or add a 'metric' column "
        "with a metric's slug on every row."
    ]


def test_command_with_an_empty_metric_cell_says_to_give_the_option(other_metric, tmp_path):
    path = tmp_path / "figures.csv"
    path.write_text(
        "region_code,period_start,period_end,value,metric\nW15000001,05/03/2024,04/09/2024,1,\n"
    )
    stdout, stderr, error = run_command(str(path))
    assert stderr.splitlines() == [
        "Row 2, metric: is empty; write the metric's slug, or give --metric."
    ]


# --- Partners import only their own regions -----------------------------------------------------


def test_north_wales_officer_cannot_import_cumbria(officer_client):
    before = snapshot()
    response = preview(officer_client, "other-partners-region.csv")
    assert problems_of(response) == [NOT_COVERED]
    assert NOT_COVERED in page_text(response)
    assert snapshot() == before


def test_titan_officer_imports_member_areas_and_the_grouping(titan_client, titan_officer, regions):
    import_file(titan_client, "titan.csv")

    batch = ImportBatch.objects.get()
    assert batch.organisation.slug == "titan"
    imported = dict(batch.statistics.values_list("region__slug", "value"))
    assert imported == {"cumbria": 31, "cheshire": 32, "north-west-and-north-wales": 3549}


def test_titan_officer_cannot_import_an_area_outside_the_grouping(titan_client):
    data = corpus("titan.csv") + b"W92000004,2024-03-05,2024-09-04,5,TITAN,\r\n"
    response = preview(titan_client, "titan.csv", data=data)
    assert problems_of(response) == [
        "Row 5, region_code: W92000004 is not a region your organisation covers. It covers "
        "E23000006 (Cheshire), E23000002 (Cumbria), E23000005 (Greater Manchester), "
        "E23000003 (Lancashire), E23000004 (Merseyside) and 2 more."
    ]


@pytest.mark.parametrize("name", ["other-partners-region.csv", "titan.csv"])
def test_manager_imports_any_region(demo, manager_client, name):
    response = import_file(manager_client, name)
    batch = ImportBatch.objects.get()
    assert batch.statistics.count() == len(corpus(name).splitlines()) - 1
    assert any(f"Imported {name}:" in message for message in messages_of(response))


def test_command_user_option_restricts_to_that_users_regions(officer, titan_officer):
    before = snapshot()
    stdout, stderr, error = run_command(
        str(CORPUS / "other-partners-region.csv"), "--user", officer.username
    )
    assert error is not None
    assert stderr.splitlines() == [NOT_COVERED]
    assert snapshot() == before

    stdout, stderr, error = run_command(
        str(CORPUS / "other-partners-region.csv"), "--user", titan_officer.username
    )
    assert error is None, stderr
    assert ImportBatch.objects.get().organisation.slug == "titan"


# --- Permissions --------------------------------------------------------------------------------


UNPRIVILEGED = ["view_only_user", "add_only_user", "no_group_user"]


@pytest.mark.parametrize("user_fixture", UNPRIVILEGED)
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", IMPORT_URL),
        ("post", IMPORT_URL),
        ("post", PROCESS_URL),
        ("get", TEMPLATE_URL.format("csv")),
        ("get", TEMPLATE_URL.format("xlsx")),
        ("post", TEMPLATE_URL.format("csv")),
    ],
)
def test_users_without_add_and_change_permission_cannot_import(
    request, user_fixture, method, url, demo, manager_client
):
    # Something real to confirm: the manager's upload, waiting.
    fields = confirm_fields(preview(manager_client, "good.csv"))
    client = signed_in(request.getfixturevalue(user_fixture))
    before = snapshot()

    if method == "get":
        response = client.get(url)
    elif url == PROCESS_URL:
        response = client.post(url, fields)
    else:
        response = client.post(
            url, {"resource": "0", "format": "0", "import_file": upload("good.csv")}
        )

    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("user_fixture", [*UNPRIVILEGED, "manager", "officer"])
def test_confirmation_url_refuses_get(request, user_fixture, demo):
    client = signed_in(request.getfixturevalue(user_fixture))
    response = client.get(PROCESS_URL)
    # 403 without permission; with it, 405: the confirmation is only ever posted.
    assert response.status_code == (405 if user_fixture in ("manager", "officer") else 403)


@pytest.mark.parametrize("user_fixture", UNPRIVILEGED)
def test_users_without_permission_see_no_import_link(request, user_fixture):
    response = signed_in(request.getfixturevalue(user_fixture)).get(CHANGELIST_URL)
    assert IMPORT_URL not in response.content.decode()


def test_command_refuses_a_user_without_permission(view_only_user):
    before = snapshot()
    stdout, stderr, error = run_command(str(CORPUS / "good.csv"), "--user", view_only_user.username)
    assert error == (
        "'viewer' may not import these: missing permission regions.add_statistic, "
        "regions.change_statistic."
    )
    assert snapshot() == before


@pytest.mark.parametrize("username", ["ghost", "inactive"])
def test_command_refuses_unknown_or_inactive_users(username, demo):
    UserFactory(username="inactive", is_active=False)
    stdout, stderr, error = run_command(str(CORPUS / "good.csv"), "--user", username)
    assert error == f"There is no active user '{username}'."
    assert not ImportBatch.objects.exists()


def test_command_refuses_a_missing_file(demo, tmp_path):
    stdout, stderr, error = run_command(str(tmp_path / "nothing.csv"))
    assert error == f"No file at {tmp_path / 'nothing.csv'}."


def test_command_refuses_a_file_over_the_size_limit(demo, settings):
    settings.IMPORT_MAX_FILE_BYTES = 100
    stdout, stderr, error = run_command(str(CORPUS / "good.csv"))
    assert error == (
        f"This file is 189{NBSP}bytes; the largest file accepted is 100{NBSP}bytes. Split it into "
        "smaller files and import them one after another."
    )


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


# --- Dry run ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["good.csv", "good.xlsx"])
def test_command_dry_run_saves_nothing(name, officer):
    before = snapshot()
    stdout, stderr, error = run_command(str(CORPUS / name), "--dry-run", "--user", officer.username)
    assert error is None, stderr
    assert "Dry run, nothing saved. Would import: 2 new, 0 updated, 0 unchanged." in stdout
    assert snapshot() == before


def test_command_dry_run_of_a_bad_file_still_lists_the_problems(officer):
    stdout, stderr, error = run_command(str(CORPUS / "bad-dates.csv"), "--dry-run")
    assert error is not None
    assert len(stderr.splitlines()) == 3


# --- The confirmation step ----------------------------------------------------------------------


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


# --- Templates ----------------------------------------------------------------------------------


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
    for column in TEMPLATE_COLUMNS:
        assert f"<code>{column}</code>" in text


# --- Export -------------------------------------------------------------------------------------


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


# --- Periods that overlap -----------------------------------------------------------------------


def half_year_rows(count: int, *, first_year: int = 1900) -> list[str]:
    rows = []
    for index in range(count):
        year, half = divmod(index, 2)
        start, end = ("01/01", "30/06") if half == 0 else ("01/07", "31/12")
        rows.append(f"W15000001,{start}/{first_year + year},{end}/{first_year + year},{index},,")
    return rows


def plan_of(text: str, user):
    from regions.imports.statistics import statistics_plan

    table = dataset_from_bytes(text.encode(), "figures.csv").table
    return statistics_plan(table, user=user, metric=Metric.objects.get(slug=METRIC_SLUG))


def test_overlaps_are_found_without_a_query_per_row(officer, metric):
    """The check loads the stored periods once, sorts and makes one pass."""
    header = ",".join(["region_code", "period_start", "period_end", "value", "source", "notes"])
    counts = []
    for rows in (2, 200):
        # The whole of 1900 after its halves: it overlaps both.
        text = "\n".join([header, *half_year_rows(rows), "W15000001,01/01/1900,31/12/1900,9,,"])
        with CaptureQueriesContext(connection) as queries:
            plan = plan_of(text, officer)
        assert sorted(problem.row for problem in plan.problems) == [3, rows + 2]
        counts.append(len(queries))
    assert counts[0] == counts[1]


ALREADY_COUNTED = (
    "overlaps 01/07/2017 to 31/12/2017, a period this metric already counts in ({where}). A "
    "metric counts every area in the same periods; give figures for those periods."
)


def test_a_yearly_total_beside_other_regions_half_years_is_refused(manager_client, regions):
    """Cumbria has no figures of its own, but North Wales and its grouping count July-December
    2017: a 2017 total for Cumbria would compare a year with their half-year, and beside a
    grouping's total could reveal a withheld half by subtraction."""
    before = snapshot()
    text = "region_code,period_start,period_end,value\nE23000002,01/01/2017,31/12/2017,300\n"

    problems = problems_of(preview(manager_client, "year.csv", data=text.encode()))

    assert problems == [
        "Row 2, period_start: 01/01/2017 to 31/12/2017 "
        + ALREADY_COUNTED.format(where="North Wales, among others")
    ]
    assert "separate metric" not in problems[0]
    assert snapshot() == before


def test_periods_of_different_regions_in_one_file_must_not_overlap(demo):
    text = "\n".join(
        [
            "region_code,period_start,period_end,value",
            "W15000001,01/01/2012,30/06/2012,5",
            "E23000002,01/01/2012,31/12/2012,9",
            "E23000002,01/01/2012,30/06/2012,4",
            "north-wales,01/07/2012,31/12/2012,6",
        ]
    )
    assert [str(problem) for problem in plan_of(text, manager_user()).problems] == [
        f"Row {row}, period_start: {period} overlaps {other} on row {first} ({region}). A "
        "metric counts every area in the same periods; give every row one of the same "
        "periods, or periods that do not overlap."
        for row, period, other, first, region in [
            (3, "01/01/2012 to 31/12/2012", "01/01/2012 to 30/06/2012", 2, "North Wales"),
            (5, "01/07/2012 to 31/12/2012", "01/01/2012 to 31/12/2012", 3, "Cumbria"),
        ]
    ]


def test_a_period_another_region_already_has_is_the_metrics_own(manager_client, regions):
    text = "region_code,period_start,period_end,value\nE23000002,01/07/2017,31/12/2017,31\n"
    import_file(manager_client, "cumbria.csv", data=text.encode())
    assert figures(region=regions["cumbria"]) == {
        (datetime.date(2017, 7, 1), datetime.date(2017, 12, 31)): (31, "", "")
    }


def test_a_partner_is_not_told_which_other_areas_have_a_period(officer_client, regions, metric):
    StatisticFactory(
        metric=metric,
        region=regions["cumbria"],
        period_start=datetime.date(2012, 1, 1),
        period_end=datetime.date(2012, 12, 31),
    )
    before = snapshot()
    text = "region_code,period_start,period_end,value\nW15000001,01/07/2012,31/12/2012,8\n"

    problems = problems_of(preview(officer_client, "h2.csv", data=text.encode()))

    assert problems == [
        "Row 2, period_start: 01/07/2012 to 31/12/2012 overlaps 01/01/2012 to 31/12/2012, a "
        "period this metric already counts in (areas your organisation does not cover). A "
        "metric counts every area in the same periods; give figures for those periods."
    ]
    assert snapshot() == before


def test_a_row_with_the_period_of_a_stored_figure_updates_it_rather_than_overlapping(
    officer_client, regions
):
    text = "region_code,period_start,period_end,value\nW15000001,01/07/2017,31/12/2017,85\n"
    import_file(officer_client, "same-period.csv", data=text.encode())
    assert (
        figures(region=regions["north-wales"])[
            (datetime.date(2017, 7, 1), datetime.date(2017, 12, 31))
        ][0]
        == 85
    )


def test_an_upload_stored_without_its_details_counts_as_gone(officer_client, officer):
    """A waiting upload whose details cannot be read is never confirmed on the form's word."""
    fields = confirm_fields(preview(officer_client, "good.csv"))
    PendingImport.objects.filter(token=fields["import_file_name"]).update(details={})
    before = snapshot()

    response = confirm(officer_client, fields, follow=True)

    assert messages_of(response) == [NO_LONGER_WAITING]
    assert snapshot() == before


# --- Codes that name two regions ----------------------------------------------------------------


def test_a_code_that_names_two_regions_is_refused_not_guessed(manager_client, metric):
    """Stored before the rule against it: a force whose police.uk id is a grouping's slug."""
    from tests.regions.factories import RegionFactory

    RegionFactory(
        name="Test Force Area",
        slug="test-force-area",
        police_uk_id="test-force",
        gss_code="E23000099",
    )
    RegionFactory(name="Test Force", slug="test-force", gss_code=None, kind="grouping")
    before = snapshot()
    text = "region_code,period_start,period_end,value\ntest-force,01/01/2001,30/06/2001,5\n"

    response = preview(manager_client, "ambiguous.csv", data=text.encode(), metric=metric)

    assert problems_of(response) == [
        "Row 2, region_code: test-force names more than one region (Test Force, Test Force "
        "Area), so which one is meant cannot be told. Use the region's GSS code, or ask a "
        "campaign manager to give one of them another slug."
    ]
    assert snapshot() == before


def test_header_names_may_use_spaces_or_hyphens_for_underscores(officer_client, regions):
    text = (
        "Region Code,Period Start, period-end ,VALUE,Source\r\n"
        "W15000001,05/03/2024,04/09/2024,1747,Helpline\r\n"
    )
    import_file(officer_client, "spaced-headers.csv", data=text.encode())
    assert figures(batch=ImportBatch.objects.get()) == {
        (datetime.date(2024, 3, 5), datetime.date(2024, 9, 4)): (1747, "Helpline", "")
    }


@pytest.mark.parametrize("format_name", ["csv", "xlsx"])
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


def test_an_apostrophe_reads_as_text_only_before_a_formula_sign():
    from regions.imports import cells

    assert cells.text("'-5% on last year") == "-5% on last year"
    assert cells.text("'@home") == "@home"
    assert cells.text("'Tis the season") == "'Tis the season"
    with pytest.raises(cells.CellError, match="starts with '-'"):
        cells.text("-5% on last year")


def test_formula_cells_import_the_results_the_spreadsheet_saved(officer_client, regions):
    """A workbook saved by LibreOffice: =SUM(100,52) imports as 152, a text formula as its text."""
    import_file(officer_client, "formula-results.xlsx")
    assert figures(ImportBatch.objects.get()) == {
        (datetime.date(2024, 3, 5), datetime.date(2024, 9, 4)): (152, "ONS figures", ""),
        (datetime.date(2024, 9, 5), datetime.date(2025, 3, 4)): (139, "Helpline", ""),
    }


def test_a_bad_value_does_not_hide_a_duplicate_or_an_overlap(officer):
    plan = plan_of(
        "region_code,period_start,period_end,value,source,notes\n"
        "W15000001,01/01/2021,30/06/2021,lots,,\n"
        "W15000001,01/01/2021,30/06/2021,5,,\n"
        "W15000001,01/01/2021,31/12/2021,=1,,\n",
        officer,
    )
    assert [str(problem) for problem in sorted(plan.problems)] == [
        "Row 2, value: 'lots' is not a number.",
        "Row 3: the same metric, region and period as row 2. Each figure may appear once in a "
        "file; delete one of the two rows.",
        "Row 4, period_start: 01/01/2021 to 31/12/2021 overlaps 01/01/2021 to 30/06/2021 on row "
        "2 (North Wales). A metric counts every area in the same periods; give every row one of "
        "the same periods, or periods that do not overlap.",
        "Row 4, value: " + formula("'=1'", "'='"),
    ]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "ZZ",
            "ZZ is not a known region code. Use the code of a region your organisation covers. "
            + COVERS_NORTH_WALES,
        ),
        ("North Wales", "North Wales is a region's name, not its code: use W15000001."),
        (
            "cumbria",
            "cumbria is not a region your organisation covers. " + COVERS_NORTH_WALES,
        ),
        (
            "Greater Manchester",
            "Greater Manchester is a region's name, not its code, and not a region your "
            "organisation covers. " + COVERS_NORTH_WALES,
        ),
    ],
)
def test_a_partner_is_told_an_unknown_code_from_a_region_outside_their_organisation(
    officer, code, message
):
    plan = plan_of(
        f"region_code,period_start,period_end,value\n{code},2021-01-01,2021-06-30,5\n", officer
    )
    assert [str(problem) for problem in plan.problems] == [f"Row 2, region_code: {message}"]


def test_a_region_name_given_for_a_code_is_pointed_out_to_a_manager(demo, manager):
    plan = plan_of(
        "region_code,period_start,period_end,value\nnorth wales,2021-01-01,2021-06-30,5\n", manager
    )
    assert [str(problem) for problem in plan.problems] == [
        "Row 2, region_code: north wales is a region's name, not its code: use W15000001."
    ]


def test_a_period_ending_in_the_future_is_refused(officer):
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    plan = plan_of(
        "region_code,period_start,period_end,value\n"
        f"W15000001,2030-01-01,2030-06-30,5\n"
        f"W15000001,{today.replace(day=1).isoformat()},{tomorrow.isoformat()},6\n",
        officer,
    )
    assert [str(problem) for problem in sorted(plan.problems)] == [
        "Row 2, period_end: 30/06/2030 is in the future; figures can only be given for periods "
        "that have ended.",
        f"Row 3, period_end: {tomorrow.strftime('%d/%m/%Y')} is in the future; figures can only "
        "be given for periods that have ended.",
    ]


def test_a_period_ending_today_has_ended(officer):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=1)
    plan = plan_of(
        f"region_code,period_start,period_end,value\nW15000001,{start},{today},5\n", officer
    )
    assert plan.problems == [] and plan.created == 1


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


def test_counts_in_row_messages_have_thousands_separators(officer):
    plan = plan_of(
        f"region_code,period_start,period_end,value,source\nW15000001,2021-01-01,2021-06-30,5,"
        f"{'a' * 1200}\n",
        officer,
    )
    assert [str(problem) for problem in plan.problems] == [
        "Row 2, source: is 1,200 characters long; at most 255 are allowed."
    ]


def test_line_breaks_are_stored_one_way_so_a_multi_line_note_round_trips():
    from regions.imports import cells

    assert cells.text("line one\r\nline two") == "line one\nline two"
    assert cells.text("line one\rline two") == "line one\nline two"
    statistic = StatisticFactory.build(notes="line one\r\nline two", source="a\r\nb")
    statistic.clean()
    assert (statistic.notes, statistic.source) == ("line one\nline two", "a\nb")


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
