"""What every import shares: headers, row errors and the result shown to the person importing."""

import difflib
import re
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export.results import Error, InvalidRow, Result

from regions.imports import cells
from regions.imports.reading import FileRejected, NoDataRows, Table, column_letter

# The preview lists this many errors at most (the command line prints them all), and a sample of
# this many changes of each kind.
ERRORS_SHOWN = 1000
SAMPLE_SIZE = 10
FIRST_DATA_ROW = 2  # the header is spreadsheet row 1
_SEPARATORS = re.compile(r"[\s-]+")


@dataclass(frozen=True, order=True)
class RowError:
    """One problem, placed as a spreadsheet shows it: row number (header = 1) and column."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Row %(row)s, %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


class FileErrors(Exception):
    """Problems with the file as a whole (its columns), found before any row is read."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


class WriteProblems(Exception):
    """Problems found while writing a checked plan; the write is undone and they are shown
    like any row problem."""

    def __init__(self, problems: list[RowError]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass
class Columns:
    """Where each known column is in the file, by its canonical name."""

    index: dict[str, int]

    def __contains__(self, name: str) -> bool:
        return name in self.index

    def values(self, table: Table, name: str) -> list:
        """Every data row's cell in that column (None where the row is short)."""
        position = self.index[name]
        return [row[position] if position < len(row) else None for row in table.rows]


def column_key(header: str) -> str:
    """A header cell as a column name: "Period Start", "period-start" and "PERIOD_START" are all
    period_start."""
    return _SEPARATORS.sub("_", cells.visible(header).strip().lower())


def _listed(names: list[str]) -> str:
    """'a, b and c'."""
    if len(names) < 2:
        return "".join(names)
    return _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def explain_rejection(error: FileRejected, *, required: list[str], optional: list[str]) -> str:
    """What to tell the person importing about a file refused before its rows were read, in the
    words of the import: a first row and nothing below it that names none of the import's
    columns is a title or a note, not a header row."""
    if not isinstance(error, NoDataRows):
        return str(error)
    table = error.table
    known = {*required, *optional}
    if any(column_key(header) in known for header in table.headers):
        return str(error)
    text = " ".join(cells.visible(h).strip() for h in table.headers if h.strip())
    text = f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"
    values = {"text": text, "required": _listed(required), "sheet": table.sheet}
    if table.sheet is None:
        message = _(
            "No column names were found: the first row holds only %(text)s and there is nothing "
            "below it. The first row must name the columns; %(required)s are required."
        )
    elif table.hidden_sheets_skipped:
        message = _(
            "No column names were found on the first visible sheet, '%(sheet)s': it holds only "
            "%(text)s. Only the first visible sheet of a workbook is read (hidden sheets are "
            "skipped): put the figures there, with the column names in row 1; %(required)s are "
            "required."
        )
    else:
        message = _(
            "No column names were found on the first sheet, '%(sheet)s': it holds only "
            "%(text)s. Only the first sheet of a workbook is read: put the figures there, with "
            "the column names in row 1; %(required)s are required."
        )
    return message % values


def match_columns(headers: list[str], *, required: list[str], optional: list[str]) -> Columns:
    """Match header cells to known columns, case-insensitively and ignoring surrounding spaces."""
    known = [*required, *optional]
    index: dict[str, int] = {}
    problems: list[str] = []
    for position, header in enumerate(headers):
        name = column_key(header)
        header = cells.visible(header)
        if not name:
            problems.append(
                _("Column %(letter)s has no name in the header row; name it or delete it.")
                % {"letter": column_letter(position)}
            )
        elif name in index:
            problems.append(_("The column '%(name)s' appears twice.") % {"name": header.strip()})
        elif name in known:
            index[name] = position
        else:
            suggestion = difflib.get_close_matches(name.replace(" ", "_"), known, n=1)
            hint = _(" Did you mean '%(name)s'?") % {"name": suggestion[0]} if suggestion else ""
            problems.append(
                _("Unknown column '%(name)s'. The columns are: %(known)s.%(hint)s")
                % {"name": header.strip(), "known": ", ".join(known), "hint": hint}
            )
    for name in required:
        if name not in index:
            problems.append(_("The required column '%(name)s' is missing.") % {"name": name})
    if problems and not index:
        first = cells.visible(headers[0]).strip().lower() if headers else ""
        if first.startswith("sep="):
            problems.insert(
                0,
                _(
                    "Row 1 is Excel's '%(line)s' line: delete it, so that the column names are in "
                    "row 1."
                )
                % {"line": headers[0].strip()},
            )
        else:
            problems.insert(
                0,
                _(
                    "No column name was recognised in row 1. The column names must be in row 1: if "
                    "the file has a title or notes above them, delete those rows."
                ),
            )
    if problems:
        raise FileErrors(problems)
    return Columns(index=index)


def stray_cell_problems(table: Table) -> list[RowError]:
    """Rows with values beyond the named columns: usually an unquoted comma in a CSV value."""
    width = len(table.headers)
    if table.file_kind == "XLSX":
        # Cells in a sheet cannot be split by a stray comma: advice on quoting would mislead.
        message = _(
            "has values in %(cells)s columns but the header row names %(width)s. Name the extra "
            "column in the header row, or delete its values."
        )
    else:
        message = _(
            "has values in %(cells)s cells but the header names %(width)s columns. "
            "In a CSV file, a value that contains a comma must be in double quotes."
        )
    problems = []
    for index, row in enumerate(table.rows):
        if len(row) > width and any(cell is not None and str(cell).strip() for cell in row[width:]):
            cells = len(row)
            if table.file_kind == "XLSX":
                cells = max(i for i, c in enumerate(row) if c is not None and str(c).strip()) + 1
            problems.append(
                RowError(
                    index + FIRST_DATA_ROW,
                    "",
                    message % {"cells": f"{cells:,}", "width": f"{width:,}"},
                )
            )
    return problems


@dataclass
class ChangeSample:
    """One row of the preview: what a row will create or change."""

    row: int
    what: str
    before: str
    after: str


class ImportResult(Result):
    """The library's Result, carrying every problem by row and column and a summary."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.problems: list[RowError] = []
        self.file_problems: list[str] = []
        self.notes: list[str] = []
        self.new_sample: list[ChangeSample] = []
        self.changed_sample: list[ChangeSample] = []
        self.batch = None
        self.dry_run = True

    def add_file_problems(self, messages: list[str]) -> None:
        self.file_problems.extend(messages)
        for message in messages:
            self.append_base_error(Error(message))

    def add_problems(self, problems: list[RowError]) -> None:
        """Record row problems, also as the library's invalid rows so nothing can be confirmed."""
        self.problems.extend(problems)
        by_row: dict[int, dict[str, list[str]]] = {}
        for problem in problems[:ERRORS_SHOWN]:
            by_row.setdefault(problem.row, {}).setdefault(problem.column or "__all__", []).append(
                problem.message
            )
        for row, messages in by_row.items():
            self.invalid_rows.append(
                InvalidRow(number=row, validation_error=ValidationError(messages), values=())
            )

    @property
    def failed(self) -> bool:
        return bool(self.file_problems or self.problems)

    @property
    def problems_shown(self) -> list[RowError]:
        return sorted(self.problems)[:ERRORS_SHOWN]

    @property
    def problems_not_shown(self) -> int:
        return max(0, len(self.problems) - ERRORS_SHOWN)

    @property
    def rows_with_problems(self) -> int:
        return len({problem.row for problem in self.problems})

    @property
    def problems_summary(self) -> str:
        """ "2 problems in 1 row. Fix them …", each count with its own plural."""
        total, rows = len(self.problems), self.rows_with_problems
        problems = ngettext("%(count)s problem", "%(count)s problems", total) % {
            "count": f"{total:,}"
        }
        where = ngettext("in %(count)s row", "in %(count)s rows", rows) % {"count": f"{rows:,}"}
        fix = ngettext(
            "Fix it in your spreadsheet and upload the file again; no row of this file has "
            "been saved.",
            "Fix them in your spreadsheet and upload the file again; no row of this file has "
            "been saved.",
            total,
        )
        return f"{problems} {where}. {fix}"

    @property
    def problems_by_column(self) -> list[tuple[str, int]]:
        return Counter(problem.column or _("whole row") for problem in self.problems).most_common()

    @property
    def created(self) -> int:
        return self.totals["new"]

    @property
    def updated(self) -> int:
        return self.totals["update"]

    @property
    def unchanged(self) -> int:
        return self.totals["skip"]
