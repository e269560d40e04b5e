"""CSV and tab-separated text: delimiter sniffing, strict quoting, and plain words for a quote
left open or text after a closing quote, placed by row and column."""

import csv
import io
import itertools
import re

from django.utils.translation import gettext as _

from regions.imports.reading.encoding import decode_text
from regions.imports.reading.table import (
    BLANK_ROW,
    FIRST_DATA_ROW,
    CellValue,
    FileRejected,
    Table,
    column_name,
    drop_trailing_blank_rows,
    max_rows,
    too_many_rows,
    trim_headers,
)


class DecimalCommaText(str):
    """A cell holding a comma, from a CSV file whose columns are separated by semicolons (as
    Excel saves them where the comma is the decimal mark): in such a file "1,000" may well mean
    one, not one thousand."""

    __slots__ = ()


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
    rows: list[tuple[CellValue, ...]] = []
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
                raise too_many_rows(limit)
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
        headers=trim_headers(headers),
        rows=drop_trailing_blank_rows(rows),
        file_kind="CSV",
        encoding=encoding,
        notes=notes,
        delimiter=delimiter,
    )


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
    column = column_name(headers, position) if record > 1 else column_name([], position)
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


def _check_line_breaks(headers: list, rows: list[tuple[CellValue, ...]], delimiter: str) -> None:
    """Refuse a cell whose lines look like rows of the file: a stray quote swallowed them.

    A line looks like a row when it has about as many separators as the header and its cells
    have the shapes the file's rows have in those columns (a code where the rows have codes, a
    date where they have dates): a note that merely lists several things does not.
    """
    needed = max(2, len(trim_headers(headers)) - 1)
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
                        "column": column_name(headers, position),
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


def _column_shapes(rows: list[tuple[CellValue, ...]]) -> list[set[str]]:
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
