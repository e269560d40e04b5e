"""Importing statistics as partners do: every file of the corpus, through the admin and the command.

The admin is driven with real requests: upload (preview), then the confirmation form exactly as
the preview page renders it. Every bad file must say what is wrong, by row and column, and leave
the database as it was; every good file must import the same figures, read correctly.
"""

import hashlib
import re
from dataclasses import dataclass, field

import pytest
from django.contrib.admin.models import LogEntry

from regions.imports.storage import DatabaseStorage
from regions.models import ImportBatch, PendingImport, Statistic
from tests.regions.statistics_import import (
    CHANGELIST_URL,
    CORPUS,
    COVERS_NORTH_WALES,
    GOOD_FIGURES,
    NBSP,
    NOT_COVERED,
    PROCESS_URL,
    confirm_fields,
    corpus,
    figures,
    formula,
    import_file,
    messages_of,
    page_text,
    preview,
    problems_of,
    run_command,
    signed_in,
    snapshot,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_unpack_limit")]


NOT_A_WORKBOOK = (
    "This file is named .xlsx but is not a readable Excel workbook (it may be damaged, or another "
    "kind of file renamed). Open it in Excel and save it again as 'Excel Workbook (.xlsx)', or as "
    "'CSV UTF-8'."
)


NO_SAVED_RESULT = (
    "this cell is a formula with no saved result; open the file in Excel or LibreOffice and save "
    "it again, or paste the column as values."
)


GOOD_FILES = {
    # file: notes the preview shows about how it was read
    "good.csv": [],
    "good-bom.csv": [],
    "good-cp1252.csv": ["Read as Windows-1252 text."],
    "good-utf16.txt": ["Read as UTF-16 text.", "Columns are separated by tabs."],
    "good-utf16.csv": ["Read as UTF-16 text.", "Columns are separated by tabs."],
    "good-semicolon.csv": ["Columns are separated by semicolons."],
    "good.xlsx": [],
    "good.ods": [],
    # Saved by LibreOffice: a hidden sheet first, formulas with their results, a hidden row.
    "good-hidden-and-formulas.ods": [
        "Only the first visible sheet, 'Current', was read.",
        "1 row hidden in the sheet was read too.",
    ],
    # Saved by LibreOffice as .xlsx: formulas with their results, a hidden row.
    "libreoffice-formulas.xlsx": [
        "Only the first sheet, 'Current', was read.",
        "1 row hidden in the sheet was read too.",
    ],
}


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
            "value, metric, source, notes, notes_cy. Did you mean 'source'?"
        ],
    ),
    BadFile(
        "bad-dates.csv",
        [
            "Row 2, period_start: '31/02/2024' is not a real date.",
            "Row 3, period_start: 'March 2024' is not a date. Write dates as 2024-03-05 or "
            "05/03/2024 (day first).",
            # Advice in the file's own style: day first, as its other dates are.
            "Row 4, period_end: '31/03/25' has a two-digit year; write the year in full: "
            "31/03/2025 if it means 2025.",
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
            "Only CSV or tab-separated text (.csv, .tsv or .txt), Excel (.xlsx) and OpenDocument "
            "spreadsheet (.ods) files can be imported; this file is "
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


@pytest.fixture(params=["manager", "officer"])
def importer(request, demo, manager, officer):
    """Each kind of user who may import: a campaign manager and a partner data officer."""
    return {"manager": manager, "officer": officer}[request.param]


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
    assert "What to fix in the file" in text
    if result.problems:
        rows = {re.match(r"Row (\d+)", message).group(1) for message in bad.messages}
        assert result.rows_with_problems == len(rows)
        assert "no row of this file has been saved" in text
    else:
        assert "The file's columns need fixing first:" in text


# --- Bad files: through the command ---------------------------------------------------------------


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


# --- Good files -----------------------------------------------------------------------------------


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
