"""Reading import files and their cells: encodings, delimiters, dates, counts, limits, file kinds.

No database: these are the building blocks the admin and the command share
(regions.imports.reading and regions.imports.cells).
"""

import codecs
import datetime
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from core.spreadsheets import escape_formula
from regions.imports import cells
from regions.imports.columns import match_columns
from regions.imports.reading import (
    FileRejected,
    check_name_matches_content,
    check_size,
    read_table,
)
from regions.imports.reading.csvfile import DecimalCommaText, read_csv
from regions.imports.reading.encoding import decode_text
from regions.imports.reading.xlsx import UnsavedFormula, read_xlsx
from regions.imports.results import FileErrors

CORPUS = Path(__file__).parent / "import_files"
NBSP = "\N{NO-BREAK SPACE}"  # Django's filesizeformat keeps "189 bytes" on one line
HEADER = ["region_code", "period_start", "period_end", "value", "source", "notes"]
# Every good file in the corpus holds these two rows (see make_corpus.py).
GOOD_TEXT_ROWS = [
    ("W15000001", "05/03/2024", "04/09/2024", "1,747", "Café £ figures", "Partners’ count"),
    ("north-wales", "2024-09-05", "2025-03-04", "139", "Café £ figures", ""),
]
NOT_A_WORKBOOK = (
    "This file is named .xlsx but is not a readable Excel workbook (it may be damaged, or another "
    "kind of file renamed). Open it in Excel and save it again as 'Excel Workbook (.xlsx)', or as "
    "'CSV UTF-8'."
)
OLD_EXCEL = (
    "This is an old-style Excel file (.xls). Open it in Excel and save it as 'Excel Workbook "
    "(.xlsx)' or as 'CSV UTF-8', then import that."
)


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def rejection(data: bytes, file_name: str | None = None) -> str:
    with pytest.raises(FileRejected) as caught:
        read_table(data, file_name)
    return str(caught.value)


def xlsx(*rows, sheets: tuple[str, ...] = ()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Figures"
    for row in rows:
        sheet.append(list(row))
    for title in sheets:
        workbook.create_sheet(title)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Encodings ----------------------------------------------------------------------------------


TEXT = "region_code,source\r\nW15000001,Café £ figures – Partners’\r\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        pytest.param(TEXT.encode("utf-8"), "UTF-8", id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + TEXT.encode("utf-8"), "UTF-8", id="utf-8-bom"),
        pytest.param(TEXT.encode("cp1252"), "Windows-1252", id="windows-1252"),
        pytest.param(TEXT.encode("utf-16"), "UTF-16", id="utf-16-bom"),
        pytest.param(codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "UTF-16", id="utf-16-be-bom"),
        pytest.param(TEXT.encode("utf-16-le"), "UTF-16", id="utf-16-le-no-bom"),
        pytest.param(TEXT.encode("utf-16-be"), "UTF-16", id="utf-16-be-no-bom"),
    ],
)
def test_text_is_decoded_in_its_own_encoding(data, encoding):
    text, found = decode_text(data)
    assert found == encoding
    assert text.lstrip("\ufeff") == TEXT


def test_windows_1252_is_not_mistaken_for_latin_1():
    # 0x92 is a curly apostrophe in Windows-1252 and an invisible control character in Latin-1.
    text, encoding = decode_text("Partners’ £".encode("cp1252"))
    assert (text, encoding) == ("Partners’ £", "Windows-1252")


def test_bytes_no_encoding_fits_are_refused_with_the_byte_and_its_position():
    message = rejection(b"region_code,source\r\nW15000001,Caf\x81\r\n")
    assert message == (
        "This file's characters could not be read (byte 0x81 at position 33 is not UTF-8 or "
        "Windows-1252). Save it from Excel as 'CSV UTF-8' and import that."
    )


def test_file_with_a_utf8_bom_but_other_bytes_is_refused():
    message = rejection(codecs.BOM_UTF8 + "region_code\r\nCafé\r\n".encode("cp1252"))
    assert message == (
        "This file says it is UTF-8 but some of its characters are not. Save it from Excel as "
        "'CSV UTF-8' and import that."
    )


MAC_TEXT = (
    "region_code,period_start,period_end,value,source,notes\r"
    "W15000001,01/07/2050,31/12/2050,5,Police data £ café,Officer’s note – revised\r"
)


def test_a_mac_roman_file_is_refused_not_read_as_windows_1252():
    # Excel's "CSV (Macintosh)": read as Windows-1252 it would store cafŽ and OfficerÕs.
    assert rejection(MAC_TEXT.encode("mac_roman"), "figures.csv") == (
        "This file looks like it was saved from Excel on a Mac as 'CSV (Macintosh)', whose "
        "characters are not Windows or UTF-8 text: on row 2, 'café' would be read as 'cafŽ'. "
        "Save it from Excel as 'CSV UTF-8 (Comma delimited)' and import that."
    )


@pytest.mark.parametrize(
    ("text", "mac", "windows"),
    [
        ("Officer’s note", "Officer’s", "OfficerÕs"),
        ("Münster", "Münster", "MŸnster"),
        ("voilà", "voilà", "voilˆ"),
        ("façade", "façade", "fa\ufffdade"),  # ç is a byte Windows-1252 leaves undefined
        ("2019 – 2020", "–", "Ð"),
        ("the “quoted” word", "“quoted”", "ÒquotedÓ"),
    ],
)
def test_mac_roman_is_recognised_by_what_windows_1252_would_make_of_it(text, mac, windows):
    data = f"region_code,notes\rW15000001,{text}\r".encode("mac_roman")
    message = rejection(data)
    assert f"on row 2, '{mac}' would be read as '{windows}'" in message
    assert "Save it from Excel as 'CSV UTF-8 (Comma delimited)'" in message


@pytest.mark.parametrize(
    "text",
    [
        "Žižek",
        "ŠKODA",
        "Ó Briain",
        "Brand™ figures",
        "España",
        "naïve",
        "1–2 June",
        "don’t",
        "CAFÉ",
        "20°C",
        "¡Hola!",
        "manœuvre",
        "Košice",
    ],
)
def test_windows_1252_text_with_rarer_characters_is_still_read(text):
    data = f"region_code,notes\r\nW15000001,{text}\r\n".encode("cp1252")
    assert decode_text(data) == (data.decode("cp1252"), "Windows-1252")


def test_a_file_mixing_utf8_and_windows_1252_is_refused():
    # Read as Windows-1252 it would store cafÃ©; as UTF-8 it cannot be read at all.
    data = (
        b"region_code,period_start,period_end,value,source,notes\r\n"
        + "W15000001,01/07/2050,31/12/2050,5,NWP café,".encode()
        + "Officer’s note\r\n".encode("cp1252")
    )
    assert rejection(data, "figures.csv") == (
        "This file mixes two encodings, as happens when text from different programs is pasted "
        "together: 'café' on row 2 is UTF-8, but 'Officer’s' on row 2 is not (byte 0x92). Read "
        "either way, some characters would come out wrong ('café' as 'cafÃ©'). Correct them in "
        "the spreadsheet and save it from Excel as 'CSV UTF-8 (Comma delimited)'."
    )


def test_mixed_encodings_name_the_rows_of_each():
    data = (
        "region_code,notes\nW15000001,£5k\n".encode("cp1252")
        + "W15000001,ok\nW15000001,Police £ data\n".encode()
    )
    message = rejection(data)
    assert "'£' on row 4 is UTF-8, but '£5k' on row 2 is not (byte 0xA3)" in message


def test_binary_file_is_refused_as_not_text():
    assert rejection(bytes(range(256)) * 4, "figures.csv") == (
        "This file is not text: it cannot be a CSV file. Save it from Excel as 'CSV UTF-8'."
    )


@pytest.mark.parametrize(
    ("name", "encoding", "notes"),
    [
        ("good.csv", "UTF-8", []),
        ("good-bom.csv", "UTF-8", []),
        ("good-cp1252.csv", "Windows-1252", ["Read as Windows-1252 text."]),
        ("good-utf16.txt", "UTF-16", ["Read as UTF-16 text.", "Columns are separated by tabs."]),
        ("good-utf16.csv", "UTF-16", ["Read as UTF-16 text.", "Columns are separated by tabs."]),
    ],
)
def test_corpus_text_files_are_read_and_their_encoding_reported(name, encoding, notes):
    table = read_table(corpus(name), name)
    assert table.file_kind == "CSV"
    assert table.encoding == encoding
    assert table.notes == notes
    assert table.headers == HEADER  # no byte order mark left on the first header
    assert table.rows == GOOD_TEXT_ROWS


# --- Delimiters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delimiter", "note"),
    [
        (",", None),
        (";", "Columns are separated by semicolons."),
        ("\t", "Columns are separated by tabs."),
    ],
)
def test_delimiter_is_found_from_the_header_row(delimiter, note):
    data = delimiter.join(["region_code", "value", "source"]) + "\r\n"
    data += delimiter.join(["W15000001", "139", "Helpline"]) + "\r\n"
    table = read_csv(data.encode())
    assert table.headers == ["region_code", "value", "source"]
    assert table.rows == [("W15000001", "139", "Helpline")]
    assert table.notes == ([note] if note else [])


def test_semicolon_file_from_the_corpus_keeps_commas_inside_values():
    table = read_table(corpus("good-semicolon.csv"), "good-semicolon.csv")
    assert table.notes == ["Columns are separated by semicolons."]
    assert table.rows[0] == (
        "W15000001",
        "05/03/2024",
        "04/09/2024",
        "1747",
        *GOOD_TEXT_ROWS[0][4:],
    )


def test_in_a_semicolon_file_cells_with_a_comma_are_marked_as_perhaps_decimal():
    table = read_csv(b"region_code;value;notes\r\nW15000001;1,000;a, b\r\nW15000001;7;x\r\n")
    assert table.delimiter == ";"
    assert [type(cell) for cell in table.rows[0]] == [str, DecimalCommaText, DecimalCommaText]
    assert table.rows[0] == ("W15000001", "1,000", "a, b")
    assert cells.text(table.rows[0][2]) == "a, b"
    comma_file = read_csv(b'region_code,value\r\nW15000001,"1,000"\r\n')
    assert comma_file.delimiter == ","
    assert type(comma_file.rows[0][1]) is str


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("139,0", 139), ("7,00", 7), ("1747", 1747), ("12,345,678", 12345678), ("1,747.00", 1747)],
)
def test_counts_in_a_semicolon_file(cell, expected):
    assert cells.count(DecimalCommaText(cell)) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (
            "1,000",
            "'1,000' could be 1000, with a comma between the thousands, or 1, with a decimal "
            "comma as files whose columns are separated by semicolons write it. Write counts "
            "without a comma, for example 1000.",
        ),
        ("2,500", "'2,500' could be 2500, with a comma between the thousands, or 2.5, with"),
        ("12,345", "'12,345' could be 12345, with a comma between the thousands, or 12.345,"),
        (
            "1,5",
            "'1,5' is not a whole number (in a file whose columns are separated by semicolons, "
            "the comma is a decimal mark).",
        ),
    ],
)
def test_a_comma_in_a_number_in_a_semicolon_file_is_not_guessed_at(cell, message):
    with pytest.raises(cells.CellError) as caught:
        cells.count(DecimalCommaText(cell))
    assert str(caught.value).startswith(message)
    # In a comma-separated file, a comma between thousands is only that.
    if cell != "1,5":
        assert cells.count(cell) == int(cell.replace(",", ""))


def test_a_quoted_comma_stays_inside_its_value():
    table = read_csv(b'region_code,source\r\nW15000001,"Helpline, website"\r\n')
    assert table.rows == [("W15000001", "Helpline, website")]


def test_an_unquoted_comma_makes_an_extra_cell():
    table = read_table(corpus("unquoted-comma.csv"), "unquoted-comma.csv")
    assert len(table.headers) == 6
    assert table.rows == [
        ("W15000001", "05/03/2024", "04/09/2024", "10", "Café", " £ figures", "First half")
    ]


def test_blank_rows_at_the_end_and_blank_headers_at_the_right_are_dropped():
    table = read_csv(b"region_code,value,,\r\nW15000001,10,,\r\n,,,\r\n\r\n")
    assert table.headers == ["region_code", "value"]
    assert table.rows == [("W15000001", "10", "", "")]


def test_a_field_too_long_for_csv_is_refused_with_its_row():
    # An unclosed quote swallows the rest of the file into one enormous cell.
    data = b'region_code,source\r\nW15000001,"never closed\r\n' + b"x" * 200_000 + b"\r\n"
    message = rejection(data, "figures.csv")
    assert message.startswith("Row ")
    assert "could not be read as CSV" in message


@pytest.mark.parametrize("quoted", [False, True])
def test_a_cell_longer_than_csv_reads_is_refused_in_plain_words(quoted):
    note = "x" * 140_000
    cell = f'"{note}"' if quoted else note
    data = f"region_code,notes\r\nW15000001,short\r\nW15000001,{cell}\r\n".encode()
    assert rejection(data, "figures.csv") == (
        "Row 3: a cell holds more than 131,072 characters; the largest accepted is 131,072. "
        "Shorten it, or leave the long text out of the file."
    )


def test_an_unclosed_quote_is_refused_naming_its_row_and_column():
    data = b'region_code,value,notes\r\nW15000001,10,"Checked\r\nW15000001,11,\r\nW15000001,12,\r\n'
    assert rejection(data, "figures.csv") == (
        'Row 2, notes could not be read as CSV: the value starts with a double quote (") that '
        "is never closed, so every row after it would be read into that one cell. Add the "
        "closing quote where the value ends, or remove the opening one."
    )


def test_a_quote_left_open_until_the_next_quoted_value_is_refused():
    data = b'region_code,value,notes\r\nW15000001,10,"Checked\r\nW15000001,11,"Final, revised"\r\n'
    assert rejection(data, "figures.csv").startswith(
        "Row 2, notes could not be read as CSV: the value starts with a double quote"
    )


def test_quoted_rows_closed_further_down_are_refused_as_swallowed():
    data = (
        b"region_code,period_start,value,notes\r\n"
        b'W15000001,05/03/2024,10,"Checked\r\n'
        b'W15000001,05/09/2024,11,x"\r\n'
    )
    assert rejection(data, "figures.csv") == (
        "Row 2, notes could not be read as CSV: this value runs over several lines, and "
        "'W15000001,05/09/2024,11,x' looks like a row of its own, so a double quote (\") was "
        "probably left open and swallowed the rows below it. Close the quote where the value ends."
    )


def test_text_after_a_closing_quote_is_refused():
    data = b'region_code,value,notes\r\nW15000001,10,"say "hi" here"\r\n'
    assert rejection(data, "figures.csv") == (
        "Row 2, notes could not be read as CSV: a value in double quotes is followed by more "
        'text. Inside a quoted value write each double quote twice (""), or put the whole value '
        "in quotes."
    )


def test_a_quoted_value_over_several_lines_is_kept():
    data = (
        b"region_code,period_start,value,notes\r\n"
        b'W15000001,05/03/2024,10,"Checked twice,\r\nby two officers"\r\n'
        b"W15000001,05/09/2024,11,\r\n"
    )
    table = read_table(data, "figures.csv")
    assert table.rows == [
        ("W15000001", "05/03/2024", "10", "Checked twice,\r\nby two officers"),
        ("W15000001", "05/09/2024", "11", ""),
    ]


@pytest.mark.parametrize(
    "note",
    [
        "Revised figures:\r\nIncludes Conwy, Denbighshire, Flintshire, Gwynedd, Wrexham, and "
        "Anglesey.",
        "Areas:\r\nConwy,Denbighshire,Flintshire,Gwynedd,Wrexham",
        "Checked on:\r\n05/03/2024, by, two, officers, and, a, manager",
    ],
)
def test_a_quoted_note_whose_line_lists_as_many_things_as_there_are_columns_is_kept(note):
    data = (
        "region_code,period_start,period_end,value,source,notes\r\n"
        f'W15000001,01/07/2050,31/12/2050,5,NWP,"{note}"\r\n'
        "north-wales,01/01/2051,30/06/2051,6,NWP,\r\n"
    ).encode()
    table = read_table(data, "figures.csv")
    assert table.rows[0][5] == note
    assert len(table.rows) == 2


def test_a_swallowed_row_is_still_refused_when_a_note_spans_lines_elsewhere():
    data = (
        b"region_code,period_start,period_end,value,source,notes\r\n"
        b'W15000001,01/07/2050,31/12/2050,5,NWP,"Revised:\r\nsee a, b, c, d, e, f"\r\n'
        b'W15000001,01/01/2051,30/06/2051,6,NWP,"Checked\r\n'
        b'north-wales,01/07/2051,31/12/2051,7,NWP,x"\r\n'
    )
    assert rejection(data, "figures.csv") == (
        "Row 3, notes could not be read as CSV: this value runs over several lines, and "
        "'north-wales,01/07/2051,31/12/2051,7,NWP,…' looks like a row of its own, so a double "
        'quote (") was probably left open and swallowed the rows below it. Close the quote '
        "where the value ends."
    )


# --- Dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2024-03-05", datetime.date(2024, 3, 5)),
        ("2024-3-5", datetime.date(2024, 3, 5)),
        ("05/03/2024", datetime.date(2024, 3, 5)),  # 5 March: UK, day first
        ("5/3/2024", datetime.date(2024, 3, 5)),
        ("05.03.2024", datetime.date(2024, 3, 5)),
        ("05-03-2024", datetime.date(2024, 3, 5)),
        (" 31/12/2024 ", datetime.date(2024, 12, 31)),
        ("29/02/2024", datetime.date(2024, 2, 29)),
        # Excel date cells, as openpyxl reads them.
        (datetime.datetime(2024, 3, 5, 0, 0), datetime.date(2024, 3, 5)),  # noqa: DTZ001
        (datetime.date(2024, 3, 5), datetime.date(2024, 3, 5)),
    ],
)
def test_dates_are_read_iso_uk_or_from_excel(cell, expected):
    assert cells.date(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("31/02/2024", "'31/02/2024' is not a real date."),
        ("29/02/2023", "'29/02/2023' is not a real date."),
        ("2024-13-01", "'2024-13-01' is not a real date."),
        (
            "March 2024",
            "'March 2024' is not a date. Write dates as 2024-03-05 or 05/03/2024 (day first).",
        ),
        (
            "05/03/24",
            "'05/03/24' has a two-digit year; write the year in full: 05/03/2024 if it means 2024.",
        ),
        (
            "03/25/2024",
            "'03/25/2024' is not a date: dates are read day first (DD/MM/YYYY) and there is no "
            "month 25. It looks like a US-style date (month first); write it year first, as "
            "2024-03-25.",
        ),
        (
            "02/30/2024",
            "'02/30/2024' is not a real date.",
        ),
        (
            "03/25/24",
            "'03/25/24' has a two-digit year; write the date in full, year first (YYYY-MM-DD), "
            "for example 2024-03-05 for 5 March 2024.",
        ),
        ("", "is empty; a date is required."),
        (None, "is empty; a date is required."),
        (
            45356,
            "45356 is a number, not a date. Format the column as dates in Excel, or write dates "
            "as 2024-03-05 or 05/03/2024.",
        ),
        (
            "=TODAY()",
            "'=TODAY()' starts with '=', so a spreadsheet would treat it as a formula. Remove the "
            "'=' (or the formula) and save the file as values.",
        ),
    ],
)
def test_bad_dates_say_why(cell, message):
    with pytest.raises(cells.CellError) as caught:
        cells.date(cell)
    assert str(caught.value) == message


def excel_moment(*parts: int) -> datetime.datetime:
    """A date and time as openpyxl reads it from a cell: without a time zone."""
    return datetime.datetime(*parts)  # noqa: DTZ001


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (
            excel_moment(2050, 12, 31, 23, 0),
            "the cell holds a time (23:00) as well as a date; give the date only.",
        ),
        (
            excel_moment(2050, 12, 31, 23, 59, 59),
            "the cell holds a time (23:59:59) as well as a date; give the date only.",
        ),
        (
            excel_moment(2050, 7, 2, 23, 59, 59, 991000),
            "the cell holds a time (23:59:59) as well as a date; give the date only.",
        ),
        (
            excel_moment(2050, 7, 1, 0, 0, 1),
            "the cell holds a time (00:00:01) as well as a date; give the date only.",
        ),
        (datetime.time(12, 0), "the cell holds a time (12:00) but no date; a date is required."),
    ],
)
def test_excel_cells_with_a_time_are_refused_in_date_columns(cell, message):
    with pytest.raises(cells.CellError) as caught:
        cells.date(cell)
    assert str(caught.value) == message


def test_excel_midnight_and_rounding_noise_are_the_date():
    assert cells.date(excel_moment(2050, 7, 1)) == datetime.date(2050, 7, 1)
    assert cells.date(excel_moment(2050, 7, 1, 0, 0, 0, 864)) == datetime.date(2050, 7, 1)


@pytest.mark.parametrize(
    ("cell", "month_first", "ambiguous"),
    [
        ("06/30/2010", True, False),
        ("04/01/2010", False, True),
        ("4.1.2010", False, True),
        ("04/04/2010", False, False),  # the same date either way
        ("30/06/2010", False, False),
        ("04/01/10", False, False),  # refused for its year already
        ("2010-04-01", False, False),
        (datetime.date(2010, 4, 1), False, False),
    ],
)
def test_dates_that_can_only_be_month_first_or_read_both_ways(cell, month_first, ambiguous):
    assert cells.is_month_first(cell) is month_first
    assert cells.is_ambiguous_date(cell) is ambiguous


# --- Counts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1,747", 1747),
        ("1747", 1747),
        (" 139 ", 139),
        ("0", 0),
        ("1,000,000", 1_000_000),
        ("3.0", 3),
        ("139.00", 139),
        ("1,747.00", 1747),
        ("1,234.000", 1234),  # the comma makes the dot a decimal point
        ("1234.000", 1234),  # four digits before the dot: not thousands
        ("0.000", 0),
        ("12,345,678", 12_345_678),
        (1747, 1747),
        (139.0, 139),  # Excel stores every number as a float
        (str(2**63 - 1), 2**63 - 1),
    ],
)
def test_counts_are_whole_numbers_with_or_without_thousands_separators(cell, expected):
    assert cells.count(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("-5", "'-5' is negative; counts are 0 or more."),
        ("-1,747", "'-1,747' is negative; counts are 0 or more."),
        (-5, "-5 is negative; counts are 0 or more."),
        ("2.5", "'2.5' is not a whole number."),
        (
            "1.747",
            "'1.747' could be 1,747, with a dot between the thousands as much of Europe writes "
            "it, or 1.747, with a decimal point. Write counts without a dot, for example 1747 or "
            "1,747.",
        ),
        (
            "1.000",
            "'1.000' could be 1,000, with a dot between the thousands as much of Europe writes "
            "it, or 1, with a decimal point. Write counts without a dot, for example 1000 or "
            "1,000.",
        ),
        (
            "12.500",
            "'12.500' could be 12,500, with a dot between the thousands as much of Europe writes "
            "it, or 12.5, with a decimal point. Write counts without a dot, for example 12500 or "
            "12,500.",
        ),
        (
            "1.000.000",
            "'1.000.000' has dots between its thousands, as much of Europe writes numbers. Write "
            "counts without them, as 1000000 or 1,000,000.",
        ),
        ("1" + ".000" * 2000, "'1.000.000.000.000.000.000…' is too large to be a count."),
        ("1,2,3.0", "'1,2,3.0' is not a number."),
        ("1,2,3", "'1,2,3' is not a number."),
        ("12,34,567", "'12,34,567' is not a number."),
        ("0.500", "'0.500' is not a whole number."),
        (2.5, "2.5 is not a whole number."),
        ("99999999999999999999", "'99999999999999999999' is too large to be a count."),
        (str(2**63), f"'{2**63}' is too large to be a count."),
        ("1,74", "'1,74' is not a number."),
        ("1 747", "'1 747' is not a number."),
        ("twelve", "'twelve' is not a number."),
        ("", "is empty; a whole number (0 or more) is required."),
        (None, "is empty; a whole number (0 or more) is required."),
        (True, "True is a true/false cell, not a number."),
        (
            "=SUM(1,1)",
            "'=SUM(1,1)' starts with '=', so a spreadsheet would treat it as a formula. Remove the "
            "'=' (or the formula) and save the file as values.",
        ),
    ],
)
def test_bad_counts_say_why(cell, message):
    with pytest.raises(cells.CellError) as caught:
        cells.count(cell)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "cell",
    ["9" * 5000, "9" * 5000 + ".0", "1," + "999," * 2000 + "999", "9" * 20],
)
def test_numbers_with_thousands_of_digits_are_too_large_not_a_crash(cell):
    with pytest.raises(cells.CellError) as caught:
        cells.count(cell)
    assert str(caught.value).endswith("is too large to be a count.")


def test_leading_zeros_do_not_count_towards_the_size_of_a_number():
    assert cells.count("0" * 5000 + "7") == 7


def test_any_failure_to_read_a_cell_is_a_cell_error():
    def parse(cell):
        return int(cell) + 1

    assert cells.parse_cell(parse, "1") == 2
    with pytest.raises(cells.CellError) as caught:
        cells.parse_cell(parse, "x" * 100)
    assert str(caught.value) == (
        "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' could not be read; check that it holds what "
        "the column is for."
    )


# --- Text and formulas --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "prefix"),
    [
        ('=HYPERLINK("https://example.com")', "'='"),
        ("+1", "'+'"),
        ("-1+1", "'-'"),
        ("@cmd", "'@'"),
        ("\tW15000001", "a tab"),
        ("\rW15000001", "a carriage return"),
        # Stored trimmed, so checked trimmed too.
        (' =HYPERLINK("https://example.com")', "'='"),
        (" @SUM(1)", "'@'"),
        ("\n=1+1", "'='"),
        ("\u00a0+1", "'+'"),
    ],
)
def test_text_that_a_spreadsheet_would_run_is_refused(cell, prefix):
    with pytest.raises(cells.CellError) as caught:
        cells.text(cell)
    assert f"starts with {prefix}, so a spreadsheet would treat it as a formula." in str(
        caught.value
    )


@pytest.mark.parametrize("cell", [" =1+1", "\n=1+1", " @SUM(1)"])
def test_a_formula_behind_spaces_is_refused_where_a_number_or_date_is_expected(cell):
    for parse in (cells.count, cells.date):
        with pytest.raises(cells.CellError) as caught:
            parse(cell)
        assert "so a spreadsheet would treat it as a formula" in str(caught.value)


@pytest.mark.parametrize("value", [" =1+1", "\n@SUM(1)", "=1+1", "\t1"])
def test_exports_escape_formulas_behind_spaces_too(value):
    assert escape_formula(value) == "'" + value


@pytest.mark.parametrize(
    ("cell", "instruction"),
    [("\tW15000001", "Remove the tab "), ("\rW15000001", "Remove the carriage return ")],
)
def test_formula_message_for_invisible_prefixes_reads_as_english(cell, instruction):
    with pytest.raises(cells.CellError) as caught:
        cells.text(cell)
    assert instruction in str(caught.value)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [(None, ""), ("  Helpline  ", "Helpline"), (139.0, "139"), (2.5, "2.5"), (7, "7")],
)
def test_text_cells(cell, expected):
    assert cells.text(cell) == expected


def test_text_longer_than_the_column_allows_is_refused():
    with pytest.raises(cells.CellError) as caught:
        cells.text("x" * 256, max_length=255)
    assert str(caught.value) == "is 256 characters long; at most 255 are allowed."


# --- Limits -------------------------------------------------------------------------------------


def test_file_larger_than_the_limit_is_refused(settings):
    settings.IMPORT_MAX_FILE_BYTES = 100
    data = corpus("good.csv")
    assert len(data) > 100
    assert rejection(data, "good.csv") == (
        f"This file is {len(data)}{NBSP}bytes; the largest file accepted is 100{NBSP}bytes. "
        "Split it into smaller files and import them one after another."
    )
    with pytest.raises(FileRejected):
        check_size(101)
    check_size(100)


def test_file_at_the_limit_is_read(settings):
    data = corpus("good.csv")
    settings.IMPORT_MAX_FILE_BYTES = len(data)
    assert len(read_table(data, "good.csv").rows) == 2


@pytest.mark.parametrize("name", ["good.csv", "good.xlsx", "good-utf16.txt"])
def test_more_rows_than_the_limit_are_refused(settings, name):
    settings.IMPORT_MAX_ROWS = 1
    assert rejection(corpus(name), name) == (
        "This file has more than 1 rows, the most one import accepts. Split it into smaller "
        "files and import them one after another."
    )


@pytest.mark.parametrize("name", ["good.csv", "good.xlsx"])
def test_rows_up_to_the_limit_are_read(settings, name):
    settings.IMPORT_MAX_ROWS = 2
    assert len(read_table(corpus(name), name).rows) == 2


def test_empty_rows_do_not_count_towards_the_row_limit_and_keep_row_numbers(settings):
    settings.IMPORT_MAX_ROWS = 2
    data = b"region_code,value\r\n" + b",\r\n" * 5 + b"W15000001,1\r\n\r\nW15000001,2\r\n"
    table = read_table(data + b",\r\n" * 5, "figures.csv")
    assert table.rows == [(), (), (), (), (), ("W15000001", "1"), (), ("W15000001", "2")]


def test_a_formatted_cell_far_below_the_figures_does_not_count_as_rows(settings):
    """Excel counts a formatted cell on row 300,000 in the sheet's size: only rows with
    values count towards the limit."""
    settings.IMPORT_MAX_ROWS = 3
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["region_code", "value"])
    sheet.append(["W15000001", 5])
    sheet.append([None, None])
    sheet.append(["W15000001", 6])
    sheet.cell(row=300_000, column=1).fill = PatternFill("solid", fgColor="FFFF00")
    sheet.cell(row=300_001, column=40).value = None
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "figures.xlsx")
    assert table.rows == [("W15000001", 5), (), ("W15000001", 6)]


def test_rows_with_values_beyond_the_limit_are_still_refused_between_empty_ones(settings):
    settings.IMPORT_MAX_ROWS = 2
    rows = [HEADER, GOOD_TEXT_ROWS[0], [None] * 6, GOOD_TEXT_ROWS[1], [None] * 6, GOOD_TEXT_ROWS[0]]
    assert rejection(xlsx(*rows), "figures.xlsx").startswith("This file has more than 2 rows")


def test_workbook_that_would_unpack_beyond_the_limit_is_refused(settings):
    settings.IMPORT_MAX_XLSX_UNPACKED_BYTES = 1024 * 1024
    assert rejection(corpus("zip-bomb.xlsx"), "zip-bomb.xlsx") == (
        f"This workbook would unpack to 5.0{NBSP}MB, far more than its rows can need. Save the "
        "sheet as 'CSV UTF-8' and import that instead."
    )


def test_good_workbook_is_within_the_unpacked_limit(settings):
    settings.IMPORT_MAX_XLSX_UNPACKED_BYTES = 1024 * 1024
    assert len(read_table(corpus("good.xlsx"), "good.xlsx").rows) == 2


# --- Empty files --------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n"])
def test_empty_file_is_refused(data):
    assert rejection(data, "figures.csv") == "The file is empty."


def test_header_only_file_is_refused():
    assert rejection(corpus("header-only.csv"), "header-only.csv") == (
        "The file has a header row but no data rows below it: there is nothing to import."
    )


def test_workbook_with_only_a_header_row_is_refused_naming_the_sheet_read():
    assert rejection(xlsx(HEADER), "figures.xlsx") == (
        "The first sheet, 'Figures', has a header row but no data rows below it: there is "
        "nothing to import. Only the first sheet of a workbook is read; put the figures there."
    )


def test_figures_on_a_second_sheet_are_refused_naming_the_first():
    workbook = Workbook()
    workbook.active.title = "Instructions"
    workbook.active.append(["Fill in the Data sheet"])
    data_sheet = workbook.create_sheet("Data")
    data_sheet.append(HEADER)
    data_sheet.append(GOOD_TEXT_ROWS[0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert rejection(buffer.getvalue(), "figures.xlsx") == (
        "The first sheet, 'Instructions', has a header row but no data rows below it: there is "
        "nothing to import. Only the first sheet of a workbook is read; put the figures there."
    )


def test_workbook_whose_first_sheet_is_empty_is_refused_naming_it():
    assert rejection(xlsx(sheets=("Data",)), "figures.xlsx") == (
        "The first sheet, 'Figures', is empty: only the first sheet of a workbook is read. Put "
        "the figures on the first sheet, with the column names in its first row."
    )


def test_a_file_only_just_over_the_size_limit_says_by_how_much(settings):
    settings.IMPORT_MAX_FILE_BYTES = 5 * 1024 * 1024
    with pytest.raises(FileRejected) as caught:
        check_size(5 * 1024 * 1024 + 120)
    assert str(caught.value) == (
        "This file is 5,243,000 bytes; the largest file accepted is 5,242,880 bytes. Split it "
        "into smaller files and import them one after another."
    )


def test_cells_beyond_the_header_in_a_workbook_get_no_advice_about_csv_quotes():
    from regions.imports.columns import stray_cell_problems

    table = read_table(xlsx(["region_code", "value"], ["W15000001", 5, None, "stray"]), "f.xlsx")
    assert [str(problem) for problem in stray_cell_problems(table)] == [
        "Row 2: has values in 4 columns but the header row names 2. Name the extra column in the "
        "header row, or delete its values."
    ]


# --- XLSX ---------------------------------------------------------------------------------------


def test_workbook_cells_keep_their_types():
    table = read_table(corpus("good.xlsx"), "good.xlsx")
    assert table.file_kind == "XLSX"
    assert table.headers == HEADER
    first, second = table.rows
    assert cells.date(first[1]) == datetime.date(2024, 3, 5)
    assert cells.date(first[2]) == datetime.date(2024, 9, 4)
    assert cells.count(first[3]) == 1747
    assert first[4:] == ("Café £ figures", "Partners’ count")
    assert cells.date(second[1]) == datetime.date(2024, 9, 5)
    assert cells.count(second[3]) == 139


def test_formula_cells_are_read_as_the_results_saved_with_them():
    """LibreOffice (like Excel) saves each formula's result: that is what is read."""
    table = read_table(corpus("formula-results.xlsx"), "formula-results.xlsx")
    assert [row[3:] for row in table.rows] == [(152, "ONS figures", None), (139, "Helpline")]


def test_formula_cells_without_a_saved_result_are_refused_in_plain_words():
    table = read_table(corpus("formula-cells.xlsx"), "formula-cells.xlsx")
    assert isinstance(table.rows[0][3], UnsavedFormula)
    with pytest.raises(cells.CellError) as caught:
        cells.parse_cell(cells.count, table.rows[0][3])
    assert str(caught.value) == (
        "this cell is a formula with no saved result; open the file in Excel or LibreOffice and "
        "save it again, or paste the column as values."
    )


def test_text_typed_as_text_starting_with_a_formula_sign_is_still_refused():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["region_code", "notes"])
    sheet.append(["W15000001", "=not a formula"])
    sheet["B2"].data_type = "s"  # typed as text: openpyxl would otherwise make it a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "f.xlsx")
    cell = table.rows[0][1]
    assert cell == "=not a formula" and not isinstance(cell, UnsavedFormula)
    with pytest.raises(cells.CellError, match="starts with '='"):
        cells.parse_cell(cells.text, cell)


def test_only_the_first_sheet_is_read_and_that_is_said():
    data = xlsx(HEADER, GOOD_TEXT_ROWS[0], sheets=("Notes",))
    table = read_table(data, "figures.xlsx")
    assert table.notes == ["Only the first sheet, 'Figures', was read."]
    assert table.rows == [GOOD_TEXT_ROWS[0]]


@pytest.mark.parametrize("name", ["truncated.xlsx", "not-xlsx.xlsx"])
def test_damaged_or_renamed_workbooks_are_refused(name):
    assert rejection(corpus(name), name) == NOT_A_WORKBOOK


def test_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", b"not a sheet")
    assert rejection(buffer.getvalue(), "figures.xlsx") == NOT_A_WORKBOOK
    with pytest.raises(FileRejected):
        read_xlsx(buffer.getvalue())


# --- File names against content -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("old-excel.xls", corpus("old-excel.xls"), OLD_EXCEL),
        ("figures.csv", corpus("old-excel.xls"), OLD_EXCEL),  # OLE content, whatever the name
        ("figures.xls", corpus("good.csv"), OLD_EXCEL),
        ("not-xlsx.xlsx", corpus("not-xlsx.xlsx"), NOT_A_WORKBOOK),
        (
            "xlsx-named.csv",
            corpus("xlsx-named.csv"),
            "This file is named .csv but is an Excel workbook. Rename it to end in .xlsx, or "
            "save it from Excel as 'CSV UTF-8'.",
        ),
        (
            "figures.txt",
            corpus("good.xlsx"),
            "This file is named .txt but is an Excel workbook. Rename it to end in .xlsx, or "
            "save it from Excel as 'CSV UTF-8'.",
        ),
        (
            "not-a-spreadsheet.pdf",
            corpus("not-a-spreadsheet.pdf"),
            "Only CSV or tab-separated text (.csv, .tsv or .txt), Excel (.xlsx) and OpenDocument "
            "spreadsheet (.ods) files can be imported; this file is "
            "'not-a-spreadsheet.pdf'.",
        ),
        (
            "figures",
            corpus("good.csv"),
            "Only CSV or tab-separated text (.csv, .tsv or .txt), Excel (.xlsx) and OpenDocument "
            "spreadsheet (.ods) files can be imported; this file is 'figures'.",
        ),
    ],
)
def test_name_and_content_must_agree(name, data, message):
    with pytest.raises(FileRejected) as caught:
        check_name_matches_content(name, data[:8])
    assert str(caught.value) == message
    assert rejection(data, name) == message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("figures.csv", "good.csv"),
        ("FIGURES.CSV", "good.csv"),
        ("figures.txt", "good-utf16.txt"),
        ("figures.xlsx", "good.xlsx"),
        ("Figures.XLSX", "good.xlsx"),
    ],
)
def test_matching_names_are_accepted_in_any_letter_case(name, content):
    check_name_matches_content(name, corpus(content)[:8])
    assert len(read_table(corpus(content), name).rows) == 2


def test_invisible_characters_are_dropped_from_text_and_codes():
    assert cells.text("W15000001\u200b") == "W15000001"
    assert cells.text("\ufeffNorth\u00a0Wales Police") == "North Wales Police"
    assert cells.count("\u00a0139\u200b") == 139


def test_a_lone_dash_is_text_but_not_a_count():
    assert cells.text(" - ") == "-"
    with pytest.raises(cells.CellError, match="gives no figure: leave the row out"):
        cells.count("-")
    with pytest.raises(cells.CellError):
        cells.text("-1+2")  # a dash followed by more is still refused as a formula


def test_header_names_match_through_invisible_characters():
    columns = match_columns(
        ["Region\u00a0Code\u200b", "\ufeffvalue"], required=["region_code", "value"], optional=[]
    )
    assert columns.index == {"region_code": 0, "value": 1}


@pytest.mark.parametrize(
    ("first", "hint"),
    [
        ("sep=,", "Row 1 is Excel's 'sep=,' line: delete it"),
        ("Figures for 2018", "The column names must be in row 1"),
    ],
)
def test_a_file_whose_header_is_not_row_1_says_so(first, hint):
    with pytest.raises(FileErrors) as raised:
        match_columns([first, "", ""], required=["region_code", "value"], optional=[])
    assert hint in raised.value.messages[0]


def test_invisible_characters_are_dropped_from_dates():
    assert cells.date("01/01/2024\u200b") == datetime.date(2024, 1, 1)


def test_a_lone_dash_survives_export_and_import_unchanged():
    assert escape_formula("-") == "-"
    assert cells.text(escape_formula("-")) == "-"
    assert escape_formula("-1+2") == "'-1+2"


def test_a_blank_first_row_says_to_delete_the_rows_above_the_names():
    with pytest.raises(FileRejected, match="delete the empty rows above them"):
        read_table(
            b",,,\nregion_code,period_start,period_end,value\nW15000001,2024-01-01,2024-06-30,5\n",
            "f.csv",
        )


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_first_sheet_is_skipped_and_the_sheet_read_is_named(state):
    workbook = Workbook()
    old = workbook.active
    old.title = "Old figures"
    old.append(HEADER)
    old.append(["W15000001", "2010-01-01", "2010-06-30", 1, "", ""])
    old.sheet_state = state
    current = workbook.create_sheet("Current")
    current.append(HEADER)
    current.append(GOOD_TEXT_ROWS[0])
    workbook.create_sheet("Notes")
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "figures.xlsx")
    assert table.rows == [GOOD_TEXT_ROWS[0]]
    assert table.notes == ["Only the first visible sheet, 'Current', was read."]


def test_a_workbook_whose_every_sheet_is_hidden_is_refused():
    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.create_sheet("Other").append(HEADER)
    # openpyxl will not save a workbook without a visible sheet; hide them in the XML instead.
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b'state="visible"', b'state="hidden"')
            target.writestr(item, data)
    assert rejection(out.getvalue(), "figures.xlsx").startswith(
        "Every sheet of this workbook is hidden."
    )


def test_a_tab_separated_tsv_file_is_read_like_a_txt_one():
    data = "\t".join(HEADER).encode() + b"\r\n" + "\t".join(GOOD_TEXT_ROWS[0]).encode() + b"\r\n"
    table = read_table(data, "figures.tsv")
    assert table.rows == [GOOD_TEXT_ROWS[0]]
    assert table.notes == ["Columns are separated by tabs."]
    with pytest.raises(FileRejected, match="named .tsv but is an Excel workbook"):
        check_name_matches_content("figures.tsv", corpus("good.xlsx")[:8])


def test_rows_hidden_in_the_sheet_are_read_and_counted_in_a_note():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Figures"
    sheet.append(HEADER)
    for _ in range(4):
        sheet.append(GOOD_TEXT_ROWS[0])
    sheet.append([None] * 6)
    for number in (3, 4, 5, 7):  # three rows with figures, and an empty one
        sheet.row_dimensions[number].hidden = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "figures.xlsx")
    assert len(table.rows) == 4
    assert table.notes == ["3 rows hidden in the sheet were read too."]


def test_a_workbook_without_hidden_rows_gets_no_note_about_them():
    assert read_table(corpus("formula-results.xlsx"), "f.xlsx").notes == []
