"""Formula injection: text a spreadsheet would run as a formula, refused on import and escaped on
export (CSV injection, OWASP)."""

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Google Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def formula_start(raw: str) -> str | None:
    """The character that would make a spreadsheet run the text, before or after trimming
    (' =HYPERLINK(…)' is stored trimmed), or None."""
    if raw.startswith(FORMULA_PREFIXES):
        return raw[0]
    stripped = raw.strip()
    if stripped.startswith(FORMULA_PREFIXES):
        return stripped[0]
    return None


def escape_formula(value):
    """For exports: text a spreadsheet would run as a formula gets a leading apostrophe,
    which spreadsheets read as "this is text". Anything else is returned as it is."""
    # A lone '-' (the usual mark for nothing) runs nothing, and the import takes it as text.
    if isinstance(value, str) and value.strip() != "-" and formula_start(value) is not None:
        return "'" + value
    return value


def unescape_formula(raw: str) -> str | None:
    """The text an export escaped (an apostrophe before what a spreadsheet would run), or None
    when the text is not such an escape: "'-5% on last year" reads as "-5% on last year"."""
    if raw.startswith("'") and formula_start(raw[1:]) is not None:
        return raw[1:]
    return None
