"""Make the import test corpus: real files, good and bad, as partners' systems and Excel save them.

Run from the project root to (re)write every file beside this script:

    .venv/bin/python tests/regions/import_files/make_corpus.py

(formula-results.xlsx and the .ods files are saved by LibreOffice: add --libreoffice to make
those again.)

The files are committed, so the tests never depend on this script having been run; it documents
how each file was made and makes them again byte for byte (the XLSX files carry a fixed
timestamp). Every good file holds the same two rows (GOOD_ROWS), in a different encoding or
format, so the tests can expect the same figures from each. The region codes are the demo
data's: W15000001 and north-wales are North Wales; E23000002 is Cumbria.
"""

import codecs
import datetime
import io
import re
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = ["region_code", "period_start", "period_end", "value", "source", "notes"]

# "é" and "£" are one byte in Windows-1252 and two in UTF-8; "’" (0x92 in Windows-1252) is a
# control character in Latin-1, so only a true Windows-1252 reading gets all three right.
SOURCE = "Café £ figures"
NOTES = "Partners’ count"
GOOD_ROWS = [
    # 05/03/2024 is 5 March 2024 (UK, day first); "1,747" has a thousands separator.
    ["W15000001", "05/03/2024", "04/09/2024", "1,747", SOURCE, NOTES],
    ["north-wales", "2024-09-05", "2025-03-04", "139", SOURCE, ""],
]
FIXED_TIME = datetime.datetime(2024, 3, 5, 12, 0)  # noqa: DTZ001 - stored in the XLSX as-is


def csv_text(rows: list[list[str]], delimiter: str = ",", header: list[str] = HEADER) -> str:
    """CSV as Excel writes it: CRLF line ends, quotes only where a value needs them."""
    lines = []
    for row in [header, *rows]:
        cells = []
        for cell in row:
            if delimiter in cell or '"' in cell or "\n" in cell:
                cell = '"' + cell.replace('"', '""') + '"'
            cells.append(cell)
        lines.append(delimiter.join(cells))
    return "\r\n".join(lines) + "\r\n"


def raw_lines(*lines: str) -> str:
    """Hand-written CSV, exactly as given (for files a CSV writer would quote correctly)."""
    return "\r\n".join(lines) + "\r\n"


def xlsx_bytes(rows: list[list], header: list[str] = HEADER) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    sheet = workbook.active
    sheet.title = "Figures"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "DD/MM/YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """Rewrite a zip with fixed member times, so the file is the same on every run.

    openpyxl stamps the save time as the workbook's "modified" property whatever it was set
    to, so that is fixed here too.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member.filename)
            if member.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>2024-03-05T12:00:00Z\g<2>",
                    content,
                )
            info = zipfile.ZipInfo(member.filename, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return buffer.getvalue()


def good_xlsx() -> bytes:
    """Real Excel date cells and numeric cells (an int and a float, as Excel stores numbers)."""
    return xlsx_bytes(
        [
            [
                "W15000001",
                datetime.datetime(2024, 3, 5),  # noqa: DTZ001 - Excel dates have no zone
                datetime.datetime(2024, 9, 4),  # noqa: DTZ001
                1747,
                SOURCE,
                NOTES,
            ],
            ["north-wales", datetime.date(2024, 9, 5), datetime.date(2025, 3, 4), 139.0, SOURCE],
        ]
    )


def formula_xlsx() -> bytes:
    """Real formula cells: openpyxl stores a string starting with '=' as a formula."""
    return xlsx_bytes(
        [
            ["W15000001", datetime.date(2024, 3, 5), datetime.date(2024, 9, 4), "=SUM(1,1)"],
            [
                "W15000001",
                datetime.date(2024, 9, 5),
                datetime.date(2025, 3, 4),
                139,
                '=HYPERLINK("https://example.com","Café £ figures")',
            ],
        ]
    )


def formula_results_source() -> bytes:
    """Formula cells as a script writes them, with no saved results: LibreOffice calculates and
    saves them when it converts this workbook (see make_formula_results)."""
    return xlsx_bytes(
        [
            [
                "W15000001",
                datetime.date(2024, 3, 5),
                datetime.date(2024, 9, 4),
                "=SUM(100,52)",
                '="ONS "&"figures"',
                '=IF(1=1,"","x")',  # an empty text result
            ],
            [
                "north-wales",
                datetime.date(2024, 9, 5),
                datetime.date(2025, 3, 4),
                "=139",
                "Helpline",
            ],
        ]
    )


def make_formula_results() -> None:
    """formula-results.xlsx: formula cells with the results LibreOffice saved with them. Made by
    LibreOffice, not byte for byte, so main() leaves it alone; run this to make it again (needs
    soffice on the PATH)."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "formula-results.xlsx"
        source.write_bytes(formula_results_source())
        out = Path(folder) / "out"
        subprocess.run(  # noqa: S603 - fixed arguments
            ["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(source)],  # noqa: S607
            check=True,
            capture_output=True,
        )
        (HERE / "formula-results.xlsx").write_bytes((out / source.name).read_bytes())


# --- OpenDocument spreadsheets -------------------------------------------------------------------
# Written here as flat OpenDocument XML (.fods), as a partner's sheet would hold them, and saved
# as .ods by LibreOffice (make_ods), which adds what it always writes: a table style per sheet,
# row styles, and an empty row repeated to the end of the sheet (row 1,048,576).

FODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"'
)
# Hidden sheets have a table style that does not display them; date cells a date format
# (without one, LibreOffice saves them as plain numbers).
FODS_STYLES = (
    '<number:date-style style:name="uk-date"><number:day number:style="long"/>'
    '<number:text>/</number:text><number:month number:style="long"/>'
    '<number:text>/</number:text><number:year number:style="long"/></number:date-style>'
    '<style:style style:name="date" style:family="table-cell" style:data-style-name="uk-date"/>'
    '<style:style style:name="hidden" style:family="table">'
    '<style:table-properties table:display="false"/></style:style>'
)


def fods_cell(value) -> str:
    """A cell as LibreOffice writes one: a date, a number, a formula (a string starting with
    '='), or text."""
    if isinstance(value, datetime.date):
        return (
            '<table:table-cell table:style-name="date" office:value-type="date" '
            f'office:date-value="{value.isoformat()}">'
            f"<text:p>{value:%d/%m/%Y}</text:p></table:table-cell>"
        )
    if isinstance(value, int):
        return f'<table:table-cell office:value-type="float" office:value="{value}"/>'
    if value.startswith("="):
        formula = value.replace("&", "&amp;").replace('"', "&quot;")
        return f'<table:table-cell table:formula="of:{formula}"/>'
    return (
        f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
    )


def fods_sheet(name: str, rows: list[list], *, hidden: bool = False, hidden_rows=()) -> str:
    lines = []
    for number, row in enumerate(rows, start=1):
        visibility = ' table:visibility="collapse"' if number in hidden_rows else ""
        cells = "".join(fods_cell(value) for value in row)
        lines.append(f"<table:table-row{visibility}>{cells}</table:table-row>")
    style = ' table:style-name="hidden"' if hidden else ""
    return f'<table:table table:name="{name}"{style}>{"".join(lines)}</table:table>'


def fods(*sheets: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<office:document {FODS_NAMESPACES} office:version="1.3" '
        'office:mimetype="application/vnd.oasis.opendocument.spreadsheet">'
        f"<office:automatic-styles>{FODS_STYLES}</office:automatic-styles>"
        f"<office:body><office:spreadsheet>{''.join(sheets)}</office:spreadsheet></office:body>"
        "</office:document>"
    ).encode()


ODS_GOOD_ROWS = [
    HEADER,
    ["W15000001", datetime.date(2024, 3, 5), datetime.date(2024, 9, 4), 1747, SOURCE, NOTES],
    ["north-wales", datetime.date(2024, 9, 5), datetime.date(2025, 3, 4), 139, SOURCE],
]


def ods_sources() -> dict[str, bytes]:
    """The .fods each LibreOffice-saved file of the corpus (.ods, or .xlsx) is saved from."""
    return {
        # GOOD_ROWS as date and number cells.
        "good.ods": fods(fods_sheet("Figures", ODS_GOOD_ROWS)),
        # GOOD_ROWS on the first visible sheet, after a hidden sheet of old figures and before a
        # sheet of notes; 1747 and the source are formulas (LibreOffice saves their results),
        # and north-wales's row is hidden.
        "good-hidden-and-formulas.ods": fods(
            fods_sheet(
                "Old figures",
                [HEADER, ["W15000001", datetime.date(2010, 1, 1), datetime.date(2010, 6, 30), 1]],
                hidden=True,
            ),
            fods_sheet(
                "Current",
                [
                    HEADER,
                    [*ODS_GOOD_ROWS[1][:3], "=1000+747", '="Café £ "&"figures"', NOTES],
                    ODS_GOOD_ROWS[2],
                ],
                hidden_rows={3},
            ),
            fods_sheet("Notes", [["Figures for the helpline"]]),
        ),
        # Saved by LibreOffice as .xlsx: the same formulas (with their results) and hidden row.
        # (No hidden sheet: LibreOffice run headless saves every sheet of an .xlsx as visible.)
        "libreoffice-formulas.xlsx": fods(
            fods_sheet(
                "Current",
                [
                    HEADER,
                    [*ODS_GOOD_ROWS[1][:3], "=1000+747", '="Café £ "&"figures"', NOTES],
                    ODS_GOOD_ROWS[2],
                ],
                hidden_rows={3},
            ),
            fods_sheet("Notes", [["Figures for the helpline"]]),
        ),
    }


def make_ods() -> None:
    """The LibreOffice-saved files of the corpus, saved from ods_sources() (needs soffice
    on the PATH). LibreOffice stamps the save time in them, so they differ byte for byte on
    every run, not in what they hold."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out"
        for name, source in ods_sources().items():
            path = (Path(folder) / name).with_suffix(".fods")
            path.write_bytes(source)
            target = Path(name).suffix.lstrip(".")  # ods, or xlsx
            subprocess.run(  # noqa: S603 - fixed arguments
                ["soffice", "--headless", "--convert-to", target, "--outdir", str(out), str(path)],  # noqa: S607
                check=True,
                capture_output=True,
            )
            (HERE / name).write_bytes((out / name).read_bytes())


def zip_bomb() -> bytes:
    """A small zip whose sheet unpacks to 5 MiB (the tests lower the 200 MB limit to 1 MB)."""
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
    )
    sheet = b'<?xml version="1.0" encoding="UTF-8"?><worksheet>' + b" " * (5 * 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in [
            ("[Content_Types].xml", content_types.encode()),
            ("xl/worksheets/sheet1.xml", sheet),
        ]:
            archive.writestr(
                zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6]),
                data,
                zipfile.ZIP_DEFLATED,
            )
    return buffer.getvalue()


def utf16_tab_text() -> bytes:
    """Excel's "Unicode text": UTF-16 little-endian with a byte order mark, tab-separated."""
    return codecs.BOM_UTF16_LE + csv_text(GOOD_ROWS, delimiter="\t").encode("utf-16-le")


def corpus() -> dict[str, bytes]:
    good_csv = csv_text(GOOD_ROWS).encode("utf-8")
    good = good_xlsx()
    files = {
        # --- Good files: each holds GOOD_ROWS --------------------------------------------------
        "good.csv": good_csv,
        "good-bom.csv": codecs.BOM_UTF8 + good_csv,
        "good-cp1252.csv": csv_text(GOOD_ROWS).encode("cp1252"),
        "good-utf16.txt": utf16_tab_text(),
        "good-utf16.csv": utf16_tab_text(),
        # European Excel: semicolons; 1747 without a separator (a comma reads as a decimal mark).
        "good-semicolon.csv": csv_text(
            [[*GOOD_ROWS[0][:3], "1747", *GOOD_ROWS[0][4:]], GOOD_ROWS[1]], delimiter=";"
        ).encode("utf-8"),
        "good.xlsx": good,
        # --- Other good files, for particular tests ----------------------------------------------
        # GOOD_ROWS with north-wales's value changed from 139 to 140.
        "good-changed.csv": csv_text(
            [GOOD_ROWS[0], [*GOOD_ROWS[1][:3], "140", *GOOD_ROWS[1][4:]]]
        ).encode(),
        # GOOD_ROWS with a metric column naming the demo metric on every row.
        "good-metric-column.csv": csv_text(
            [[*row, "helpline-contacts-online-behaviour"] for row in GOOD_ROWS],
            header=[*HEADER, "metric"],
        ).encode(),
        # The demo's North Wales figure for July-December 2017 (84), changed to 85; no source or
        # notes column, so the stored source must stay.
        "no-source.csv": raw_lines(
            "region_code,period_start,period_end,value", "W15000001,01/07/2017,31/12/2017,85"
        ).encode(),
        # For TITAN: a member area by GSS code, one by police.uk id, and the grouping's slug.
        "titan.csv": raw_lines(
            ",".join(HEADER),
            "E23000002,2024-03-05,2024-09-04,31,TITAN,",
            "cheshire,2024-03-05,2024-09-04,32,TITAN,",
            "north-west-and-north-wales,2024-03-05,2024-09-04,3549,TITAN,",
        ).encode(),
        # --- Bad files ---------------------------------------------------------------------------
        "missing-column.csv": raw_lines(
            "region_code,period_start,value,source,notes", "W15000001,05/03/2024,1747,Helpline,"
        ).encode(),
        "unknown-column.csv": raw_lines(
            "region_code,period_start,period_end,value,sources,notes",
            "W15000001,05/03/2024,04/09/2024,1747,Helpline,",
        ).encode(),
        "bad-dates.csv": raw_lines(
            ",".join(HEADER),
            "W15000001,31/02/2024,31/08/2024,10,,",  # no 31 February
            "W15000001,March 2024,30/09/2024,10,,",  # words
            "W15000001,01/10/2024,31/03/25,10,,",  # two-digit year
        ).encode(),
        "us-dates.csv": raw_lines(
            ",".join(HEADER), "W15000001,03/25/2024,09/24/2024,10,,"
        ).encode(),
        "us-quarters.csv": raw_lines(
            ",".join(HEADER),
            "W15000001,04/01/2010,06/30/2010,10,,",
            "W15000001,07/01/2010,09/30/2010,11,,",
            "W15000001,10/01/2010,12/31/2010,12,,",
        ).encode(),
        "us-quarters-half-fixed.csv": raw_lines(
            ",".join(HEADER),
            "W15000001,04/01/2010,2010-06-30,10,,",
            "W15000001,07/01/2010,09/30/2010,11,,",
            "W15000001,2010-10-01,2010-12-31,12,,",
        ).encode(),
        "negative.csv": raw_lines(
            ",".join(HEADER),
            "W15000001,05/03/2024,04/09/2024,-5,,",
            'W15000001,05/09/2024,04/03/2025,"-1,747",,',
        ).encode(),
        "fractional.csv": raw_lines(
            ",".join(HEADER),
            "W15000001,05/03/2024,04/09/2024,2.5,,",
            'W15000001,05/09/2024,04/03/2025,"1,747.5",,',
        ).encode(),
        # European Excel: dots between thousands, which a UK reader takes for decimal points.
        "european-thousands.csv": raw_lines(
            ";".join(HEADER),
            "W15000001;05/03/2024;04/09/2024;1.000;;",
            "W15000001;05/09/2024;04/03/2025;1.234.567;;",
            "W15000001;05/03/2025;04/09/2025;1,2,3.0;;",
        ).encode(),
        "huge.csv": raw_lines(
            ",".join(HEADER), "W15000001,05/03/2024,04/09/2024,99999999999999999999,,"
        ).encode(),
        # Five thousand digits: more than Python will turn into a number at all.
        "huge-digits.csv": raw_lines(
            ",".join(HEADER),
            "W15000001,05/03/2024,04/09/2024," + "9" * 5000 + ",,",
            "W15000001,05/09/2024,04/03/2025," + "9" * 5000 + ".0,,",
        ).encode(),
        "unknown-region.csv": raw_lines(
            ",".join(HEADER),
            "W15000001,05/03/2024,04/09/2024,10,,",
            "E23999999,05/03/2024,04/09/2024,11,,",
        ).encode(),
        "other-partners-region.csv": raw_lines(
            ",".join(HEADER),
            "W15000001,05/03/2024,04/09/2024,10,,",
            "E23000002,05/03/2024,04/09/2024,11,,",
        ).encode(),
        # The same region (by GSS code and by police.uk id) and period twice.
        "duplicate-keys.csv": raw_lines(
            ",".join(HEADER),
            "W15000001,05/03/2024,04/09/2024,10,,",
            "north-wales,2024-03-05,2024-09-04,11,,",
        ).encode(),
        "formula-cells.csv": raw_lines(
            ",".join(HEADER),
            'W15000001,05/03/2024,04/09/2024,10,"=SUM(1,1)",',
            "W15000001,05/09/2024,04/03/2025,11,Helpline,@cmd",
            "W15000001,05/03/2025,04/09/2025,12,+1,",
            "\tW15000001,05/09/2025,04/03/2026,13,,",
        ).encode(),
        "formula-cells.xlsx": formula_xlsx(),
        # Formulas behind a space or a line break: trimmed, they would be stored as formulas.
        "formula-after-space.csv": raw_lines(
            ",".join(HEADER),
            'W15000001,05/03/2024,04/09/2024,10," =HYPERLINK(""http://example.com"",""x"")",',
            'W15000001,05/09/2024,04/03/2025,11,Helpline," @SUM(1)"',
            'W15000001,05/03/2025,04/09/2025,12,"\n=1+1",',
            "W15000001,05/09/2025,04/03/2026, =1+1,,",
        ).encode(),
        "empty.csv": b"",
        "header-only.csv": raw_lines(",".join(HEADER)).encode(),
        "truncated.xlsx": good[: len(good) // 2],
        "not-xlsx.xlsx": good_csv,
        "old-excel.xls": bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504,
        "zip-bomb.xlsx": zip_bomb(),
        # "Café, £ figures" was not quoted: its comma makes a seventh cell.
        "unquoted-comma.csv": raw_lines(
            ",".join(HEADER), "W15000001,05/03/2024,04/09/2024,10,Café, £ figures,First half"
        ).encode(),
        # The year 2024 beside its two halves (a withheld half could be worked out by
        # subtraction), and the demo's stored July-December 2017 inside a whole year.
        "overlapping-periods.csv": raw_lines(
            ",".join(HEADER),
            "W15000001,01/01/2024,30/06/2024,10,,",
            "W15000001,01/07/2024,31/12/2024,11,,",
            "W15000001,01/01/2024,31/12/2024,21,,",
            "W15000001,01/01/2017,31/12/2017,200,,",
        ).encode(),
        "period-end-before-start.csv": raw_lines(
            ",".join(HEADER),
            "W15000001,04/09/2024,05/03/2024,10,,",  # ends before it starts
            "W15000001,2024-03-05,2024-03-05,11,,",  # ends the day it starts: a one-day period
        ).encode(),
        # --- More bad files -----------------------------------------------------------------------
        # 0x81 is undefined in Windows-1252 and not UTF-8: no encoding we read fits.
        "bad-encoding.csv": raw_lines(",".join(HEADER)).encode()
        + b"W15000001,05/03/2024,04/09/2024,10,Caf\x81,\r\n",
        "empty-cells.csv": raw_lines(
            ",".join(HEADER),
            ",05/03/2024,04/09/2024,10,,",
            "W15000001,,04/09/2024,11,,",
            "W15000001,05/09/2024,04/03/2025,,,",
        ).encode(),
        "unknown-metric.csv": raw_lines(
            ",".join([*HEADER, "metric"]), "W15000001,05/03/2024,04/09/2024,10,,,no-such-metric"
        ).encode(),
        # The quote before "Checked" is never closed: without care the next row would be read
        # into this notes cell and the file would import one row instead of two.
        "unclosed-quote.csv": raw_lines(
            ",".join(HEADER),
            'W15000001,05/03/2024,04/09/2024,10,Helpline,"Checked',
            "W15000001,05/09/2024,04/03/2025,11,Helpline,",
        ).encode(),
        "not-a-spreadsheet.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n",
        "xlsx-named.csv": good,
    }
    return files


def main() -> None:
    for name, data in corpus().items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    import sys

    if "--libreoffice" in sys.argv:
        make_formula_results()
        make_ods()
    else:
        main()
