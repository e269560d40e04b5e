"""What a read file becomes (a Table of header and rows), and how reading refuses a file.

Row numbers are those a spreadsheet shows: the header is row 1, so data row n is `rows[n - 2]`.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.utils import get_column_letter

MAX_HEADER_COLUMNS = 100
FIRST_DATA_ROW = 2  # the header is spreadsheet row 1
# An empty row keeps its place (row numbers stay as the spreadsheet shows them) as one shared
# empty tuple; empty rows after the last row with values are not kept at all.
BLANK_ROW: tuple = ()

# What one spreadsheet cell holds once read: text from CSV, typed values from a workbook.
CellValue = str | int | float | datetime.date | datetime.datetime | bool | None


class FileRejected(Exception):
    """The file cannot be read; the message says why and what to do."""


class NoDataRows(FileRejected):
    """A file with a first row and nothing below it. The first row may be column names, or
    (a title or a note) no column names at all: an import, which knows its columns, can tell
    which and say so (see columns.explain_rejection)."""

    def __init__(self, message: str, table: "Table") -> None:
        super().__init__(message)
        self.table = table


@dataclass
class Table:
    """A sheet: its header cells and its data rows (spreadsheet row n is rows[n - 2]; an empty
    row is an empty tuple)."""

    headers: list[str]
    rows: list[tuple[CellValue, ...]]
    file_kind: str
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    sheet: str | None = None  # the sheet read, for a workbook
    hidden_sheets_skipped: bool = False  # hidden sheets came before the one read
    delimiter: str | None = None  # what separates a CSV file's columns
    # Spreadsheet row numbers of data rows hidden in the sheet (by hand or by a filter).
    hidden_rows: frozenset[int] = frozenset()

    @property
    def from_workbook(self) -> bool:
        """Read from a workbook's sheet (cells of their own), not from delimited text."""
        return self.sheet is not None


def max_file_bytes() -> int:
    return settings.IMPORT_MAX_FILE_BYTES


def max_rows() -> int:
    return settings.IMPORT_MAX_ROWS


def row_has_values(row: tuple[CellValue, ...]) -> bool:
    return any(cell is not None and str(cell).strip() != "" for cell in row)


def column_name(headers: list, position: int) -> str:
    if position < len(headers) and str(headers[position]).strip():
        return str(headers[position]).strip()
    return _("column %(letter)s") % {"letter": get_column_letter(1 + position)}


def too_many_rows(limit: int) -> FileRejected:
    return FileRejected(
        _(
            "This file has more than %(limit)s rows, the most one import accepts. Split it into "
            "smaller files and import them one after another."
        )
        % {"limit": f"{limit:,}"}
    )


def trim_headers(headers) -> list[str]:
    cells = ["" if cell is None else str(cell) for cell in headers]
    while cells and not cells[-1].strip():
        cells.pop()
    return cells


def drop_trailing_blank_rows(rows: list[tuple[CellValue, ...]]) -> list[tuple[CellValue, ...]]:
    end = len(rows)
    while end and not row_has_values(rows[end - 1]):
        end -= 1
    del rows[end:]
    return rows


def check_unpacked_size(unpacked: int) -> None:
    """Refuse a workbook (.xlsx or .ods, both zips) that would unpack to far more than it is."""
    if unpacked > settings.IMPORT_MAX_XLSX_UNPACKED_BYTES:
        raise FileRejected(
            _(
                "This workbook would unpack to %(size)s, far more than its rows can need. "
                "Save the sheet as 'CSV UTF-8' and import that instead."
            )
            % {"size": filesizeformat(unpacked)}
        )


def sheet_notes(
    sheet: str, *, hidden_sheets_skipped: bool, more_sheets: bool, hidden_rows: int
) -> list[str]:
    """What the preview says about how a workbook's sheet was read."""
    notes = []
    if hidden_sheets_skipped:
        notes.append(_("Only the first visible sheet, '%(sheet)s', was read.") % {"sheet": sheet})
    elif more_sheets:
        notes.append(_("Only the first sheet, '%(sheet)s', was read.") % {"sheet": sheet})
    # Hidden rows with values: they are imported, though the partner does not see them.
    if hidden_rows:
        notes.append(
            ngettext(
                "%(count)s row hidden in the sheet was read too.",
                "%(count)s rows hidden in the sheet were read too.",
                hidden_rows,
            )
            % {"count": f"{hidden_rows:,}"}
        )
    return notes
