"""Reading OpenDocument spreadsheets (.ods): cells, sheets, hidden rows, repeats, limits, names.

No database. The corpus's .ods files were saved by LibreOffice (see import_files/make_corpus.py);
the others are written here, as a zip around a content.xml, for what LibreOffice never writes
(formulas never calculated, hostile XML, zip bombs).
"""

import datetime
import io
import zipfile
from pathlib import Path

import pytest

from regions.imports import cells
from regions.imports.reading import (
    HEAD_BYTES,
    FileRejected,
    check_name_matches_content,
    read_table,
)
from regions.imports.reading.ods import read_ods
from regions.imports.reading.xlsx import UnsavedFormula

CORPUS = Path(__file__).parent / "import_files"
NBSP = "\N{NO-BREAK SPACE}"
HEADER = ("region_code", "period_start", "period_end", "value", "source", "notes")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
NOT_AN_ODS = (
    "This file is named .ods but is not a readable OpenDocument spreadsheet (it may be damaged, "
    "or another kind of file renamed). Open it in LibreOffice and save it again as 'ODF "
    "Spreadsheet (.ods)', or as 'CSV UTF-8'."
)
NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
HIDDEN_STYLE = (
    '<style:style style:name="ta2" style:family="table">'
    '<style:table-properties table:display="false"/></style:style>'
)


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def ods_zip(content: bytes, *, mimetype: bytes = ODS_MIMETYPE, extra: dict | None = None) -> bytes:
    """An .ods as LibreOffice lays one out: `mimetype` first and stored, then content.xml."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        for name, data in (extra or {}).items():
            archive.writestr(name, data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def content(*sheets: str, styles: str = "", prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f"<office:document-content {NAMESPACES}><office:automatic-styles>{styles}"
        f"</office:automatic-styles><office:body><office:spreadsheet>{''.join(sheets)}"
        "</office:spreadsheet></office:body></office:document-content>"
    ).encode()


def sheet(name: str, *rows: str, style: str = "ta1") -> str:
    return (
        f'<table:table table:name="{name}" table:style-name="{style}">{"".join(rows)}</table:table>'
    )


def row(*cells: str, attributes: str = "") -> str:
    return f"<table:table-row{attributes}>{''.join(cells)}</table:table-row>"


def text(value: str) -> str:
    return (
        f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
    )


def number(value: str, kind: str = "float") -> str:
    return f'<table:table-cell office:value-type="{kind}" office:value="{value}"/>'


def date(value: str) -> str:
    return f'<table:table-cell office:value-type="date" office:date-value="{value}"/>'


HEADER_ROW = row(*(text(name) for name in HEADER))
# LibreOffice ends every sheet with empty cells to column 16,384 and an empty row repeated to
# row 1,048,576.
EMPTY_TAIL = (
    '<table:table-row table:number-rows-repeated="1048571">'
    '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    '<table:table-row><table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
)


def figures_row(value: str = number("1747"), attributes: str = "") -> str:
    return row(
        text("W15000001"),
        date("2024-03-05"),
        date("2024-09-04"),
        value,
        '<table:table-cell table:number-columns-repeated="16380"/>',
        attributes=attributes,
    )


def one_sheet(*rows: str) -> bytes:
    return ods_zip(content(sheet("Figures", HEADER_ROW, *rows, EMPTY_TAIL)))


def rejection(data: bytes, name: str = "figures.ods") -> str:
    with pytest.raises(FileRejected) as caught:
        read_table(data, name)
    return str(caught.value)


# --- Files saved by LibreOffice -----------------------------------------------------------------


def test_cells_keep_their_types():
    table = read_table(corpus("good.ods"), "good.ods")
    assert table.file_kind == "ODS"
    assert (table.sheet, table.notes, table.hidden_rows) == ("Figures", [], frozenset())
    assert table.headers == list(HEADER)
    assert table.rows == [
        (
            "W15000001",
            datetime.date(2024, 3, 5),
            datetime.date(2024, 9, 4),
            1747,
            "Café £ figures",
            "Partners’ count",
        ),
        (
            "north-wales",
            datetime.date(2024, 9, 5),
            datetime.date(2025, 3, 4),
            139,
            "Café £ figures",
        ),
    ]
    assert isinstance(table.rows[0][3], int)


def test_hidden_sheets_are_skipped_formulas_read_as_results_and_hidden_rows_counted():
    table = read_table(corpus("good-hidden-and-formulas.ods"), "figures.ods")
    assert table.sheet == "Current"
    assert table.hidden_sheets_skipped
    assert table.rows[0][3:5] == (1747, "Café £ figures")  # =1000+747 and ="Café £ "&"figures"
    assert table.hidden_rows == frozenset({3})
    assert table.notes == [
        "Only the first visible sheet, 'Current', was read.",
        "1 row hidden in the sheet was read too.",
    ]


# --- Cells --------------------------------------------------------------------------------------


def test_text_keeps_its_spaces_tabs_and_line_breaks_but_not_comments():
    cell = (
        '<table:table-cell office:value-type="string">'
        "<office:annotation><text:p>Checked by J.</text:p></office:annotation>"
        '<text:p>Café <text:s text:c="2"/>£<text:tab/><text:span>figures</text:span></text:p>'
        "<text:p>second<text:line-break/>third</text:p></table:table-cell>"
    )
    table = read_ods(one_sheet(row(text("W15000001"), cell)))
    assert table.rows == [("W15000001", "Café   £\tfigures\nsecond\nthird")]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (number("139"), 139),
        (number("139.0"), 139),
        (number("2.5"), 2.5),
        (number("0.25", "percentage"), 0.25),
        (number("12", "currency"), 12),
        (date("2024-03-05"), datetime.date(2024, 3, 5)),
        (date("2024-03-05T13:30:00"), datetime.datetime(2024, 3, 5, 13, 30)),  # noqa: DTZ001
        (
            '<table:table-cell office:value-type="boolean" office:boolean-value="true"/>',
            True,
        ),
        (
            '<table:table-cell office:value-type="time" office:time-value="PT12H30M00S"/>',
            datetime.time(12, 30),
        ),
        # An error result: saved as empty text, shown (and read) as the error.
        (
            '<table:table-cell table:formula="of:=1/0" office:value-type="string" '
            'office:string-value=""><text:p>#DIV/0!</text:p></table:table-cell>',
            "#DIV/0!",
        ),
        # A date this reader cannot read as a date: read as the sheet shows it.
        (
            '<table:table-cell office:value-type="date" office:date-value="-0001-01-01">'
            "<text:p>01/01/-1</text:p></table:table-cell>",
            "01/01/-1",
        ),
    ],
)
def test_typed_cells(cell, expected):
    table = read_ods(one_sheet(row(text("W15000001"), cell)))
    assert table.rows == [("W15000001", expected)]
    assert type(table.rows[0][1]) is type(expected)


def test_a_date_with_a_time_is_refused_in_a_date_column_as_for_excel():
    table = read_ods(one_sheet(figures_row().replace("2024-09-04", "2024-09-04T13:30:00")))
    with pytest.raises(cells.CellError, match=r"holds a time \(13:30\) as well as a date"):
        cells.date(table.rows[0][2])


def test_a_formula_without_a_saved_result_is_refused_in_plain_words():
    unsaved = '<table:table-cell table:formula="of:=SUM([.A1:.A2])"/>'
    empty_result = (
        '<table:table-cell table:formula="of:=IF(1;&quot;&quot;)"><text:p/></table:table-cell>'
    )
    table = read_ods(one_sheet(figures_row(unsaved), row(text("W15000001"), empty_result)))
    value = table.rows[0][3]
    assert isinstance(value, UnsavedFormula)
    assert value == "=SUM([.A1:.A2])"
    with pytest.raises(cells.CellError) as caught:
        cells.parse_cell(cells.count, value)
    assert str(caught.value) == (
        "this cell is a formula with no saved result; open the file in Excel or LibreOffice and "
        "save it again, or paste the column as values."
    )
    # LibreOffice saves a formula whose result is empty text with an empty paragraph: empty.
    assert table.rows[1] == ("W15000001",)


def test_repeated_cells_are_expanded_and_covered_cells_are_empty():
    merged = (
        '<table:table-cell office:value-type="string" table:number-columns-spanned="2">'
        "<text:p>Merged</text:p></table:table-cell>"
        '<table:covered-table-cell office:value-type="string"><text:p>Hidden</text:p>'
        "</table:covered-table-cell>"
    )
    repeated = number("5").replace("/>", ' table:number-columns-repeated="3"/>')
    table = read_ods(one_sheet(row(merged, repeated, text("end"))))
    assert table.rows == [("Merged", None, 5, 5, 5, "end")]


def test_a_cell_repeated_past_the_last_column_a_header_may_have_is_cut_there():
    repeated = number("5").replace("/>", ' table:number-columns-repeated="16384"/>')
    table = read_ods(one_sheet(row(repeated)))
    assert len(table.rows[0]) == 100


# --- Rows, repeats and limits -------------------------------------------------------------------


def test_the_empty_tail_libreoffice_writes_is_never_expanded(settings):
    settings.IMPORT_MAX_ROWS = 2
    table = read_ods(one_sheet(figures_row(), figures_row()))
    assert len(table.rows) == 2


def test_empty_rows_between_figures_keep_row_numbers_and_do_not_count(settings):
    settings.IMPORT_MAX_ROWS = 2
    gap = '<table:table-row table:number-rows-repeated="3"><table:table-cell/></table:table-row>'
    table = read_ods(one_sheet(figures_row(), gap, figures_row(number("5"))))
    assert table.rows[1:4] == [(), (), ()]
    assert table.rows[4][3] == 5


def test_a_repeated_row_with_values_is_read_as_that_many_rows():
    repeated = figures_row(attributes=' table:number-rows-repeated="3"')
    assert len(read_ods(one_sheet(repeated)).rows) == 3


def test_repeated_rows_with_values_count_towards_the_row_limit(settings):
    settings.IMPORT_MAX_ROWS = 1000
    repeated = figures_row(attributes=' table:number-rows-repeated="1000000000"')
    assert rejection(one_sheet(repeated)) == (
        "This file has more than 1,000 rows, the most one import accepts. Split it into smaller "
        "files and import them one after another."
    )


def test_a_row_with_values_below_the_last_row_a_sheet_can_have_is_refused():
    gap = row("<table:table-cell/>", attributes=' table:number-rows-repeated="2000000"')
    assert rejection(one_sheet(gap, figures_row())) == NOT_AN_ODS


@pytest.mark.parametrize("visibility", ["collapse", "filter"])
def test_hidden_rows_are_read_and_counted(visibility):
    hidden = f' table:visibility="{visibility}"'
    empty_hidden = row("<table:table-cell/>", attributes=hidden)
    table = read_ods(
        one_sheet(
            figures_row(),
            figures_row(attributes=hidden + ' table:number-rows-repeated="2"'),
            empty_hidden,
            figures_row(),
        )
    )
    assert len(table.rows) == 5
    assert table.hidden_rows == frozenset({3, 4})
    assert table.notes == ["2 rows hidden in the sheet were read too."]


# --- Sheets -------------------------------------------------------------------------------------


def test_only_the_first_sheet_is_read_and_that_is_said():
    data = ods_zip(content(sheet("Figures", HEADER_ROW, figures_row()), sheet("Notes")))
    table = read_table(data, "figures.ods")
    assert table.notes == ["Only the first sheet, 'Figures', was read."]


def test_a_spreadsheet_whose_every_sheet_is_hidden_is_refused():
    data = ods_zip(content(sheet("Old", HEADER_ROW, style="ta2"), styles=HIDDEN_STYLE))
    assert rejection(data) == (
        "Every sheet of this spreadsheet is hidden. Unhide the sheet with the figures (in "
        "LibreOffice: right-click a sheet tab, Show Sheet) and save it again."
    )


def test_a_first_visible_sheet_without_figures_is_refused_naming_it():
    data = ods_zip(
        content(
            sheet("Old", HEADER_ROW, figures_row(), style="ta2"),
            sheet("Current", HEADER_ROW),
            styles=HIDDEN_STYLE,
        )
    )
    assert rejection(data).startswith(
        "The first visible sheet, 'Current', has a header row but no data rows below it"
    )


# --- Hostile and damaged files ------------------------------------------------------------------


def test_entity_expansion_is_refused_not_expanded():
    laughs = (
        '<!DOCTYPE office:document-content [<!ENTITY a "lol">'
        + "".join(
            f'<!ENTITY {b} "{("&" + a + ";") * 10}">'
            for a, b in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + "]>"
    )
    data = ods_zip(content(sheet("Figures", HEADER_ROW, row(text("&i;"))), prolog=laughs))
    assert rejection(data) == NOT_AN_ODS


def test_an_external_entity_is_refused():
    prolog = '<!DOCTYPE office:document-content [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    data = ods_zip(content(sheet("Figures", HEADER_ROW, row(text("&x;"))), prolog=prolog))
    assert rejection(data) == NOT_AN_ODS


def test_a_spreadsheet_that_would_unpack_beyond_the_limit_is_refused(settings):
    settings.IMPORT_MAX_XLSX_UNPACKED_BYTES = 1024 * 1024
    bomb = content(sheet("Figures", HEADER_ROW)) + b" " * (5 * 1024 * 1024)
    data = ods_zip(bomb)
    assert len(data) < 20_000
    assert rejection(data) == (
        f"This workbook would unpack to 5.0{NBSP}MB, far more than its rows can need. Save the "
        "sheet as 'CSV UTF-8' and import that instead."
    )


def test_a_mimetype_member_that_would_unpack_far_is_not_read_whole(settings):
    settings.IMPORT_MAX_XLSX_UNPACKED_BYTES = 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", content(sheet("Figures")), zipfile.ZIP_DEFLATED)
        archive.writestr("mimetype", ODS_MIMETYPE + b" " * (50 * 1024 * 1024), zipfile.ZIP_DEFLATED)
    assert rejection(buffer.getvalue()).startswith("This workbook would unpack to 50.0")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(corpus("good.ods")[: len(corpus("good.ods")) // 2], id="truncated"),
        pytest.param(ods_zip(b"<office:document-content"), id="damaged-xml"),
        pytest.param(ods_zip(content(), mimetype=b"application/zip"), id="wrong-mimetype"),
        pytest.param(corpus("good.csv"), id="csv-renamed"),
    ],
)
def test_damaged_or_renamed_spreadsheets_are_refused(data):
    assert rejection(data) == NOT_AN_ODS


def test_an_opendocument_text_document_is_refused_plainly():
    data = ods_zip(b"<x/>", mimetype=b"application/vnd.oasis.opendocument.text")
    message = (
        "This file is an OpenDocument text document (.odt), not a spreadsheet. Put the figures in "
        "a spreadsheet and save it as .ods, .xlsx or 'CSV UTF-8'."
    )
    for name in ("letter.ods", "letter.xlsx", "letter.csv"):
        assert rejection(data, name) == message
    with pytest.raises(FileRejected, match="OpenDocument text document"):
        read_table(data)


# --- Names against content ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content_of", "message"),
    [
        (
            "figures.csv",
            "good.ods",
            "This file is named .csv but is an OpenDocument spreadsheet (.ods). Rename it to end "
            "in .ods, or save it as 'CSV UTF-8'.",
        ),
        (
            "figures.xlsx",
            "good.ods",
            "This file is named .xlsx but is an OpenDocument spreadsheet (.ods). Rename it to end "
            "in .ods, or save it as 'CSV UTF-8'.",
        ),
        (
            "figures.ods",
            "good.xlsx",
            "This file is named .ods but is an Excel workbook (.xlsx). Rename it to end in .xlsx, "
            "or save it as 'CSV UTF-8'.",
        ),
    ],
)
def test_a_zip_based_file_with_the_wrong_name_is_named_for_what_it_is(name, content_of, message):
    data = corpus(content_of)
    assert rejection(data, name) == message
    if content_of.endswith(".ods"):  # an .ods says what it is in its first bytes
        with pytest.raises(FileRejected) as caught:
            check_name_matches_content(name, data[:HEAD_BYTES])
        assert str(caught.value) == message


@pytest.mark.parametrize("name", ["figures.ods", "FIGURES.ODS"])
def test_an_ods_is_accepted_by_its_name_and_content(name):
    check_name_matches_content(name, corpus("good.ods")[:HEAD_BYTES])
    assert len(read_table(corpus("good.ods"), name).rows) == 2


def test_an_ods_is_read_by_its_content_without_a_name():
    assert read_table(corpus("good.ods")).file_kind == "ODS"
