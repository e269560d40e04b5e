"""Turn an uploaded spreadsheet (CSV, XLSX or ODS) into rows of cells, refusing anything doubtful.

Partners send what their systems, Excel and LibreOffice produce: UTF-8 with or without a byte
order mark, Windows-1252 from Excel on Windows, UTF-16 from "Unicode text", semicolon-separated
CSV from European settings, XLSX, and OpenDocument spreadsheets (.ods). Every way a file can
fail to be read ends in FileRejected with a sentence a partner can act on, never in a decoding
traceback.

- `table`: the Table a file becomes, the limits, FileRejected;
- `encoding`: which encoding a text file is in;
- `csvfile`: CSV and tab-separated text;
- `xlsx`: Excel workbooks;
- `ods`: OpenDocument spreadsheets;
- here: which reader a file needs (by its content, checked against its name).

XLSX and ODS files are both zips. An OpenDocument file says what it is in its first member,
`mimetype`, stored uncompressed at the start of the file, so the first HEAD_BYTES tell an .ods
from another zip; the rest is told from the zip's list of members.
"""

import io
import zipfile

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from regions.imports.reading.csvfile import read_csv
from regions.imports.reading.ods import ODS_MIMETYPE, not_an_ods, read_ods
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
ODS_EXTENSIONS = {".ods"}
ACCEPTED_EXTENSIONS = CSV_EXTENSIONS | XLSX_EXTENSIONS | ODS_EXTENSIONS
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # the old binary .xls format
# A zip's first member header is 30 bytes, then its name: "mimetype", then (stored, not
# compressed) an OpenDocument file's media type.
ODF_MIMETYPE_AT = 30 + len("mimetype")
ODF_MIMETYPE_PREFIX = b"application/vnd.oasis.opendocument."
HEAD_BYTES = 128  # enough of a file's start to tell what it is

# What a zip-based file is, by its content.
XLSX, ODS, OTHER_ODF, OTHER_ZIP, UNKNOWN_ZIP = "xlsx", "ods", "other odf", "other zip", "zip"
# Other OpenDocument files partners may send by mistake, by the media type's last part.
OTHER_ODF_NAMES = {
    "text": "an OpenDocument text document (.odt)",
    "presentation": "an OpenDocument presentation (.odp)",
    "graphics": "an OpenDocument drawing (.odg)",
}

# What the rest of the import uses from here; the modules hold the rest.
__all__ = [
    "HEAD_BYTES",
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


def zip_kind(data: bytes) -> str:
    """What a zip-based file is: XLSX, ODS, another OpenDocument file, another zip, or (from a
    file's first bytes only, or a damaged zip) UNKNOWN_ZIP."""
    media_type = _odf_media_type(data)
    if media_type is not None:
        return ODS if media_type == ODS_MIMETYPE else OTHER_ODF
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(100).strip()  # never more: it could be a bomb
                if mimetype == ODS_MIMETYPE.encode():
                    return ODS
                if mimetype.startswith(ODF_MIMETYPE_PREFIX):
                    return OTHER_ODF
            if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                return XLSX
            return OTHER_ZIP
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):
        return UNKNOWN_ZIP


def _odf_media_type(data: bytes) -> str | None:
    """An OpenDocument file's media type, from its first bytes (None if they do not say)."""
    if data[ODF_MIMETYPE_AT - len("mimetype") : ODF_MIMETYPE_AT] != b"mimetype":
        return None
    rest = data[ODF_MIMETYPE_AT : ODF_MIMETYPE_AT + 100]
    if not rest.startswith(ODF_MIMETYPE_PREFIX):
        return None
    end = rest.find(b"PK", len(ODF_MIMETYPE_PREFIX))  # the next member's header
    return rest[: end if end != -1 else len(rest)].decode("ascii", "replace")


def _other_odf_name(data: bytes) -> str:
    media_type = _odf_media_type(data) or ""
    return OTHER_ODF_NAMES.get(
        media_type.removeprefix(ODF_MIMETYPE_PREFIX.decode()),
        _("an OpenDocument file that is not a spreadsheet"),
    )


def check_name_matches_content(file_name: str, head: bytes) -> None:
    """Refuse a file whose name says one kind and whose content says another. `head` may be
    the whole file or its first HEAD_BYTES: from those, only what they show is checked."""
    extension = extension_of(file_name)
    if extension == ".xls" or head.startswith(OLE_SIGNATURE):
        raise _old_excel()
    if extension not in ACCEPTED_EXTENSIONS:
        raise FileRejected(
            _(
                "Only CSV or tab-separated text (.csv, .tsv or .txt), Excel (.xlsx) and "
                "OpenDocument spreadsheet (.ods) files can be imported; this file is '%(name)s'."
            )
            % {"name": file_name}
        )
    if not head.startswith(ZIP_SIGNATURE):
        if extension in XLSX_EXTENSIONS:
            raise not_a_workbook()
        if extension in ODS_EXTENSIONS:
            raise not_an_ods()
        return
    kind = zip_kind(head)
    if kind == OTHER_ODF:
        raise _not_a_spreadsheet(_other_odf_name(head))
    if extension in XLSX_EXTENSIONS and kind == ODS:
        raise _misnamed(extension, _("an OpenDocument spreadsheet (.ods)"), ".ods")
    if extension in ODS_EXTENSIONS and kind == XLSX:
        raise _misnamed(extension, _("an Excel workbook (.xlsx)"), ".xlsx")
    if extension in ODS_EXTENSIONS and kind == OTHER_ZIP:
        raise not_an_ods()
    if extension in CSV_EXTENSIONS:
        if kind == ODS:
            raise _misnamed(extension, _("an OpenDocument spreadsheet (.ods)"), ".ods")
        if kind == OTHER_ZIP:
            raise _not_a_spreadsheet(_("a zip archive"))
        raise FileRejected(
            _(
                "This file is named %(extension)s but is an Excel workbook. Rename it to end "
                "in .xlsx, or save it from Excel as 'CSV UTF-8'."
            )
            % {"extension": extension}
        )


def _misnamed(extension: str, kind: str, right_extension: str) -> FileRejected:
    return FileRejected(
        _(
            "This file is named %(extension)s but is %(kind)s. Rename it to end in "
            "%(right)s, or save it as 'CSV UTF-8'."
        )
        % {"extension": extension, "kind": kind, "right": right_extension}
    )


def _not_a_spreadsheet(kind: str) -> FileRejected:
    return FileRejected(
        _(
            "This file is %(kind)s, not a spreadsheet. Put the figures in a spreadsheet and "
            "save it as .ods, .xlsx or 'CSV UTF-8'."
        )
        % {"kind": kind}
    )


def _reader_for(data: bytes):
    if not data.startswith(ZIP_SIGNATURE):
        return read_csv
    kind = zip_kind(data)
    if kind == ODS:
        return read_ods
    if kind == OTHER_ODF:
        raise _not_a_spreadsheet(_other_odf_name(data))
    return read_xlsx  # which refuses what is not a workbook


def _old_excel() -> FileRejected:
    return FileRejected(
        _(
            "This is an old-style Excel file (.xls). Open it in Excel and save it as "
            "'Excel Workbook (.xlsx)' or as 'CSV UTF-8', then import that."
        )
    )


def read_table(data: bytes, file_name: str | None = None) -> Table:
    """Read a CSV, XLSX or ODS file's first sheet; with a name, check it is what its name
    says."""
    check_size(len(data))
    if not data.strip():
        raise FileRejected(_("The file is empty."))
    if file_name is not None:
        check_name_matches_content(file_name, data)
    if data.startswith(OLE_SIGNATURE):
        raise _old_excel()
    table = _reader_for(data)(data)
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
