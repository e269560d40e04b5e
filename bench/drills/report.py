"""Each drill writes its own section of docs/drills.md, between its own markers, so running one
drill leaves the others' last results as they were."""

import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
DRILLS_DOC = BASE_DIR / "docs" / "drills.md"


def write_section(name: str, section: str) -> None:
    """Put `section` (Markdown) between drill `name`'s markers, adding them at the end the
    first time."""
    start = f"<!-- drill:{name}:start (written by bench/drills/) -->"
    end = f"<!-- drill:{name}:end -->"
    text = DRILLS_DOC.read_text()
    block = f"{start}\n{section.strip()}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _old, after = rest.split(end, 1)
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    DRILLS_DOC.write_text(text)


def check_lines(checks: dict[str, bool]) -> list[str]:
    """One Markdown line per check, ticked or marked failed."""
    return [f"- {'✓' if passed else '✗ FAILED:'} {check}" for check, passed in checks.items()]


def publish(name: str, section: str, ok: bool, detail: object = None) -> None:
    """Write drill `name`'s section and print it; exit 1 (printing `detail`) unless it passed."""
    write_section(name, section)
    print(section)
    if not ok:
        if detail is not None:
            print(detail)
        sys.exit(1)
