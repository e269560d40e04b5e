"""Turn an uploaded spreadsheet (CSV or XLSX) into rows of cells, refusing anything doubtful.

Partners send what their systems and Excel produce: UTF-8 with or without a byte order mark,
Windows-1252 from Excel on Windows, UTF-16 from "Unicode text", semicolon-separated CSV from
European settings, and XLSX. Every way a file can fail to be read ends in FileRejected with a
sentence a partner can act on, never in a decoding traceback.
"""

import codecs
import csv
import datetime
import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CSV_EXTENSIONS = {".csv", ".tsv", ".txt"}  # .tsv and .txt: tab-separated as often as not
XLSX_EXTENSIONS = {".xlsx"}
ACCEPTED_EXTENSIONS = CSV_EXTENSIONS | XLSX_EXTENSIONS
ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # the old binary .xls format
MAX_HEADER_COLUMNS = 100
FIRST_DATA_ROW = 2  # the header is spreadsheet row 1
# An empty row keeps its place (row numbers stay as the spreadsheet shows them) as one shared
# empty tuple; empty rows after the last row with values are not kept at all.
BLANK_ROW: tuple = ()

Cell = str | int | float | datetime.date | datetime.datetime | bool | None


class FileRejected(Exception):
    """The file cannot be read; the message says why and what to do."""


class NoDataRows(FileRejected):
    """A file with a first row and nothing below it. The first row may be column names, or
    (a title or a note) no column names at all: an import, which knows its columns, can tell
    which and say so (see core.explain_rejection)."""

    def __init__(self, message: str, table: "Table") -> None:
        super().__init__(message)
        self.table = table


class DecimalCommaText(str):
    """A cell holding a comma, from a CSV file whose columns are separated by semicolons (as
    Excel saves them where the comma is the decimal mark): in such a file "1,000" may well mean
    one, not one thousand."""

    __slots__ = ()


@dataclass
class Table:
    """A sheet: its header cells and its data rows (spreadsheet row n is rows[n - 2]; an empty
    row is an empty tuple)."""

    headers: list[str]
    rows: list[tuple[Cell, ...]]
    file_kind: str
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    sheet: str | None = None  # the sheet read, for a workbook
    hidden_sheets_skipped: bool = False  # hidden sheets came before the one read
    delimiter: str | None = None  # what separates a CSV file's columns


def max_file_bytes() -> int:
    return settings.IMPORT_MAX_FILE_BYTES


def max_rows() -> int:
    return settings.IMPORT_MAX_ROWS


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
        raise _not_a_workbook()
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
    if not any(_row_has_values(row) for row in table.rows):
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


def _row_has_values(row: tuple[Cell, ...]) -> bool:
    return any(cell is not None and str(cell).strip() != "" for cell in row)


# --- CSV ----------------------------------------------------------------------------------------


def decode_text(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was read with; never a silent misreading."""
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data[len(codecs.BOM_UTF8) :], "utf-8"), "UTF-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, "utf-16"), "UTF-16"
    if b"\x00" in data:
        # UTF-16 without a byte order mark puts a zero byte beside every ASCII character.
        if data[1::2].count(0) > len(data) // 4:
            return _decode(data, "utf-16-le"), "UTF-16"
        if data[0::2].count(0) > len(data) // 4:
            return _decode(data, "utf-16-be"), "UTF-16"
        raise FileRejected(
            _("This file is not text: it cannot be a CSV file. Save it from Excel as 'CSV UTF-8'.")
        )
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as error:
        not_utf8 = error.start
    if mixed := _UTF8_SEQUENCE.search(data):
        raise _mixed_encodings(data, mixed.start(), mixed.end(), not_utf8)
    # Not UTF-8: Excel on Windows saves CSV in Windows-1252. Five byte values are undefined in
    # it; a file that uses them is in some other encoding we will not guess at.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        if _MAC_ONLY_LETTER.search(data.decode("mac_roman")):
            raise _mac_roman(data, error.start, error.start + 1) from None
        raise FileRejected(
            _(
                "This file's characters could not be read (byte %(byte)s at position "
                "%(position)s is not UTF-8 or Windows-1252). Save it from Excel as 'CSV UTF-8' "
                "and import that."
            )
            % {"byte": f"0x{data[error.start]:02X}", "position": error.start}
        ) from None
    if sign := _MAC_ROMAN_SIGN.search(text):
        raise _mac_roman(data, *sign.span())
    return text, "Windows-1252"


# A character in UTF-8 takes two to four bytes, the first saying how many follow; any other
# encoding's text rarely holds such a sequence by chance.
_UTF8_SEQUENCE = re.compile(
    rb"[\xC2-\xDF][\x80-\xBF]"
    rb"|\xE0[\xA0-\xBF][\x80-\xBF]|[\xE1-\xEC\xEE\xEF][\x80-\xBF]{2}|\xED[\x80-\x9F][\x80-\xBF]"
    rb"|\xF0[\x90-\xBF][\x80-\xBF]{2}|[\xF1-\xF3][\x80-\xBF]{3}|\xF4[\x80-\x8F][\x80-\xBF]{2}"
)
_LOWER = "a-z\u00df-\u00f6\u00f8-\u00ff"
_LETTER = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff"
# Excel on a Mac saves "CSV (Macintosh)" in Mac Roman, whose accented letters and curly quotes
# are other characters in Windows-1252: café reads as cafŽ, Officer’s as OfficerÕs, "–" as "Ð".
# What gives it away is where they stand: capitals and signs straight after a lowercase letter
# or inside a word, dashes that are letters, none of which Windows-1252 text has.
_MAC_ROMAN_SIGN = re.compile(
    rf"(?<=[{_LOWER}])[ŽŸŠÕÓÉ]"  # é ü ä ’ ” … after a lowercase letter
    rf"|(?<=[{_LETTER}])[ŽŸŠ](?=[{_LOWER}])"  # é ü ä after a capital (MŸnster)
    rf"|(?<=[{_LETTER}])[ˆ‡‰•™](?=[{_LETTER}])"  # à á â ï ô inside a word
    rf"|(?<=[{_LETTER}])ˆ"  # à ending a word (voilà)
    r"|(?<!\S)[ÐÑ](?=\s)"  # – and — between spaces
    r"|(?<=\d)¡"  # ° after a number (20°C)
)
# ç è ê ù (and Å) in Mac Roman are bytes Windows-1252 leaves undefined.
_MAC_ONLY_LETTER = re.compile(rf"[{_LETTER}][çèêù]|[çèêù][{_LETTER}]")


def _line_number(data: bytes, position: int) -> int:
    """The spreadsheet row (header = 1) of a byte in CSV data, counting its line breaks."""
    breaks = b"\n" if b"\n" in data else b"\r"
    return data.count(breaks, 0, position) + 1


def _word_at(data: bytes, start: int, end: int) -> tuple[int, int]:
    """Where the word around data[start:end] begins and ends (at spaces or CSV punctuation),
    at most 30 bytes either side."""
    stops = b' \t\r\n,;"'
    left = start
    while left > 0 and start - left < 30 and data[left - 1] not in stops:
        left -= 1
    right = end
    while right < len(data) and right - end < 30 and data[right] not in stops:
        right += 1
    return left, right


def _mac_roman(data: bytes, start: int, end: int) -> FileRejected:
    # Both encodings are one byte per character: positions in the text are positions in bytes.
    left, right = _word_at(data, start, end)
    word = data[left:right]
    return FileRejected(
        _(
            "This file looks like it was saved from Excel on a Mac as 'CSV (Macintosh)', whose "
            "characters are not Windows or UTF-8 text: on row %(row)s, %(mac)s would be read as "
            "%(windows)s. Save it from Excel as 'CSV UTF-8 (Comma delimited)' and import that."
        )
        % {
            "row": _line_number(data, start),
            "mac": f"'{word.decode('mac_roman')}'",
            "windows": f"'{word.decode('cp1252', errors='replace')}'",
        }
    )


def _mixed_encodings(data: bytes, start: int, end: int, not_utf8: int) -> FileRejected:
    left, right = _word_at(data, start, end)
    utf8_word = data[left:right]
    left, right = _word_at(data, not_utf8, not_utf8 + 1)
    other_word = data[left:right]
    return FileRejected(
        _(
            "This file mixes two encodings, as happens when text from different programs is "
            "pasted together: %(utf8)s on row %(utf8_row)s is UTF-8, but %(other)s on row "
            "%(other_row)s is not (byte %(byte)s). Read either way, some characters would come "
            "out wrong (%(utf8)s as %(garbled)s). Correct them in the spreadsheet and save it "
            "from Excel as 'CSV UTF-8 (Comma delimited)'."
        )
        % {
            "utf8": f"'{utf8_word.decode('utf-8', errors='replace')}'",
            "utf8_row": _line_number(data, start),
            "garbled": f"'{utf8_word.decode('cp1252', errors='replace')}'",
            "other": f"'{other_word.decode('cp1252', errors='replace')}'",
            "other_row": _line_number(data, not_utf8),
            "byte": f"0x{data[not_utf8]:02X}",
        }
    )


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise FileRejected(
            _(
                "This file says it is %(encoding)s but some of its characters are not. Save it "
                "from Excel as 'CSV UTF-8' and import that."
            )
            % {"encoding": encoding.upper()}
        ) from None


def _pick_delimiter(first_line: str) -> str:
    """Comma, unless the header is clearly split by semicolons or tabs (European Excel)."""
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def read_csv(data: bytes) -> Table:
    text, encoding = decode_text(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    first_line = text.split("\n", 1)[0]
    delimiter = _pick_delimiter(first_line)
    # strict: a quote that is never closed, or text after a closing quote, is an error rather
    # than silently swallowing the rows that follow into one cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    limit = max_rows()
    decimal_comma = delimiter == ";"
    headers: list = []
    rows: list[tuple[Cell, ...]] = []
    record_start = 0  # the physical line (0-based) where the record being read starts
    blanks = 0  # empty rows read since the last row with values
    counted = 0
    try:
        headers = next(reader, [])
        record_start = reader.line_num
        for row in reader:
            record_start = reader.line_num
            if not any(cell.strip() for cell in row):
                blanks += 1
                continue
            if blanks:
                rows.extend(itertools.repeat(BLANK_ROW, blanks))
                blanks = 0
            if decimal_comma:
                rows.append(tuple(DecimalCommaText(c) if "," in c else c for c in row))
            else:
                rows.append(tuple(row))
            counted += 1
            if counted > limit:
                raise _too_many_rows(limit)
    except csv.Error as error:
        record = len(rows) + blanks + FIRST_DATA_ROW if headers else 1
        raise _unreadable_csv(text, delimiter, record_start, record, headers, error) from None
    if reader.line_num > len(rows) + blanks + 1:
        # Some value spans lines (a quoted cell with line breaks): make sure it is not rows
        # swallowed by a stray quote that happens to be closed further down.
        _check_line_breaks(headers, rows, delimiter)
    notes = []
    if encoding != "UTF-8":
        notes.append(_("Read as %(encoding)s text.") % {"encoding": encoding})
    if delimiter != ",":
        notes.append(
            _("Columns are separated by %(name)s.")
            % {"name": _("semicolons") if delimiter == ";" else _("tabs")}
        )
    return Table(
        headers=_trim_headers(headers),
        rows=_drop_trailing_blank_rows(rows),
        file_kind="CSV",
        encoding=encoding,
        notes=notes,
        delimiter=delimiter,
    )


def column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _column_name(headers: list, position: int) -> str:
    if position < len(headers) and str(headers[position]).strip():
        return str(headers[position]).strip()
    return _("column %(letter)s") % {"letter": column_letter(position)}


def _locate_quote_problem(text: str, delimiter: str) -> tuple[int, str] | None:
    """Find the quoting mistake in CSV text starting at a record: (cell position, 'unclosed' or
    'after'), or None."""
    position = 0
    index = 0
    length = len(text)
    at_field_start = True
    while index < length:
        char = text[index]
        if at_field_start and char == '"':
            opened = index
            index += 1
            while True:
                if index >= length:
                    return position, "unclosed"
                if text[index] == '"':
                    if index + 1 < length and text[index + 1] == '"':
                        index += 2
                        continue
                    index += 1
                    break
                index += 1
            if index < length and text[index] not in (delimiter, "\r", "\n"):
                # Text after a quoted value that ran over lines: most likely a quote left open
                # that only closed at the next quoted value, rows below.
                spans_lines = "\n" in text[opened:index] or "\r" in text[opened:index]
                return position, "unclosed" if spans_lines else "after"
            at_field_start = False
            continue
        if char == delimiter:
            position += 1
            at_field_start = True
        elif char in "\r\n":
            return None
        else:
            at_field_start = False
        index += 1
    return None


def _unreadable_csv(
    text: str, delimiter: str, start_line: int, record: int, headers: list, error: csv.Error
) -> FileRejected:
    lines = io.StringIO(text, newline="")
    rest = "".join(itertools.islice(lines, start_line, None))
    found = _locate_quote_problem(rest, delimiter)
    if found is None:
        if "field larger than field limit" in str(error):
            limit = f"{csv.field_size_limit():,}"
            return FileRejected(
                _(
                    "Row %(row)s: a cell holds more than %(limit)s characters; the largest "
                    "accepted is %(limit)s. Shorten it, or leave the long text out of the file."
                )
                % {"row": record, "limit": limit}
            )
        return FileRejected(
            _("Row %(row)s could not be read as CSV (%(error)s).") % {"row": record, "error": error}
        )
    position, problem = found
    column = _column_name(headers, position) if record > 1 else _column_name([], position)
    if problem == "unclosed":
        message = _(
            "Row %(row)s, %(column)s could not be read as CSV: the value starts with a double "
            'quote (") that is never closed, so every row after it would be read into that one '
            "cell. Add the closing quote where the value ends, or remove the opening one."
        )
    else:
        message = _(
            "Row %(row)s, %(column)s could not be read as CSV: a value in double quotes is "
            'followed by more text. Inside a quoted value write each double quote twice (""), '
            "or put the whole value in quotes."
        )
    return FileRejected(message % {"row": record, "column": column})


def _check_line_breaks(headers: list, rows: list[tuple[Cell, ...]], delimiter: str) -> None:
    """Refuse a cell whose lines look like rows of the file: a stray quote swallowed them.

    A line looks like a row when it has about as many separators as the header and its cells
    have the shapes the file's rows have in those columns (a code where the rows have codes, a
    date where they have dates): a note that merely lists several things does not.
    """
    needed = max(2, len(_trim_headers(headers)) - 1)
    shapes: list[set[str]] | None = None
    for index, row in enumerate(rows):
        for position, cell in enumerate(row):
            if "\n" not in cell and "\r" not in cell:
                continue
            candidates = [line for line in cell.splitlines()[1:] if line.count(delimiter) >= needed]
            if not candidates:
                continue
            if shapes is None:
                shapes = _column_shapes(rows)
            swallowed = [line for line in candidates if _looks_like_a_row(line, delimiter, shapes)]
            if swallowed:
                line = swallowed[0]
                raise FileRejected(
                    _(
                        "Row %(row)s, %(column)s could not be read as CSV: this value runs over "
                        "several lines, and %(line)s looks like a row of its own, so a double "
                        'quote (") was probably left open and swallowed the rows below it. Close '
                        "the quote where the value ends."
                    )
                    % {
                        "row": index + FIRST_DATA_ROW,
                        "column": _column_name(headers, position),
                        "line": f"'{line[:40]}…'" if len(line) > 40 else f"'{line}'",
                    }
                )


_DATE_SHAPE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$")
_NUMBER_SHAPE = re.compile(r"^[\d.,]+$")
SHAPE_SAMPLE_ROWS = 1000  # rows looked at for the shape of each column


def _shape(cell: str) -> str:
    """What kind of value a cell holds, roughly: date, number, word (a code), text or empty."""
    value = cell.strip()
    if not value:
        return "empty"
    if _DATE_SHAPE.match(value):
        return "date"
    if _NUMBER_SHAPE.match(value):
        return "number"
    return "text" if any(char.isspace() for char in value) else "word"


def _column_shapes(rows: list[tuple[Cell, ...]]) -> list[set[str]]:
    """The shapes each column's cells have in the file's rows (cells over several lines
    left out: they are what is in question)."""
    shapes: list[set[str]] = []
    for row in itertools.islice((row for row in rows if row), SHAPE_SAMPLE_ROWS):
        for position, cell in enumerate(row):
            if "\n" in cell or "\r" in cell:
                continue
            while len(shapes) <= position:
                shapes.append(set())
            shapes[position].add(_shape(cell))
    return [column - {"empty"} for column in shapes]


def _looks_like_a_row(line: str, delimiter: str, shapes: list[set[str]]) -> bool:
    """Whether every cell of the line has the shape its column always has in the file's rows,
    where the column's cells all have one (a code, a date, a number), with at least one such
    cell filled in; a column whose cells vary tells nothing. With no such column in the file,
    the number of separators has to do."""
    try:
        cells = next(csv.reader([line], delimiter=delimiter))
    except csv.Error:
        cells = line.split(delimiter)
    telling = [
        (cell, next(iter(shapes[position])))
        for position, cell in enumerate(cells)
        if position < len(shapes) and len(shapes[position]) == 1
    ]
    if not telling:
        return True
    filled = [(cell, shape) for cell, shape in telling if cell.strip()]
    return bool(filled) and all(_shape(cell) == shape for cell, shape in filled)


def _too_many_rows(limit: int) -> FileRejected:
    return FileRejected(
        _(
            "This file has more than %(limit)s rows, the most one import accepts. Split it into "
            "smaller files and import them one after another."
        )
        % {"limit": f"{limit:,}"}
    )


def _trim_headers(headers) -> list[str]:
    cells = ["" if cell is None else str(cell) for cell in headers]
    while cells and not cells[-1].strip():
        cells.pop()
    return cells


def _drop_trailing_blank_rows(rows: list[tuple[Cell, ...]]) -> list[tuple[Cell, ...]]:
    end = len(rows)
    while end and not _row_has_values(rows[end - 1]):
        end -= 1
    del rows[end:]
    return rows


# --- XLSX ---------------------------------------------------------------------------------------


def _not_a_workbook() -> FileRejected:
    return FileRejected(
        _(
            "This file is named .xlsx but is not a readable Excel workbook (it may be damaged, "
            "or another kind of file renamed). Open it in Excel and save it again as "
            "'Excel Workbook (.xlsx)', or as 'CSV UTF-8'."
        )
    )


def _check_zip(data: bytes) -> None:
    """Refuse archives that are not workbooks, or that would unpack to far more than they are."""
    if not data.startswith(ZIP_SIGNATURE):
        raise _not_a_workbook()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            if "[Content_Types].xml" not in names or not any(
                name.startswith("xl/worksheets/") for name in names
            ):
                raise _not_a_workbook()
            unpacked = sum(member.file_size for member in members)
    except zipfile.BadZipFile:
        raise _not_a_workbook() from None
    if unpacked > settings.IMPORT_MAX_XLSX_UNPACKED_BYTES:
        raise FileRejected(
            _(
                "This workbook would unpack to %(size)s, far more than its rows can need. "
                "Save the sheet as 'CSV UTF-8' and import that instead."
            )
            % {"size": filesizeformat(unpacked)}
        )


class UnsavedFormula(str):
    """A formula cell whose file holds no result for it (files written by some scripts, never
    opened in a spreadsheet): its formula. Refused when read, by row and column."""

    __slots__ = ()


def _results_parser(workbook, sheet):
    """openpyxl's parser for a sheet's XML, reading the results spreadsheets save for formula
    cells, and marking a formula cell with no saved result as an UnsavedFormula (openpyxl's
    own reading gives such a cell as empty). It also records each row's attributes, so hidden
    rows are known without a second pass. (openpyxl's parser is internal: pinned version.)"""
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class ResultsParser(WorkSheetParser):
        hidden_rows: list[int]

        def parse_row(self, row):
            number, cells = super().parse_row(row)
            # Hidden (by hand, or by a filter): noted. Other row attributes (heights, styles)
            # are dropped rather than kept for every row.
            if row.get("hidden") in ("1", "true"):
                self.hidden_rows.append(number)
            self.row_dimensions.pop(str(number), None)
            return number, cells

        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if cell["value"] is None:
                formula = element.find(FORMULA_TAG)
                # A formula whose result is empty text is saved as type "str" with an empty
                # value; one never calculated has no value (or an empty one of another type).
                if formula is not None and not (
                    element.get("t") == "str" and element.find(VALUE_TAG) is not None
                ):
                    cell["value"] = UnsavedFormula("=" + (formula.text or ""))
            return cell

    parser = ResultsParser(
        sheet._get_source(),
        sheet._shared_strings,
        data_only=True,
        epoch=workbook.epoch,
        date_formats=workbook._date_formats,
        timedelta_formats=workbook._timedelta_formats,
    )
    parser.hidden_rows = []
    return parser


def _values(cells: list[dict]) -> tuple[Cell, ...]:
    """A parsed row's values by column (None where a cell is missing), at most the columns a
    header may have."""
    width = min(MAX_HEADER_COLUMNS, max((cell["column"] for cell in cells), default=0))
    values: list = [None] * width
    for cell in cells:
        if 1 <= cell["column"] <= width:
            values[cell["column"] - 1] = cell["value"]
    return tuple(values)


def read_xlsx(data: bytes) -> Table:
    _check_zip(data)
    from openpyxl import load_workbook  # imported here: only XLSX uploads need it

    limit = max_rows()
    try:
        # Formula cells are read as the results the spreadsheet saved with them (what the
        # person saw), not as their formulas; see _results_parser.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            # The first sheet a person opening the workbook sees: a hidden sheet before it
            # usually holds old figures or lookups, never what the file is meant to send.
            visible = [s for s in workbook.worksheets if s.sheet_state == "visible"]
            if not workbook.worksheets:
                raise _not_a_workbook()
            if not visible:
                raise FileRejected(
                    _(
                        "Every sheet of this workbook is hidden. Unhide the sheet with the "
                        "figures (in Excel: right-click a sheet tab, Unhide) and save it again."
                    )
                )
            sheet = visible[0]
            hidden_skipped = sheet is not workbook.worksheets[0]
            # Rows as the sheet's XML has them, ignoring the size it declares (which counts
            # every formatted cell, however far away).
            parser = _results_parser(workbook, sheet)
            headers: list[str] = []
            rows: list[tuple[Cell, ...]] = []
            blanks = 0  # empty (perhaps formatted) rows since the last row with values
            counted = 0
            next_row = 2  # the spreadsheet row the next data row would be
            try:
                for number, parsed in parser.parse():
                    if number == 1:
                        headers = _trim_headers(_values(parsed))
                        continue
                    if number < next_row:
                        continue  # a row written twice, or out of order: openpyxl skips it too
                    blanks += number - next_row  # rows the XML leaves out are empty
                    next_row = number + 1
                    line = _values(parsed)
                    if not _row_has_values(line):
                        blanks += 1
                        continue
                    if blanks:
                        rows.extend(itertools.repeat(BLANK_ROW, blanks))
                        blanks = 0
                    rows.append(line)
                    counted += 1
                    if counted > limit:
                        raise _too_many_rows(limit)
            finally:
                parser.source.close()
            sheet_title = sheet.title
            notes = []
            if hidden_skipped:
                notes.append(
                    _("Only the first visible sheet, '%(sheet)s', was read.")
                    % {"sheet": sheet.title}
                )
            elif len(workbook.worksheets) > 1:
                notes.append(
                    _("Only the first sheet, '%(sheet)s', was read.") % {"sheet": sheet.title}
                )
            hidden = sum(
                1
                for number in parser.hidden_rows
                if 2 <= number < len(rows) + 2 and rows[number - 2]
            )
            if hidden:
                notes.append(
                    ngettext(
                        "%(count)s row hidden in the sheet was read too.",
                        "%(count)s rows hidden in the sheet were read too.",
                        hidden,
                    )
                    % {"count": f"{hidden:,}"}
                )
        finally:
            workbook.close()
    except FileRejected:
        raise
    except Exception:  # openpyxl raises many kinds of error for damaged files
        raise _not_a_workbook() from None
    return Table(
        headers=headers,
        rows=_drop_trailing_blank_rows(rows),
        file_kind="XLSX",
        notes=notes,
        sheet=sheet_title,
        hidden_sheets_skipped=hidden_skipped,
    )
