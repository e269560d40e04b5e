"""OpenDocument spreadsheets (.ods, LibreOffice's own format): the first visible sheet, read as
the same Table as an Excel workbook.

An .ods file is a zip whose first member, `mimetype`, says what it is; the cells are in
`content.xml`. That is read as a stream (defusedxml's iterparse: no DTD, no entities), one row
at a time, each row dropped once read, and the parse stops after the sheet it needs, so memory
follows the rows with values, not the size the sheet declares.

What the XML says, and what is read:
- a sheet is hidden through its table style (`style:table-properties table:display="false"`);
  hidden sheets before the first visible one are skipped, as for .xlsx;
- a cell's value is in attributes by type (`office:value-type` float, percentage or currency
  with `office:value`, date with `office:date-value`, time, boolean, string), its text in
  `text:p` paragraphs (with `text:s`, `text:tab` and `text:line-break` for spaces, tabs and
  line breaks). A formula (`table:formula`) is read as the result saved with it; one saved
  without a result (files written by scripts, never opened in a spreadsheet) becomes an
  UnsavedFormula and is refused by row and column;
- `table:number-columns-repeated` and `table:number-rows-repeated` stand for runs of identical
  cells and rows: LibreOffice ends every sheet with one empty row repeated a million times.
  Empty runs are counted, never expanded; runs with values count towards the row limit;
- a row is hidden by `table:visibility="collapse"` (by hand) or `"filter"` (by a filter) on the
  row itself (ODF has no row visibility in row styles); hidden rows with values are read and
  counted in a note, as for .xlsx;
- merged cells: what a merge covers (`table:covered-table-cell`) is not shown, so it is read as
  empty.
"""

import datetime
import io
import itertools
import re
import zipfile
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _

from regions.imports.reading.table import (
    BLANK_ROW,
    MAX_HEADER_COLUMNS,
    CellValue,
    FileRejected,
    Table,
    check_unpacked_size,
    drop_trailing_blank_rows,
    max_rows,
    row_has_values,
    sheet_notes,
    too_many_rows,
    trim_headers,
)
from regions.imports.reading.xlsx import UnsavedFormula

ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
# LibreOffice's and Excel's sheets end at row 1,048,576: a row with values further down is not
# from a real spreadsheet, and keeping the empty rows above it would take the memory a
# million-row gap needs.
SHEET_MAX_ROWS = 1_048_576

_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"

_SHEET = _TABLE + "table"
_ROW = _TABLE + "table-row"
_CELL = _TABLE + "table-cell"
_COVERED_CELL = _TABLE + "covered-table-cell"
_PARAGRAPH = _TEXT + "p"
_STYLE_ELEMENT = _STYLE + "style"
_TABLE_PROPERTIES = _STYLE + "table-properties"
_HIDDEN_ROW = {"collapse", "filter"}
_TIME = re.compile(r"^PT(\d+)H(\d+)M(\d+(?:\.\d+)?)S$")


def not_an_ods() -> FileRejected:
    return FileRejected(
        _(
            "This file is named .ods but is not a readable OpenDocument spreadsheet (it may be "
            "damaged, or another kind of file renamed). Open it in LibreOffice and save it again "
            "as 'ODF Spreadsheet (.ods)', or as 'CSV UTF-8'."
        )
    )


def _open_content(archive: zipfile.ZipFile):
    """The sheet XML of a real, reasonably sized OpenDocument spreadsheet."""
    members = archive.infolist()
    names = {member.filename for member in members}
    if "mimetype" not in names or "content.xml" not in names:
        raise not_an_ods()
    check_unpacked_size(sum(member.file_size for member in members))
    with archive.open("mimetype") as mimetype:
        if mimetype.read(100).strip() != ODS_MIMETYPE.encode():
            raise not_an_ods()
    return archive.open("content.xml")


def _repeat(element, attribute: str) -> int:
    try:
        return max(1, int(element.get(attribute, "1")))
    except ValueError:
        return 1


def _text(paragraphs: list) -> str:
    """The text a cell shows: its paragraphs on lines of their own."""
    return "\n".join(_inline_text(paragraph) for paragraph in paragraphs)


def _inline_text(element) -> str:
    parts = [element.text or ""]
    for child in element:
        tag = child.tag
        if tag == _TEXT + "s":
            parts.append(" " * _repeat(child, _TEXT + "c"))
        elif tag == _TEXT + "tab":
            parts.append("\t")
        elif tag == _TEXT + "line-break":
            parts.append("\n")
        elif tag != _OFFICE + "annotation" and not tag.startswith(_TEXT + "note"):
            parts.append(_inline_text(child))  # spans, links: their text
        parts.append(child.tail or "")
    return "".join(parts)


def _number(text: str) -> int | float:
    number = float(text)
    if number.is_integer() and abs(number) < 2**63:
        return int(number)
    return number


def _date(text: str) -> datetime.date | datetime.datetime:
    if "T" in text:
        return datetime.datetime.fromisoformat(text)
    return datetime.date.fromisoformat(text)


def _time(text: str, shown: str) -> CellValue:
    match = _TIME.match(text)
    if match is None or int(match.group(1)) >= 24:
        return shown or None  # a duration of a day or more: read as the sheet shows it
    hours, minutes, seconds = int(match.group(1)), int(match.group(2)), float(match.group(3))
    return datetime.time(hours, minutes, min(59, int(seconds)))


def _cell_value(cell) -> CellValue:
    """One cell's value: typed by its value type, or its text; an UnsavedFormula for a formula
    saved without a result."""
    paragraphs = [child for child in cell if child.tag == _PARAGRAPH]
    try:
        return _typed_value(cell, paragraphs)
    except ValueError:
        # A value written in a way this reader does not know (a date before year 1): read as
        # the sheet shows it, and checked as text.
        return _text(paragraphs) or None


def _typed_value(cell, paragraphs: list) -> CellValue:
    kind = cell.get(_OFFICE + "value-type")
    if kind is None:
        formula = cell.get(_TABLE + "formula")
        if formula is not None and not paragraphs:
            # LibreOffice saves a formula whose result is empty text with an empty paragraph;
            # a formula with neither a type nor a paragraph was never calculated.
            return UnsavedFormula("=" + formula.removeprefix("of:").removeprefix("="))
        return _text(paragraphs) or None
    if kind in ("float", "percentage", "currency"):
        return _number(cell.get(_OFFICE + "value", ""))
    if kind == "date":
        return _date(cell.get(_OFFICE + "date-value", ""))
    if kind == "time":
        return _time(cell.get(_OFFICE + "time-value", ""), _text(paragraphs))
    if kind == "boolean":
        return cell.get(_OFFICE + "boolean-value") == "true"
    if kind == "string":
        # An error result (#DIV/0!) is saved with an empty string value and shown as its text.
        return cell.get(_OFFICE + "string-value") or _text(paragraphs) or None
    return None  # "void" and unknown types hold nothing


def _row_values(row) -> tuple[CellValue, ...]:
    """A row's cells by column, at most the columns a header may have, without trailing
    empty cells; repeated cells expanded only as far as that."""
    values: list[CellValue] = []
    for cell in row:
        if cell.tag == _CELL:
            value = _cell_value(cell)
        elif cell.tag == _COVERED_CELL:
            value = None
        else:
            continue
        repeat = min(_repeat(cell, _TABLE + "number-columns-repeated"), MAX_HEADER_COLUMNS)
        values.extend(itertools.repeat(value, repeat))
        if len(values) >= MAX_HEADER_COLUMNS:
            del values[MAX_HEADER_COLUMNS:]
            break
    while values and (values[-1] is None or values[-1] == ""):
        values.pop()
    return tuple(values)


class _SheetReader:
    """The first visible sheet's rows, as content.xml is parsed."""

    def __init__(self) -> None:
        self.limit = max_rows()
        self.hidden_styles: set[str] = set()
        self.sheets_before = 0  # hidden sheets skipped
        self.sheet: str | None = None
        self.more_sheets = False
        self.headers: list[str] = []
        self.rows: list[tuple[CellValue, ...]] = []
        self.hidden_rows: set[int] = set()
        self.next_row = 1  # the spreadsheet row the next row element starts at
        self.blanks = 0  # empty rows since the last row with values
        self.counted = 0

    def read(self, content) -> None:
        depth = 0  # of sheets inside sheets (never in a real spreadsheet): only depth 1 is read
        reading = False
        sheet = None
        for event, element in iterparse(
            content, events=("start", "end"), forbid_dtd=True, forbid_entities=True
        ):
            tag = element.tag
            if tag == _SHEET:
                if event == "start":
                    depth += 1
                    if depth > 1:
                        continue
                    if self.sheet is not None:
                        self.more_sheets = True
                        return  # the sheet needed is read: the rest of the file is not
                    if element.get(_TABLE + "style-name") in self.hidden_styles:
                        self.sheets_before += 1
                    else:
                        self.sheet = element.get(_TABLE + "name", "")
                        reading = True
                    sheet = element
                else:
                    depth -= 1
                    if depth == 0:
                        reading = False
                        element.clear()
            elif event == "end" and tag == _ROW and depth == 1:
                if reading:
                    self.add_row(element)
                del sheet[:]  # rows are read once: none is kept in the tree
            elif event == "end" and tag == _STYLE_ELEMENT:
                properties = element.find(_TABLE_PROPERTIES)
                if properties is not None and properties.get(_TABLE + "display") == "false":
                    self.hidden_styles.add(element.get(_STYLE + "name"))

    def add_row(self, row) -> None:
        first = self.next_row
        repeat = _repeat(row, _TABLE + "number-rows-repeated")
        self.next_row = first + repeat
        values = _row_values(row)
        if not row_has_values(values):
            self.blanks += repeat if first > 1 else repeat - 1
            return
        hidden = row.get(_TABLE + "visibility") in _HIDDEN_ROW
        if first == 1:
            self.headers = trim_headers(values)
            repeat -= 1
            first = 2
        if not repeat:
            return
        if self.counted + repeat > self.limit:
            raise too_many_rows(self.limit)
        if first + repeat - 1 > SHEET_MAX_ROWS:
            raise not_an_ods()
        if self.blanks:
            self.rows.extend(itertools.repeat(BLANK_ROW, self.blanks))
            self.blanks = 0
        self.rows.extend(itertools.repeat(values, repeat))
        self.counted += repeat
        if hidden:
            self.hidden_rows.update(range(first, first + repeat))


def read_ods(data: bytes) -> Table:
    reader = _SheetReader()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, _open_content(archive) as content:
            reader.read(content)
    except FileRejected:
        raise
    except (zipfile.BadZipFile, ParseError, DefusedXmlException, OSError, EOFError):
        # Damaged zips and XML; a DTD or entities (refused, never expanded).
        raise not_an_ods() from None
    if reader.sheet is None:
        if not reader.sheets_before:
            raise not_an_ods()
        raise FileRejected(
            _(
                "Every sheet of this spreadsheet is hidden. Unhide the sheet with the figures (in "
                "LibreOffice: right-click a sheet tab, Show Sheet) and save it again."
            )
        )
    return Table(
        headers=reader.headers,
        rows=drop_trailing_blank_rows(reader.rows),
        file_kind="ODS",
        notes=sheet_notes(
            reader.sheet,
            hidden_sheets_skipped=bool(reader.sheets_before),
            more_sheets=reader.more_sheets,
            hidden_rows=len(reader.hidden_rows),
        ),
        sheet=reader.sheet,
        hidden_sheets_skipped=bool(reader.sheets_before),
        hidden_rows=frozenset(reader.hidden_rows),
    )
