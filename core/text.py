"""Plain-text helpers shared by forms, imports and exports."""

# Characters that show as nothing (zero-width spaces and joiners, word joiner, a stray byte order
# mark) and the no-break space, which copying from web pages, Word and spreadsheets leaves in
# text. One set, used everywhere text is read from a person or a file.
INVISIBLE_CHARACTERS = "\u200b\u200c\u200d\u2060\ufeff"
NO_BREAK_SPACE = "\u00a0"
_VISIBLE = str.maketrans({**dict.fromkeys(INVISIBLE_CHARACTERS), NO_BREAK_SPACE: " "})


def visible(text: str) -> str:
    """The text without characters a reader cannot see (a no-break space becomes a space)."""
    return text.translate(_VISIBLE)


def trimmed(text: str) -> str:
    """The text as a reader sees it, without spaces or invisible characters at either end: what
    a code pasted from a web page or a document is meant to be."""
    return visible(text).strip()


def one_kind_of_line_break(text: str) -> str:
    """Line breaks stored one way ('\n'), whether typed in a browser ('\r\n'), on an old Mac
    ('\r') or given back by a spreadsheet, so the same text always compares equal."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
