"""Reading one cell: text, a date or a count, with a plain-words reason when it cannot be read.

Every parser raises CellError with a message that completes "Row 7, value: ...".
"""

import datetime
import re

from django.utils import dateformat
from django.utils.translation import gettext as _

from core.spreadsheets import formula_start, unescape_formula
from core.text import one_kind_of_line_break, visible
from regions.imports.reading.csvfile import DecimalCommaText
from regions.imports.reading.table import CellValue
from regions.imports.reading.xlsx import PlaceholderResult, UnsavedFormula

BIGINT_MAX = 2**63 - 1

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_FIRST_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
_WHOLE_NUMBER = re.compile(r"^\d+$")
# Commas only between groups of three digits: 1,234 and 12,345,678, never 1,2,3.
_GROUPED_NUMBER = re.compile(r"^\d{1,3}(,\d{3})+$")
_NEGATIVE_NUMBER = re.compile(r"^-\s*\d[\d,]*(\.\d+)?$")
# One comma: in a semicolon-separated file, a decimal comma (139,0) or perhaps thousands (1,000).
_DECIMAL_COMMA_NUMBER = re.compile(r"^\d+,\d+$")
# A decimal point after plain or correctly grouped digits: 139.0, 1,747.00.
_DECIMAL_NUMBER = re.compile(r"^(\d+|\d{1,3}(,\d{3})+)\.\d+$")
# 1.000, 12.500, 1.000.000: dots between thousands as much of Europe writes them, or (one
# dot) a decimal with three places; which one cannot be told, so it is never guessed.
_DOTTED_THOUSANDS = re.compile(r"^[1-9]\d{0,2}(\.\d{3})+$")


class CellError(ValueError):
    """A cell's content is not acceptable; str(error) says why, in plain words."""


def parse_cell(parse, cell: CellValue):
    """parse(cell), where any failure to read the cell is a CellError, never a crash. A formula
    cell whose result the file does not truly hold is refused, whatever the column."""
    if isinstance(cell, PlaceholderResult):
        # Opening and saving again in LibreOffice keeps the placeholder (it does not
        # recalculate on opening, so pasting values there before recalculating keeps it too).
        raise CellError(
            _(
                "this cell is a formula, and the file holds only a placeholder (such as 0) for "
                "its result: the program that wrote the file left it to be worked out when the "
                "file is opened. Recalculate (Ctrl+Shift+F9 in LibreOffice, Calculate Now (F9) "
                "in Excel) and save, or, once the sheet shows the right figures, paste the "
                "column as values (Paste Special → Values); then import the file again."
            )
        )
    if isinstance(cell, UnsavedFormula):
        raise CellError(
            _(
                "this cell is a formula with no saved result; open the file in Excel or "
                "LibreOffice and save it again, or paste the column as values."
            )
        )
    try:
        return parse(cell)
    except CellError:
        raise
    except (ValueError, TypeError, ArithmeticError):
        shown = _quote(cell) if isinstance(cell, str) else _("This cell")
        raise CellError(
            _("%(value)s could not be read; check that it holds what the column is for.")
            % {"value": shown}
        ) from None


def is_blank(cell: CellValue) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


def check_not_formula(raw: str) -> None:
    """Refuse text a spreadsheet would run, as written and as it would be stored (trimmed):
    ' =HYPERLINK(…)' is stored as '=HYPERLINK(…)'."""
    first = formula_start(raw)
    if first is not None:
        invisible = {
            "\t": (_("a tab"), _("the tab")),
            "\r": (_("a carriage return"), _("the carriage return")),
        }
        prefix, remove = invisible.get(first, (f"'{first}'", _("the '%(c)s'") % {"c": first}))
        raise CellError(
            _(
                "%(value)s starts with %(prefix)s, so a spreadsheet would treat it as a formula. "
                "Remove %(remove)s (or the formula) and save the file as values."
            )
            % {"value": _quote(raw), "prefix": prefix, "remove": remove}
        )


def _quote(raw: str, limit: int = 40) -> str:
    text = raw.strip()
    return f"'{text[:limit]}…'" if len(text) > limit else f"'{text}'"


def text(cell: CellValue, *, max_length: int | None = None) -> str:
    """The cell as trimmed text ('' for an empty cell), without invisible characters; formulas
    refused (a lone '-', the usual mark for nothing, is text)."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        cell = visible(cell)
        if cell.strip() == "-":
            return "-"
        # An exported cell, escaped so that a spreadsheet shows it as text: read as it was
        # stored, so that re-importing an unedited export changes nothing.
        escaped = unescape_formula(cell)
        if escaped is None:
            check_not_formula(cell)
        else:
            cell = escaped
        value = one_kind_of_line_break(cell.strip())  # as the admin's forms store them
    elif isinstance(cell, bool):
        raise CellError(_("%(value)s is a true/false cell, not text.") % {"value": cell})
    elif isinstance(cell, float) and cell.is_integer():
        value = str(int(cell))
    else:
        value = str(cell)
    if max_length is not None and len(value) > max_length:
        raise CellError(
            _("is %(length)s characters long; at most %(limit)s are allowed.")
            % {"length": f"{len(value):,}", "limit": f"{max_length:,}"}
        )
    return value


def date(cell: CellValue) -> datetime.date:
    """A date from an Excel date cell, ISO 2024-03-05 or UK day-first 05/03/2024."""
    if isinstance(cell, datetime.datetime):
        if _seconds_into_day(cell) >= 1:  # less is a spreadsheet's rounding, not a time
            raise CellError(
                _("the cell holds a time (%(time)s) as well as a date; give the date only.")
                % {"time": _clock(cell.time())}
            )
        return cell.date()
    if isinstance(cell, datetime.date):
        return cell
    if isinstance(cell, datetime.time):
        raise CellError(
            _("the cell holds a time (%(time)s) but no date; a date is required.")
            % {"time": _clock(cell)}
        )
    if is_blank(cell):
        raise CellError(_("is empty; a date is required."))
    if not isinstance(cell, str):
        raise CellError(
            _(
                "%(value)s is a number, not a date. Format the column as dates in Excel, or "
                "write dates as 2024-03-05 or 05/03/2024."
            )
            % {"value": cell}
        )
    cell = visible(cell)
    check_not_formula(cell)
    raw = cell.strip()
    if match := _ISO_DATE.match(raw):
        year, month, day = (int(part) for part in match.groups())
        return _make_date(raw, year, month, day)
    if match := _DAY_FIRST_DATE.match(raw):
        day, month, year_text = match.groups()
        if len(year_text) == 2:
            raise CellError(_two_digit_year(raw, int(day), int(month), year_text))
        return _make_date(raw, int(year_text), int(month), int(day), day_first=True)
    raise CellError(
        _("%(value)s is not a date. Write dates as 2024-03-05 or 05/03/2024 (day first).")
        % {"value": _quote(raw)}
    )


def _two_digit_year(raw: str, day: int, month: int, year_text: str) -> str:
    """Why a date with a two-digit year is refused, with advice in the date's own style: a
    day-first date ('30/06/19') is shown with its year in full ('30/06/2019', the century named
    as an assumption); one that can only be month first is advised year first."""
    year = 2000 + int(year_text)
    try:
        datetime.date(year, month, day)
    except ValueError:
        # Not a day-first date (03/25/24): which part is the day would be a guess.
        return _(
            "%(value)s has a two-digit year; write the date in full, year first "
            "(YYYY-MM-DD), for example 2024-03-05 for 5 March 2024."
        ) % {"value": _quote(raw)}
    in_full = raw[: -len(year_text)] + str(year)
    return _(
        "%(value)s has a two-digit year; write the year in full: %(in_full)s if it means %(year)s."
    ) % {"value": _quote(raw), "in_full": in_full, "year": year}


def _seconds_into_day(moment: datetime.datetime) -> float:
    return moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6


def _clock(time: datetime.time) -> str:
    """23:00, or 23:59:59 when there are seconds."""
    return time.strftime("%H:%M:%S" if time.second else "%H:%M")


def _day_first_parts(cell: CellValue) -> tuple[int, int, str] | None:
    if not isinstance(cell, str):
        return None
    match = _DAY_FIRST_DATE.match(cell.strip())
    if match is None:
        return None
    first, second, year = match.groups()
    return int(first), int(second), year


def is_month_first(cell: CellValue) -> bool:
    """Whether a text date can only be month first (US style): 06/30/2010."""
    parts = _day_first_parts(cell)
    return parts is not None and 1 <= parts[0] <= 12 < parts[1] <= 31


def is_ambiguous_date(cell: CellValue) -> bool:
    """Whether a text date reads as two different real dates, day first or month first:
    04/01/2010 is 4 January or 1 April."""
    parts = _day_first_parts(cell)
    if parts is None or len(parts[2]) != 4:
        return False
    first, second, year = parts
    if first == second or not (1 <= first <= 12 and 1 <= second <= 12):
        return False
    try:
        datetime.date(int(year), first, second)
    except ValueError:
        return False
    return True


def ambiguous_in_us_style_file(cell: str, example: str, example_row: int) -> str:
    """Why an ambiguous date is refused in a file whose other dates are month first."""
    first, second, year = _day_first_parts(cell)
    day_first = datetime.date(int(year), second, first)
    month_first = datetime.date(int(year), first, second)
    return _(
        "%(value)s could be %(day_first)s or %(month_first)s. This file looks US-style (month "
        "first): %(example)s on row %(row)s can only be month first. Write dates year first "
        "(YYYY-MM-DD): %(iso)s if it means %(month_first)s."
    ) % {
        "value": _quote(cell),
        "day_first": _long_date(day_first),
        "month_first": _long_date(month_first),
        "example": _quote(example),
        "row": example_row,
        "iso": month_first.isoformat(),
    }


def _long_date(day: datetime.date) -> str:
    return dateformat.format(day, "j F Y")


def _make_date(raw: str, year: int, month: int, day: int, day_first: bool = False) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        pass
    if day_first and month > 12 and day <= 12:
        try:
            fixed = datetime.date(year, day, month).isoformat()
        except ValueError:
            fixed = None
        if fixed is not None:
            # Year first, not day first: the file's other dates are probably month first
            # too, and a day-first rewrite of just this one would leave them misread.
            raise CellError(
                _(
                    "%(value)s is not a date: dates are read day first (DD/MM/YYYY) and there "
                    "is no month %(month)s. It looks like a US-style date (month first); write "
                    "it year first, as %(fixed)s."
                )
                % {"value": _quote(raw), "month": month, "fixed": fixed}
            )
    raise CellError(_("%(value)s is not a real date.") % {"value": _quote(raw)})


def _whole_number(digits: str, raw: str) -> int:
    """Digits as a number, refusing more digits than any count has before converting them
    (Python refuses to convert thousands of digits at all)."""
    significant = digits.lstrip("0") or "0"
    if len(significant) > len(str(BIGINT_MAX)):
        raise CellError(_("%(value)s is too large to be a count.") % {"value": _quote(raw, 25)})
    return int(significant)


def _dotted_thousands(raw: str) -> str:
    plain = raw.replace(".", "")
    grouped = f"{_whole_number(plain, raw):,}"  # refuses thousands of digits first
    if raw.count(".") > 1:
        return _(
            "%(value)s has dots between its thousands, as much of Europe writes numbers. Write "
            "counts without them, as %(plain)s or %(grouped)s."
        ) % {"value": _quote(raw), "plain": plain, "grouped": grouped}
    decimal = raw.rstrip("0").rstrip(".")
    return _(
        "%(value)s could be %(grouped)s, with a dot between the thousands as much of Europe "
        "writes it, or %(decimal)s, with a decimal point. Write counts without a dot, for "
        "example %(plain)s or %(grouped)s."
    ) % {"value": _quote(raw), "grouped": grouped, "decimal": decimal, "plain": plain}


def _decimal_comma_count(raw: str) -> int:
    """A number with one comma, in a file where the comma may be the decimal mark: 139,0 is 139;
    1,000 could be one thousand or one, so it is refused."""
    whole, fraction = raw.split(",")
    if len(fraction) == 3 and len(whole) <= 3:
        grouped = _whole_number(whole + fraction, raw)
        decimal = f"{whole}.{fraction}".rstrip("0").rstrip(".")
        raise CellError(
            _(
                "%(value)s could be %(grouped)s, with a comma between the thousands, or "
                "%(decimal)s, with a decimal comma as files whose columns are separated by "
                "semicolons write it. Write counts without a comma, for example %(grouped)s."
            )
            % {"value": _quote(raw), "grouped": grouped, "decimal": decimal}
        )
    if fraction.strip("0"):
        raise CellError(
            _(
                "%(value)s is not a whole number (in a file whose columns are separated by "
                "semicolons, the comma is a decimal mark)."
            )
            % {"value": _quote(raw)}
        )
    return _whole_number(whole, raw)


def count(cell: CellValue) -> int:
    """A whole number, 0 or more: '1,747' with commas between thousands, and '139.0' (as some
    systems write whole numbers), are accepted; '1.000' is refused as ambiguous."""
    if isinstance(cell, bool):
        raise CellError(_("%(value)s is a true/false cell, not a number.") % {"value": cell})
    if isinstance(cell, int):
        value = cell
    elif isinstance(cell, float):
        if not cell.is_integer():
            raise CellError(_("%(value)s is not a whole number.") % {"value": cell})
        value = int(cell)
    elif is_blank(cell):
        raise CellError(_("is empty; a whole number (0 or more) is required."))
    elif isinstance(cell, str):
        raw = visible(cell).strip()
        if raw in ("-", "–", "—"):
            raise CellError(
                _("'%(dash)s' gives no figure: leave the row out, or give the number.")
                % {"dash": raw}
            )
        if _WHOLE_NUMBER.match(raw):
            value = _whole_number(raw, raw)
        elif isinstance(cell, DecimalCommaText) and _DECIMAL_COMMA_NUMBER.match(raw):
            value = _decimal_comma_count(raw)
        elif _GROUPED_NUMBER.match(raw):
            value = _whole_number(raw.replace(",", ""), raw)
        elif _NEGATIVE_NUMBER.match(raw):
            raise CellError(
                _("%(value)s is negative; counts are 0 or more.") % {"value": _quote(raw)}
            )
        elif _DOTTED_THOUSANDS.match(raw):
            raise CellError(_dotted_thousands(raw))
        elif _DECIMAL_NUMBER.match(raw):
            whole, fraction = raw.split(".")
            if fraction.strip("0"):
                raise CellError(_("%(value)s is not a whole number.") % {"value": _quote(raw)})
            value = _whole_number(whole.replace(",", ""), raw)
        else:
            check_not_formula(cell)
            raise CellError(_("%(value)s is not a number.") % {"value": _quote(raw)})
    else:
        raise CellError(_("%(value)s is not a number.") % {"value": cell})
    if value < 0:
        raise CellError(_("%(value)s is negative; counts are 0 or more.") % {"value": value})
    if value > BIGINT_MAX:
        raise CellError(
            _("%(value)s is too large to be a count.") % {"value": _quote(str(value), 25)}
        )
    return value
