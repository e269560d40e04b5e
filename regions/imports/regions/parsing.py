"""Reading a regions file's cells: kinds, GSS codes, slugs, counts and years."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from regions.imports import cells
from regions.models import GSS_CODE_PATTERN, Region
from regions.validators import validate_population_year

NAME_MAX_LENGTH = Region._meta.get_field("name").max_length
SLUG_MAX_LENGTH = Region._meta.get_field("slug").max_length
POLICE_UK_ID_MAX_LENGTH = Region._meta.get_field("police_uk_id").max_length
POPULATION_SOURCE_MAX_LENGTH = Region._meta.get_field("population_source").max_length
_SLUG = re.compile(r"^[-a-z0-9_]+$")
_KINDS = {
    **{kind.value: kind.value for kind in Region.Kind},
    **{str(kind.label).lower(): kind.value for kind in Region.Kind},
    **{kind.value.replace("_", " "): kind.value for kind in Region.Kind},
}


def kind(cell) -> str:
    raw = cells.text(cell)
    kind = _KINDS.get(raw.lower().replace("-", " ").strip())
    if kind is None:
        raise cells.CellError(
            _("'%(value)s' is not a kind of region. Use one of: %(kinds)s.")
            % {"value": raw, "kinds": ", ".join(k.value for k in Region.Kind)}
        )
    return kind


def gss_code(cell) -> str | None:
    code = cells.text(cell).upper()
    if not code:
        return None
    if not re.match(GSS_CODE_PATTERN, code):
        raise cells.CellError(
            _("'%(value)s' is not a GSS code: a capital E, W, S or N and eight digits.")
            % {"value": code}
        )
    return code


def optional_count(cell) -> int | None:
    return None if cells.is_blank(cell) else cells.count(cell)


def population_year(cell) -> int | None:
    """A population year, by the region form's rule (so the preview refuses what saving would)."""
    year = optional_count(cell)
    try:
        validate_population_year(year)
    except ValidationError as error:
        raise cells.CellError(error.messages[0]) from None
    return year


def slug_cell(max_length: int):
    def parse(cell) -> str | None:
        value = cells.text(cell, max_length=max_length).lower()
        if not value:
            return None
        if not _SLUG.match(value):
            raise cells.CellError(
                _(
                    "'%(value)s' may contain only lower-case letters, digits, hyphens and "
                    "underscores."
                )
                % {"value": value}
            )
        return value

    return parse


def grouping_key(code: str) -> str:
    """A code as regions are looked up by it: GSS codes in capitals, slugs and ids in lower case."""
    return code.upper() if re.match(GSS_CODE_PATTERN, code.upper()) else code.lower()
