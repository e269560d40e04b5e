"""Each drill writes its own section of docs/drills.md, between its own markers, so running one
drill leaves the others' last results as they were."""

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
