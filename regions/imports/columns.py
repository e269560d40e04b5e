"""A file's columns: header cells matched to an import's columns, and the problems of a file
whose columns are wrong, said before any row is read."""

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from core.text import visible
from regions.imports.reading.table import FIRST_DATA_ROW, FileRejected, NoDataRows, Table
from regions.imports.results import FileErrors, RowError

_SEPARATORS = re.compile(r"[\s-]+")


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
    return _SEPARATORS.sub("_", visible(header).strip().lower())


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
    text = " ".join(visible(h).strip() for h in table.headers if h.strip())
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


# How far below row 1 column names are looked for, when row 1 names none (a title, a blank row).
HEADER_SEARCH_ROWS = 10


def match_columns(
    headers: list[str],
    *,
    required: list[str],
    optional: list[str],
    rows: Sequence[tuple] = (),
) -> Columns:
    """Match header cells to known columns, case-insensitively and ignoring surrounding spaces.
    `rows`, the data rows, are only looked at when no header cell is a known column: the column
    names may be a few rows down, below a title."""
    known = [*required, *optional]
    index: dict[str, int] = {}
    problems: list[str] = []
    for position, header in enumerate(headers):
        name = column_key(header)
        header = visible(header)
        if not name:
            problems.append(
                _("Column %(letter)s has no name in the header row; name it or delete it.")
                % {"letter": get_column_letter(1 + position)}
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
        # Row 1 is not a header row at all (a title, Excel's sep= line): naming each of its
        # cells as an unknown column, and each column as missing, would bury the one fix.
        raise FileErrors([_not_a_header_row(headers, rows, required=required, known=known)])
    if problems:
        raise FileErrors(problems)
    return Columns(index=index)


def _not_a_header_row(
    headers: list[str], rows: Sequence[tuple], *, required: list[str], known: list[str]
) -> str:
    """What to say about a row 1 that names none of the columns."""
    first = visible(headers[0]).strip() if headers else ""
    if first.lower().startswith("sep="):
        return _(
            "Row 1 is Excel's '%(line)s' line: delete it, so that the column names are in row 1."
        ) % {"line": first}
    below = _header_row_below(rows, required=required, known=known)
    if below is not None:
        return _(
            "No column name was recognised in row 1, but row %(row)s holds column names. The "
            "column names must be in row 1: delete the rows above them."
        ) % {"row": below}
    return _(
        "No column name was recognised in row 1. The column names must be in row 1 "
        "(%(required)s are required): if the file has a title or notes above them, delete the "
        "rows above the column names."
    ) % {"required": _listed(required)}


def _header_row_below(
    rows: Sequence[tuple], *, required: list[str], known: list[str]
) -> int | None:
    """The spreadsheet row, a few below row 1, whose cells are all column names (a required
    one among them), if there is one."""
    for offset, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = [column_key(str(cell)) for cell in row if cell is not None and str(cell).strip()]
        if names and all(name in known for name in names) and any(n in required for n in names):
            return offset + FIRST_DATA_ROW
    return None


def stray_cell_problems(table: Table) -> list[RowError]:
    """Rows with values beyond the named columns: usually an unquoted comma in a CSV value."""
    width = len(table.headers)
    if table.from_workbook:
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
            if table.from_workbook:
                cells = max(i for i, c in enumerate(row) if c is not None and str(c).strip()) + 1
            problems.append(
                RowError(
                    index + FIRST_DATA_ROW,
                    "",
                    message % {"cells": f"{cells:,}", "width": f"{width:,}"},
                )
            )
    return problems
