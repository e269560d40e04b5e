"""The committed Welsh catalogue is the one its source compiles to: a fresh machine runs the site
from the .mo without GNU gettext, and an edit to the .po not compiled (`make messages`) fails
here."""

from core.management.commands.compilecatalogues import catalogues, compiled


def test_there_is_a_welsh_catalogue():
    assert [po.parent.parent.name for po in catalogues()] == ["cy"]


def test_each_compiled_catalogue_matches_its_source():
    for po_path in catalogues():
        mo_path = po_path.with_suffix(".mo")
        assert mo_path.exists(), f"{mo_path} is missing: run make messages"
        assert mo_path.read_bytes() == compiled(po_path), (
            f"{mo_path} is not what {po_path.name} compiles to: run make messages"
        )
