"""The XLSX reader extends openpyxl's internal sheet parser: an openpyxl upgrade that changes it
must fail here, loudly, rather than misread partners' workbooks in production."""

import inspect

import openpyxl
from openpyxl.worksheet import _reader

from regions.imports.reading.xlsx import OPENPYXL_PARSER_CHECKED


def test_openpyxl_is_the_release_the_parser_was_checked_against():
    assert openpyxl.__version__ == OPENPYXL_PARSER_CHECKED, (
        f"openpyxl {openpyxl.__version__} is installed, but regions/imports/reading/xlsx.py "
        f"extends the internal WorkSheetParser of openpyxl {OPENPYXL_PARSER_CHECKED}. Read "
        "openpyxl/worksheet/_reader.py of the new release: parse_row, parse_cell, the "
        "constructor, row_dimensions and source must still work as _results_parser uses them. "
        "Run the XLSX tests, then update OPENPYXL_PARSER_CHECKED."
    )


def test_the_internal_parser_has_what_the_reader_uses():
    parser = _reader.WorkSheetParser
    assert {"src", "shared_strings", "data_only", "epoch", "date_formats", "timedelta_formats"} <= (
        set(inspect.signature(parser.__init__).parameters)
    )
    assert list(inspect.signature(parser.parse_row).parameters) == ["self", "row"]
    assert list(inspect.signature(parser.parse_cell).parameters) == ["self", "element"]
    assert inspect.isgeneratorfunction(parser.parse)
    assert _reader.FORMULA_TAG.endswith("}f") and _reader.VALUE_TAG.endswith("}v")
