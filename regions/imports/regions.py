"""Importing regions: codes, names, kinds and the groupings each belongs to, all or nothing.

A row is the region with that GSS code; a row without one (a custom grouping) is the region
with that slug (the slug column, or the name made into a slug). The groupings column, when
present, states every grouping a region belongs to: its codes or slugs separated by ';'.
They may name regions created by the same file.
"""

import re
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from regions.imports import cells
from regions.imports.core import (
    FIRST_DATA_ROW,
    SAMPLE_SIZE,
    ChangeSample,
    RowError,
    WriteProblems,
    match_columns,
    stray_cell_problems,
)
from regions.imports.reading import Table
from regions.imports.resources import AllOrNothingResource
from regions.models import GSS_CODE_PATTERN, ImportBatch, Region
from regions.permissions import organisation_of
from regions.selectors import grouping_edges
from regions.validators import validate_population_year

REQUIRED_COLUMNS = ["gss_code", "name", "kind"]
OPTIONAL_COLUMNS = [
    "police_uk_id",
    "groupings",
    "slug",
    "population",
    "population_year",
    "population_source",
]
POPULATION_COLUMNS = ("population", "population_year", "population_source")
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


@dataclass
class PlannedRegion:
    row: int
    values: dict
    groupings: list[str] | None
    existing: Region | None = None


@dataclass
class RegionsPlan:
    problems: list[RowError] = field(default_factory=list)
    rows: list[PlannedRegion] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    new_sample: list[ChangeSample] = field(default_factory=list)
    changed_sample: list[ChangeSample] = field(default_factory=list)


def _kind(cell) -> str:
    raw = cells.text(cell)
    kind = _KINDS.get(raw.lower().replace("-", " ").strip())
    if kind is None:
        raise cells.CellError(
            _("'%(value)s' is not a kind of region. Use one of: %(kinds)s.")
            % {"value": raw, "kinds": ", ".join(k.value for k in Region.Kind)}
        )
    return kind


def _gss_code(cell) -> str | None:
    code = cells.text(cell).upper()
    if not code:
        return None
    if not re.match(GSS_CODE_PATTERN, code):
        raise cells.CellError(
            _("'%(value)s' is not a GSS code: a capital E, W, S or N and eight digits.")
            % {"value": code}
        )
    return code


def _optional_count(cell) -> int | None:
    return None if cells.is_blank(cell) else cells.count(cell)


def _year(cell) -> int | None:
    """A population year, by the region form's rule (so the preview refuses what saving would)."""
    year = _optional_count(cell)
    try:
        validate_population_year(year)
    except ValidationError as error:
        raise cells.CellError(error.messages[0]) from None
    return year


def _slug_cell(max_length: int):
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


def _code_clash(
    code: str, current: Region | None, *, others: dict, in_file: dict, row: int, kind: str
) -> str | None:
    """Why a slug (or police.uk id) cannot be used when it is another region's police.uk id
    (or slug): a statistics file naming it could mean either region."""
    holder = others.get(code)
    if holder is not None and holder is not current:
        where = holder.name
    elif code in in_file and in_file[code] != row:
        where = _("the region on row %(row)s") % {"row": in_file[code]}
    else:
        return None
    what = _("police.uk force id") if kind == "police_uk_id" else _("slug")
    return _(
        "'%(code)s' is the %(what)s of %(where)s; one region's slug may not be another's "
        "police.uk force id, or a file naming '%(code)s' could mean either. Choose another."
    ) % {"code": code, "what": what, "where": where}


def _population_without_year(population: dict, current: Region | None) -> bool:
    """Whether a region would have a population but no year for it, once the file's population
    columns (those it has) are applied to what is stored."""

    def final(name: str):
        if name in population:
            return population[name]
        return getattr(current, name) if current is not None else None

    return final("population") is not None and final("population_year") is None


def plan_regions(table: Table) -> RegionsPlan:
    """Check a regions file and work out what importing it would do; writes nothing."""
    columns = match_columns(table.headers, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS)
    plan = RegionsPlan()
    problems = plan.problems
    problems.extend(stray_cell_problems(table))
    existing = list(Region.objects.prefetch_related("groupings"))
    by_gss = {r.gss_code: r for r in existing if r.gss_code}
    by_slug = {r.slug: r for r in existing}
    by_police = {r.police_uk_id: r for r in existing if r.police_uk_id}

    def cell(row: tuple, name: str):
        position = columns.index.get(name)
        return row[position] if position is not None and position < len(row) else None

    seen_keys: dict[str, int] = {}
    seen_slugs: dict[str, int] = {}
    seen_police: dict[str, int] = {}
    file_keys: set[str] = set()  # every code of a region in the file, even one with problems
    grouping_lists: list[tuple[int, list[str]]] = []  # each row's groupings, when they read

    def slug_problem(slug: str, current: Region | None, number: int) -> RowError | None:
        """Why a row's slug cannot be used, if it cannot: another row's, or another region's
        slug or police.uk force id."""
        column = "slug" if "slug" in columns else "name"
        if slug in seen_slugs:
            return RowError(
                number,
                column,
                _(
                    "the web address '%(slug)s' is also that of row %(first)s; each region "
                    "needs its own. Give one of them a different slug."
                )
                % {"slug": slug, "first": seen_slugs[slug]},
            )
        seen_slugs[slug] = number
        # Another region's slug first: when a region's slug is also its own police.uk id
        # (cheshire), the slug is what clashes.
        owner = by_slug.get(slug)
        if owner is not None and owner is not current:
            named = owner.name if not owner.gss_code else f"{owner.name} ({owner.gss_code})"
            return RowError(
                number,
                column,
                _("the slug '%(slug)s' is already used by %(region)s; choose another.")
                % {"slug": slug, "region": named},
            )
        clash = _code_clash(
            slug, current, others=by_police, in_file=seen_police, row=number, kind="police_uk_id"
        )
        if clash:
            return RowError(number, column, clash)
        return None

    for index, row in enumerate(table.rows):
        if all(cells.is_blank(value) for value in row):
            continue
        number = index + FIRST_DATA_ROW
        row_problems: list[RowError] = []

        def read(name: str, parse, row=row, number=number, row_problems=row_problems):
            try:
                return cells.parse_cell(parse, cell(row, name))
            except cells.CellError as error:
                row_problems.append(RowError(number, name, str(error)))
                return None

        name = read("name", lambda c: cells.text(c, max_length=NAME_MAX_LENGTH))
        if name == "":
            row_problems.append(RowError(number, "name", _("is empty; every region needs a name.")))
        kind = read("kind", _kind)
        gss_code = read("gss_code", _gss_code)
        police_uk_id = read("police_uk_id", _slug_cell(POLICE_UK_ID_MAX_LENGTH))
        slug = read("slug", _slug_cell(SLUG_MAX_LENGTH))
        # Only the population columns the file has: one it leaves out keeps what is stored.
        population = {}
        if "population" in columns:
            population["population"] = read("population", _optional_count)
        if "population_year" in columns:
            population["population_year"] = read("population_year", _year)
        if "population_source" in columns:
            population["population_source"] = read(
                "population_source",
                lambda c: cells.text(c, max_length=POPULATION_SOURCE_MAX_LENGTH),
            )
        if "population" in population and population["population"] is None:
            # A population emptied takes its year and source with it (unless the file gives
            # them): a year and source for no figure would be left describing nothing.
            population.setdefault("population_year", None)
            population.setdefault("population_source", "")
        groupings = None
        if "groupings" in columns:
            text = read("groupings", cells.text)
            groupings = [part.strip() for part in (text or "").split(";") if part.strip()]
            if text is not None:
                grouping_lists.append((number, groupings))
        # A problem in one cell does not hide the others: every check whose cells read is made
        # (which region the row is, duplicates, codes, groupings), so that the whole file can
        # be fixed in one go. Only rows with no problem at all are planned.
        bad = {problem.column for problem in row_problems}
        problems.extend(row_problems)
        if slug is None and "slug" not in bad and "name" not in bad:
            derived_slug = slugify(name)[:SLUG_MAX_LENGTH]
        else:
            derived_slug = slug
        file_keys.update(key for key in (gss_code, derived_slug, police_uk_id) if key)
        if "gss_code" in bad or (not gss_code and derived_slug is None):
            continue  # which region the row is cannot be told

        current = by_gss.get(gss_code) if gss_code else None
        if not gss_code:
            current = by_slug.get(derived_slug)
            if current is not None and current.gss_code:
                problems.append(
                    RowError(
                        number,
                        "gss_code",
                        _(
                            "is empty, but '%(slug)s' is %(region)s, whose GSS code is %(code)s. "
                            "Give that code, or a different slug for a new grouping."
                        )
                        % {"slug": current.slug, "region": current.name, "code": current.gss_code},
                    )
                )
                continue
        if {"population", "population_year"}.isdisjoint(bad) and _population_without_year(
            population, current
        ):
            row_problems.append(
                RowError(number, "population_year", _("is needed with a population."))
            )
            problems.append(row_problems[-1])
        if slug is None and "slug" not in bad:
            slug = current.slug if current else derived_slug
        if slug == "":
            problems.append(
                RowError(number, "name", _("cannot be made into a web address; add a slug column."))
            )
            continue
        key = gss_code or slug
        if key in seen_keys:
            problems.append(
                RowError(
                    number,
                    "gss_code" if gss_code else "slug",
                    _("'%(key)s' is also on row %(first)s; each region may appear once.")
                    % {"key": key, "first": seen_keys[key]},
                )
            )
            continue
        seen_keys[key] = number
        if slug is not None:
            problem = slug_problem(slug, current, number)
            if problem is not None:
                problems.append(problem)
                continue
        if police_uk_id and "police_uk_id" in columns and "police_uk_id" not in bad:
            holder = by_police.get(police_uk_id)
            if (holder is not None and holder is not current) or police_uk_id in seen_police:
                where = (
                    holder.name
                    if holder is not None and holder is not current
                    else _("row %(row)s") % {"row": seen_police[police_uk_id]}
                )
                problems.append(
                    RowError(
                        number,
                        "police_uk_id",
                        _("'%(value)s' is already used by %(where)s.")
                        % {"value": police_uk_id, "where": where},
                    )
                )
                continue
            clash = _code_clash(
                police_uk_id, current, others=by_slug, in_file=seen_slugs, row=number, kind="slug"
            )
            if clash:
                problems.append(RowError(number, "police_uk_id", clash))
                continue
            seen_police[police_uk_id] = number
        if row_problems:
            continue
        # A column the file leaves out keeps the stored value (a new region gets the default).
        values = {"name": name, "kind": kind, "gss_code": gss_code, "slug": slug}
        if "police_uk_id" in columns:
            values["police_uk_id"] = police_uk_id
        values.update(population)
        plan.rows.append(PlannedRegion(number, values, groupings, current))

    # Every grouping named must exist, here or in the file, whatever else is wrong with a row.
    known = file_keys | by_gss.keys() | by_slug.keys() | by_police.keys()
    for number, codes in grouping_lists:
        for code in codes:
            if _grouping_key(code) not in known:
                problems.append(
                    RowError(
                        number,
                        "groupings",
                        _("'%(code)s' is not a known region (nor one in this file).")
                        % {"code": code},
                    )
                )
    _check_groupings(plan, by_gss, by_slug, by_police)
    if problems:
        return plan
    _classify(plan)
    return plan


def _grouping_key(code: str) -> str:
    return code.upper() if re.match(GSS_CODE_PATTERN, code.upper()) else code.lower()


def _check_groupings(plan: RegionsPlan, by_gss, by_slug, by_police) -> None:
    in_file = {}
    for planned in plan.rows:
        values = planned.values
        for key in (values["gss_code"], values["slug"], values.get("police_uk_id")):
            if key:
                in_file[key] = planned

    def node(region: PlannedRegion | Region) -> int | tuple[str, int]:
        """A region in the grouping graph: its id, or for a new region its row."""
        if isinstance(region, PlannedRegion):
            return region.existing.pk if region.existing is not None else ("row", region.row)
        return region.pk

    def name(region: PlannedRegion | Region) -> str:
        return region.values["name"] if isinstance(region, PlannedRegion) else region.name

    # The stored grouping edges (one query), less those of the regions whose groupings the
    # file states: the file's rows replace them. Then the file's edges are added row by row,
    # each refused when it would close a loop.
    restated = {node(planned) for planned in plan.rows if planned.groupings is not None}
    members: dict = {}
    for grouping_id, member_id in grouping_edges():
        if member_id not in restated:
            members.setdefault(grouping_id, set()).add(member_id)

    def inside(region, found) -> bool:
        """Whether `found` is inside `region`, at any depth."""
        seen, frontier = {region}, [region]
        while frontier:
            for member in members.get(frontier.pop(), ()):
                if member == found:
                    return True
                if member not in seen:
                    seen.add(member)
                    frontier.append(member)
        return False

    for planned in plan.rows:
        for code in planned.groupings or []:
            key = _grouping_key(code)
            target = in_file.get(key) or by_gss.get(key) or by_slug.get(key) or by_police.get(key)
            if target is None:
                continue  # unknown (said already), or a row of the file that has problems
            if target is planned or (planned.existing is not None and target is planned.existing):
                plan.problems.append(
                    RowError(
                        planned.row,
                        "groupings",
                        _("a region cannot be a grouping of itself ('%(code)s').") % {"code": code},
                    )
                )
            elif inside(node(planned), node(target)):
                plan.problems.append(
                    RowError(
                        planned.row,
                        "groupings",
                        _(
                            "%(grouping)s is already inside %(region)s, so %(region)s cannot be "
                            "part of it: that would make a loop."
                        )
                        % {"grouping": name(target), "region": name(planned)},
                    )
                )
            else:
                members.setdefault(node(target), set()).add(node(planned))


def _names(region: Region) -> set[str]:
    """Every code a file may use for a region."""
    return {key for key in (region.gss_code, region.slug, region.police_uk_id) if key}


def _same_groupings(current: Region, wanted: set[str]) -> bool:
    """Whether the codes in a file name exactly the groupings a region already has."""
    groupings = list(current.groupings.all())
    return len(groupings) == len(wanted) and all(_names(g) & wanted for g in groupings)


def _classify(plan: RegionsPlan) -> None:
    for planned in plan.rows:
        values = planned.values
        described = f"{values['name']} ({values['gss_code'] or values['slug']})"
        current = planned.existing
        if current is None:
            plan.created += 1
            if len(plan.new_sample) < SAMPLE_SIZE:
                plan.new_sample.append(ChangeSample(planned.row, described, "", values["kind"]))
            continue
        wanted = None if planned.groupings is None else set(map(_grouping_key, planned.groupings))
        same_fields = all(getattr(current, name) == value for name, value in values.items())
        same_groupings = wanted is None or _same_groupings(current, wanted)
        if same_fields and same_groupings:
            plan.unchanged += 1
            continue
        plan.updated += 1
        if len(plan.changed_sample) < SAMPLE_SIZE:
            before, after = [], []
            for name, value in values.items():
                if getattr(current, name) != value:
                    before.append(f"{name}: {_shown(name, getattr(current, name))}")
                    after.append(f"{name}: {_shown(name, value)}")
            if not same_groupings:
                stored = "; ".join(sorted(g.name for g in current.groupings.all()))
                before.append(f"groupings: {stored or _('(empty)')}")
                after.append(f"groupings: {'; '.join(planned.groupings) or _('(empty)')}")
            plan.changed_sample.append(
                ChangeSample(planned.row, described, " · ".join(before), " · ".join(after))
            )


def _shown(name: str, value) -> str:
    """A field's value for the preview: '(empty)' for nothing, a population with commas."""
    if value is None or value == "":
        return _("(empty)")
    if name == "population":
        return f"{value:,}"
    return str(value)


def _row_errors(row: int, error: ValidationError) -> list[RowError]:
    if not hasattr(error, "error_dict"):
        return [RowError(row, "", message) for message in error.messages]
    return [
        RowError(row, "" if name == NON_FIELD_ERRORS else name, message)
        for name, messages in error.message_dict.items()
        for message in messages
    ]


def regions_write(
    plan: RegionsPlan, *, user: AbstractBaseUser | None, file_name: str, checksum: str
) -> ImportBatch:
    """Write a checked regions plan in one transaction, recorded as one ImportBatch."""
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind=ImportBatch.Kind.REGIONS,
            user=user,
            organisation=organisation_of(user) if user is not None else None,
            file_name=file_name[:255],
            checksum=checksum,
            rows_created=plan.created,
            rows_updated=plan.updated,
            rows_unchanged=plan.unchanged,
        )
        saved: list[tuple[PlannedRegion, Region]] = []
        problems: list[RowError] = []
        for planned in plan.rows:
            region = planned.existing or Region()
            if planned.existing is None or any(
                getattr(region, name) != value for name, value in planned.values.items()
            ):
                for name, value in planned.values.items():
                    setattr(region, name, value)
                try:
                    region.full_clean(exclude=["groupings"])
                except ValidationError as error:
                    # Checked at planning, so this means the database changed since (or a
                    # rule planning does not know): say so by row, never as a server error.
                    problems.extend(_row_errors(planned.row, error))
                    continue
                if not problems:
                    region.save()
            saved.append((planned, region))
        if problems:
            raise WriteProblems(problems)  # leaving the transaction undoes every row
        lookup: dict[str, Region] = {}
        for region in Region.objects.all():
            for key in _names(region):
                lookup.setdefault(key, region)
        for planned, region in saved:
            if planned.groupings is None:
                continue
            wanted = [lookup[_grouping_key(code)] for code in planned.groupings]
            if {g.pk for g in wanted} != set(region.groupings.values_list("pk", flat=True)):
                region.groupings.set(wanted)
    return batch


class RegionResource(AllOrNothingResource):
    """Regions in the partner file format; import is all-or-nothing, for campaign managers."""

    class Meta:
        model = Region
        fields = ("gss_code", "name", "kind", "police_uk_id", "slug", *POPULATION_COLUMNS)
        import_id_fields = ()
        name = _("Regions (gss_code, name, kind, police_uk_id, groupings, slug)")

    required_columns = REQUIRED_COLUMNS
    optional_columns = OPTIONAL_COLUMNS

    def plan(self, table: Table, *, user: AbstractBaseUser | None, **kwargs) -> RegionsPlan:
        return plan_regions(table)

    def write(self, plan: RegionsPlan, *, user, file_name: str, checksum: str, **kwargs):
        return regions_write(plan, user=user, file_name=file_name, checksum=checksum)
