"""Compile the site's translation catalogues (locale/<language>/LC_MESSAGES/*.po) into the .mo
files Django reads, in Python: the compiled files are committed, so a fresh machine needs no GNU
gettext to run the site, and a test holds each .mo to its .po (tests/test_catalogues.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


def compiled(po_path: Path) -> bytes:
    """The .mo a .po compiles to (its translated, not fuzzy, entries), byte for byte."""
    import polib  # a development tool (requirements-dev.txt): the site reads only the .mo

    return polib.pofile(str(po_path)).to_binary()


def catalogues() -> list[Path]:
    return sorted(
        po for base in settings.LOCALE_PATHS for po in Path(base).glob("*/LC_MESSAGES/*.po")
    )


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po into .mo files, without GNU gettext."

    def handle(self, *args, **options) -> None:
        for po_path in catalogues():
            po_path.with_suffix(".mo").write_bytes(compiled(po_path))
            self.stdout.write(f"Compiled {po_path.relative_to(settings.BASE_DIR)}")
