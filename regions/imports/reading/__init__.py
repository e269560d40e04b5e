"""Turn an uploaded spreadsheet (CSV or XLSX) into rows of cells, refusing anything doubtful.

Partners send what their systems and Excel produce: UTF-8 with or without a byte order mark,
Windows-1252 from Excel on Windows, UTF-16 from "Unicode text", semicolon-separated CSV from
European settings, and XLSX. Every way a file can fail to be read ends in FileRejected with a
sentence a partner can act on, never in a decoding traceback.

- `table`: the Table a file becomes, the limits, FileRejected;
- `encoding`: which encoding a text file is in;
- `csvfile`: CSV and tab-separated text;
- `xlsx`: Excel workbooks;
- here: which reader a file needs (by its first bytes, checked against its name).
"""

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from regions.imports.reading.csvfile import read_csv
from regions.imports.reading.table import (
    FileRejected,
    NoDataRows,
    Table,
    max_file_bytes,
    row_has_values,
)
from regions.imports.reading.xlsx import ZIP_SIGNATURE, not_a_workbook, read_xlsx

CSV_EXTENSIONS = {".csv", ".tsv", ".txt"}  # .tsv and .txt: tab-separated as often as not
XLSX_EXTENSIONS = {".xlsx"}
ACCEPTED_EXTENSIONS = CSV_EXTENSIONS | XLSX_EXTENSIONS
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # the old binary .xls format

# What the rest of the import uses from here; the modules hold the rest.
__all__ = [
    "FileRejected",
    "NoDataRows",
    "Table",
    "check_name_matches_content",
    "check_size",
    "read_table",
]


def extension_of(file_name: str) -> str:
    dot = file_name.rfind(".")
    return file_name[dot:].lower() if dot != -1 else ""


def check_size(size: int) -> None:
    limit = max_file_bytes()
    if size > limit:
        shown_size, shown_limit = filesizeformat(size), filesizeformat(limit)
        if shown_size == shown_limit:
            # "5.0 MB; the largest accepted is 5.0 MB" would make no sense: give the bytes.
            shown_size, shown_limit = (
                _("%(n)s bytes") % {"n": f"{size:,}"},
                _("%(n)s bytes") % {"n": f"{limit:,}"},
            )
        raise FileRejected(
            _(
                "This file is %(size)s; the largest file accepted is %(limit)s. "
                "Split it into smaller files and import them one after another."
            )
            % {"size": shown_size, "limit": shown_limit}
        )


def check_name_matches_content(file_name: str, head: bytes) -> None:
    """Refuse a file whose name says one kind and whose first bytes say another."""
    extension = extension_of(file_name)
    if extension == ".xls" or head.startswith(OLE_SIGNATURE):
        raise _old_excel()
    if extension not in ACCEPTED_EXTENSIONS:
        raise FileRejected(
            _(
                "Only CSV or tab-separated text (.csv, .tsv or .txt) and Excel (.xlsx) files can "
                "be imported; this file is '%(name)s'."
            )
            % {"name": file_name}
        )
    if extension in XLSX_EXTENSIONS and not head.startswith(ZIP_SIGNATURE):
        raise not_a_workbook()
    if extension in CSV_EXTENSIONS and head.startswith(ZIP_SIGNATURE):
        raise FileRejected(
            _(
                "This file is named %(extension)s but is an Excel workbook. Rename it to end "
                "in .xlsx, or save it from Excel as 'CSV UTF-8'."
            )
            % {"extension": extension}
        )


def _old_excel() -> FileRejected:
    return FileRejected(
        _(
            "This is an old-style Excel file (.xls). Open it in Excel and save it as "
            "'Excel Workbook (.xlsx)' or as 'CSV UTF-8', then import that."
        )
    )


def read_table(data: bytes, file_name: str | None = None) -> Table:
    """Read a CSV or XLSX file's first sheet; with a name, check it is what its name says."""
    check_size(len(data))
    if not data.strip():
        raise FileRejected(_("The file is empty."))
    if file_name is not None:
        check_name_matches_content(file_name, data[:8])
    if data.startswith(OLE_SIGNATURE):
        raise _old_excel()
    table = read_xlsx(data) if data.startswith(ZIP_SIGNATURE) else read_csv(data)
    if not table.headers:
        if table.sheet is not None and table.hidden_sheets_skipped:
            raise FileRejected(
                _(
                    "The first visible sheet, '%(sheet)s', is empty: only the first visible sheet "
                    "of a workbook is read (hidden sheets are skipped). Put the figures on it, "
                    "with the column names in its first row."
                )
                % {"sheet": table.sheet}
            )
        if table.sheet is not None:
            raise FileRejected(
                _(
                    "The first sheet, '%(sheet)s', is empty: only the first sheet of a workbook "
                    "is read. Put the figures on the first sheet, with the column names in its "
                    "first row."
                )
                % {"sheet": table.sheet}
            )
        raise FileRejected(
            _(
                "The file has no header row: the first row must name the columns. If the names "
                "are further down, delete the empty rows above them."
            )
        )
    if not any(row_has_values(row) for row in table.rows):
        if table.sheet is not None and table.hidden_sheets_skipped:
            raise NoDataRows(
                _(
                    "The first visible sheet, '%(sheet)s', has a header row but no data rows "
                    "below it: there is nothing to import. Only the first visible sheet of a "
                    "workbook is read (hidden sheets are skipped); put the figures there."
                )
                % {"sheet": table.sheet},
                table,
            )
        if table.sheet is not None:
            raise NoDataRows(
                _(
                    "The first sheet, '%(sheet)s', has a header row but no data rows below it: "
                    "there is nothing to import. Only the first sheet of a workbook is read; put "
                    "the figures there."
                )
                % {"sheet": table.sheet},
                table,
            )
        raise NoDataRows(
            _("The file has a header row but no data rows below it: there is nothing to import."),
            table,
        )
    return table
