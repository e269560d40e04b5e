"""The one import format partners choose from (CSV, Excel or OpenDocument, told apart by the
file's content), and the OpenDocument export format."""

import hashlib

import tablib
from django.utils.translation import gettext_lazy as _
from import_export.formats.base_formats import ODS, Format

from regions.imports.reading import Table, read_table


class SheetDataset(tablib.Dataset):
    """A tablib Dataset that carries the checked table instead of copying every row into tablib.

    Resources here read `table` directly; the library only needs its length.
    """

    def __init__(self, table: Table, *, checksum: str = "", file_name: str = "") -> None:
        super().__init__(headers=table.headers)
        self.table = table
        self.checksum = checksum
        self.file_name = file_name

    def __len__(self) -> int:
        return len(self.table.rows)

    def __bool__(self) -> bool:
        return bool(self.table.rows)


def dataset_from_bytes(data: bytes, file_name: str | None = None) -> SheetDataset:
    """Read and check an uploaded file (raises FileRejected with a plain message)."""
    table = read_table(data, file_name)
    return SheetDataset(table, checksum=hashlib.sha256(data).hexdigest(), file_name=file_name or "")


def table_from_dataset(dataset: tablib.Dataset) -> Table:
    """A Table from any tablib Dataset, for callers who build one themselves."""
    return Table(
        headers=[str(h) for h in (dataset.headers or [])],
        rows=[tuple(row) for row in dataset],
        file_kind="dataset",
    )


class SpreadsheetFormat(Format):
    """CSV (UTF-8, Windows-1252 or UTF-16), XLSX or ODS, detected from the content."""

    def get_title(self) -> str:
        return str(
            _(
                "CSV, tab-separated text, Excel or OpenDocument spreadsheet "
                "(.csv, .tsv, .txt, .xlsx, .ods)"
            )
        )

    def create_dataset(self, in_stream: bytes, **kwargs) -> SheetDataset:
        return dataset_from_bytes(in_stream)

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def get_extension(self) -> str:
        return "csv"

    def get_content_type(self) -> str:
        return "text/csv"

    @classmethod
    def is_available(cls) -> bool:
        return True

    def can_import(self) -> bool:
        return True

    def can_export(self) -> bool:
        return False


class OpenDocumentExport(ODS):
    """The library's ODS format, as the binary (zip) file it is: the library counts it as text,
    and would try to encode the exported bytes in the admin's text encoding."""

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def can_import(self) -> bool:
        return False  # imports go through SpreadsheetFormat
