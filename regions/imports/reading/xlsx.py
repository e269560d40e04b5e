"""Excel workbooks (.xlsx): the first visible sheet, read row by row without trusting the size
it declares, formula cells as the results the spreadsheet saved, hidden rows counted.

A formula cell's saved result is what the person saw, except in a workbook that asks to be
recalculated whenever it is opened (`fullCalcOnLoad` in its calculation properties): programs
that write workbooks without calculating them (xlsxwriter, and pandas through it; reporting
tools) save 0 in place of every result and leave the spreadsheet to work them out. There every
formula cell is a PlaceholderResult, refused when read (cells.parse_cell), never imported as 0.
"""

import io
import itertools
import zipfile

from defusedxml import ElementTree
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

ZIP_SIGNATURE = b"PK\x03\x04"


def not_a_workbook() -> FileRejected:
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
        raise not_a_workbook()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            if "[Content_Types].xml" not in names or not any(
                name.startswith("xl/worksheets/") for name in names
            ):
                raise not_a_workbook()
            unpacked = sum(member.file_size for member in members)
    except zipfile.BadZipFile:
        raise not_a_workbook() from None
    check_unpacked_size(unpacked)


class UnsavedFormula(str):
    """A formula cell whose file holds no result for it (files written by some scripts, never
    opened in a spreadsheet): its formula. Refused when read, by row and column."""

    __slots__ = ()


class PlaceholderResult(UnsavedFormula):
    """A formula cell whose saved result is only a placeholder (the workbook asks to be
    recalculated on opening, see the module's docstring): its formula. Refused when read, by
    row and column."""

    __slots__ = ()


def _recalculated_on_opening(reader) -> bool:
    """Whether the workbook asks to be recalculated whenever it is opened (fullCalcOnLoad).
    Read from the workbook's XML (the part openpyxl read, with defusedxml): openpyxl reads
    calculation properties without the attribute as having it set, which would make every
    workbook Excel saves seem to need recalculating."""
    root = ElementTree.fromstring(reader.archive.read(reader.parser.workbook_part_name))
    for element in root:
        if element.tag.rpartition("}")[2] == "calcPr":
            return element.get("fullCalcOnLoad", "").strip() in ("1", "true")
    return False


# The openpyxl release whose internal sheet parser `_results_parser` extends (openpyxl has no
# public way to tell a formula's saved result from a missing one, nor to read hidden rows in
# read-only mode). tests/regions/test_xlsx_parser.py fails on any other release, so an upgrade
# is checked against that parser's code before it lands.
OPENPYXL_PARSER_CHECKED = "3.1.5"


def _results_parser(workbook, sheet, *, placeholders: bool):
    """openpyxl's parser for a sheet's XML, reading the results spreadsheets save for formula
    cells, and marking a formula cell with no saved result as an UnsavedFormula (openpyxl's
    own reading gives such a cell as empty) and, when `placeholders` (the workbook is
    recalculated on opening), one with a saved result as a PlaceholderResult. It also records
    each row's attributes, so hidden rows are known without a second pass. (openpyxl's parser
    is internal: see OPENPYXL_PARSER_CHECKED.)"""
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
            # Only cells that may need marking are searched for a formula: an ordinary
            # workbook's cells with values are read as openpyxl reads them.
            if cell["value"] is None or placeholders:
                formula = element.find(FORMULA_TAG)
                if formula is None:
                    return cell
                written = "=" + (formula.text or "")
                # A formula whose result is empty text is saved as type "str" with an empty
                # value; one never calculated has no value (or an empty one of another type).
                if cell["value"] is None and not (
                    element.get("t") == "str" and element.find(VALUE_TAG) is not None
                ):
                    cell["value"] = UnsavedFormula(written)
                elif placeholders:
                    cell["value"] = PlaceholderResult(written)
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


def _values(cells: list[dict]) -> tuple[CellValue, ...]:
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
    # Imported here: only XLSX uploads need it. openpyxl's load_workbook is this reader's
    # read(); the reader is kept to find the workbook's XML (_recalculated_on_opening).
    from openpyxl.reader.excel import ExcelReader

    limit = max_rows()
    try:
        # Formula cells are read as the results the spreadsheet saved with them (what the
        # person saw), not as their formulas; see _results_parser.
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
        reader.read()
        workbook = reader.wb
        try:
            placeholders = _recalculated_on_opening(reader)
            # The first sheet a person opening the workbook sees: a hidden sheet before it
            # usually holds old figures or lookups, never what the file is meant to send.
            visible = [s for s in workbook.worksheets if s.sheet_state == "visible"]
            if not workbook.worksheets:
                raise not_a_workbook()
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
            parser = _results_parser(workbook, sheet, placeholders=placeholders)
            headers: list[str] = []
            rows: list[tuple[CellValue, ...]] = []
            blanks = 0  # empty (perhaps formatted) rows since the last row with values
            counted = 0
            next_row = 2  # the spreadsheet row the next data row would be
            try:
                for number, parsed in parser.parse():
                    if number == 1:
                        headers = trim_headers(_values(parsed))
                        continue
                    if number < next_row:
                        continue  # a row written twice, or out of order: openpyxl skips it too
                    blanks += number - next_row  # rows the XML leaves out are empty
                    next_row = number + 1
                    line = _values(parsed)
                    if not row_has_values(line):
                        blanks += 1
                        continue
                    if blanks:
                        rows.extend(itertools.repeat(BLANK_ROW, blanks))
                        blanks = 0
                    rows.append(line)
                    counted += 1
                    if counted > limit:
                        raise too_many_rows(limit)
            finally:
                parser.source.close()
            sheet_title = sheet.title
            hidden_rows = frozenset(
                number
                for number in parser.hidden_rows
                if 2 <= number < len(rows) + 2 and rows[number - 2]
            )
            notes = sheet_notes(
                sheet.title,
                hidden_sheets_skipped=hidden_skipped,
                more_sheets=len(workbook.worksheets) > 1,
                hidden_rows=len(hidden_rows),
            )
        finally:
            workbook.close()
    except FileRejected:
        raise
    except Exception:  # openpyxl raises many kinds of error for damaged files
        raise not_a_workbook() from None
    return Table(
        headers=headers,
        rows=drop_trailing_blank_rows(rows),
        file_kind="XLSX",
        notes=notes,
        sheet=sheet_title,
        hidden_sheets_skipped=hidden_skipped,
        hidden_rows=hidden_rows,
    )
