"""Checking a regions file, one named step at a time (RegionsPlanner)."""

from dataclasses import dataclass, field

from django.utils.text import slugify
from django.utils.translation import gettext as _

from regions.graph import GroupingGraph
from regions.imports import cells
from regions.imports.columns import match_columns, stray_cell_problems
from regions.imports.reading import Table
from regions.imports.reading.table import FIRST_DATA_ROW, CellValue
from regions.imports.regions import parsing
from regions.imports.regions.parsing import (
    NAME_MAX_LENGTH,
    POLICE_UK_ID_MAX_LENGTH,
    POPULATION_SOURCE_MAX_LENGTH,
    SLUG_MAX_LENGTH,
    grouping_key,
)
from regions.imports.regions.plan import PlannedRegion, RegionsPlan
from regions.imports.regions.writer import region_codes
from regions.imports.results import SAMPLE_SIZE, ChangeSample, RowError
from regions.models import Region


@dataclass
class RegionRow:
    """One row's cells as read (None where a cell did not read), and what was wrong."""

    number: int
    name: str | None = None
    name_cy: str | None = None  # only read when the file has the column
    kind: str | None = None
    gss_code: str | None = None
    police_uk_id: str | None = None
    slug: str | None = None
    # Only the population columns the file has: one it leaves out keeps what is stored.
    population: dict = field(default_factory=dict)
    groupings: list[str] | None = None  # None: the file has no groupings column
    problems: list[RowError] = field(default_factory=list)

    @property
    def bad(self) -> set[str]:
        """The columns whose cells did not read."""
        return {problem.column for problem in self.problems}


class RegionsPlanner:
    """Checks a whole regions file and works out what importing it would do; writes nothing.

    A row is the region with its GSS code; a row without one (a custom grouping) is the region
    with its slug (the slug column, or the name made into a slug). `plan()` runs the steps:

    1. the columns (on creation: a file whose columns are wrong raises FileErrors);
    2. for each row, `read_row` (every cell), `identify` (which region it is, new or stored),
       then its population, its slug and its police.uk id against every other region's and
       row's (`slug_problem`, `police_id_problem`); only rows with no problem are planned;
    3. `check_named_groupings`: every grouping a row names exists, here or in the file;
    4. `check_grouping_loops`: no region becomes a grouping of itself, or inside its own member;
    5. `classify`: for a file without problems, each region new, changed or unchanged.

    A problem in one cell hides no other: every check whose cells read is made, so that the
    whole file can be fixed in one go.
    """

    def __init__(self, table: Table, *, required: list[str], optional: list[str]) -> None:
        self.table = table
        self.columns = match_columns(
            table.headers, required=required, optional=optional, rows=table.rows
        )
        self.result = RegionsPlan()
        self.problems = self.result.problems
        existing = list(Region.objects.prefetch_related("groupings"))
        self.by_gss = {r.gss_code: r for r in existing if r.gss_code}
        self.by_slug = {r.slug: r for r in existing}
        self.by_police = {r.police_uk_id: r for r in existing if r.police_uk_id}
        # What the rows so far have claimed: key (GSS code or slug), slugs, police.uk ids.
        self.seen_keys: dict[str, int] = {}
        self.seen_slugs: dict[str, int] = {}
        self.seen_police: dict[str, int] = {}
        self.file_keys: set[str] = set()  # every code of a region in the file, even a bad one
        self.grouping_lists: list[tuple[int, list[str]]] = []  # each row's groupings that read

    def plan(self) -> RegionsPlan:
        self.problems.extend(stray_cell_problems(self.table))
        for index, cells_of_row in enumerate(self.table.rows):
            if all(cells.is_blank(value) for value in cells_of_row):
                continue
            self.plan_row(self.read_row(index + FIRST_DATA_ROW, cells_of_row))
        self.check_named_groupings()
        self.check_grouping_loops()
        if not self.problems:
            self.classify()
        return self.result

    # --- One row -----------------------------------------------------------------------------

    def read_row(self, number: int, values: tuple[CellValue, ...]) -> RegionRow:
        row = RegionRow(number)

        def read(name: str, parse):
            position = self.columns.index.get(name)
            cell = values[position] if position is not None and position < len(values) else None
            try:
                return cells.parse_cell(parse, cell)
            except cells.CellError as error:
                row.problems.append(RowError(number, name, str(error)))
                return None

        row.name = read("name", lambda c: cells.text(c, max_length=NAME_MAX_LENGTH))
        if row.name == "":
            row.problems.append(RowError(number, "name", _("is empty; every region needs a name.")))
        if "name_cy" in self.columns:
            row.name_cy = read("name_cy", lambda c: cells.text(c, max_length=NAME_MAX_LENGTH))
        row.kind = read("kind", parsing.kind)
        row.gss_code = read("gss_code", parsing.gss_code)
        row.police_uk_id = read("police_uk_id", parsing.slug_cell(POLICE_UK_ID_MAX_LENGTH))
        row.slug = read("slug", parsing.slug_cell(SLUG_MAX_LENGTH))
        population = row.population
        if "population" in self.columns:
            population["population"] = read("population", parsing.optional_count)
        if "population_year" in self.columns:
            population["population_year"] = read("population_year", parsing.population_year)
        if "population_source" in self.columns:
            population["population_source"] = read(
                "population_source",
                lambda c: cells.text(c, max_length=POPULATION_SOURCE_MAX_LENGTH),
            )
        if "population" in population and population["population"] is None:
            # A population emptied takes its year and source with it (unless the file gives
            # them): a year and source for no figure would be left describing nothing.
            population.setdefault("population_year", None)
            population.setdefault("population_source", "")
        if "groupings" in self.columns:
            text = read("groupings", cells.text)
            row.groupings = [part.strip() for part in (text or "").split(";") if part.strip()]
            if text is not None:
                self.grouping_lists.append((number, row.groupings))
        return row

    def plan_row(self, row: RegionRow) -> None:
        """Check a read row against the stored regions and the rows before it; plan it if it
        has no problem."""
        bad = row.bad
        self.problems.extend(row.problems)
        derived_slug = row.slug
        if row.slug is None and "slug" not in bad and "name" not in bad:
            derived_slug = slugify(row.name)[:SLUG_MAX_LENGTH]
        self.file_keys.update(key for key in (row.gss_code, derived_slug, row.police_uk_id) if key)
        if "gss_code" in bad or (not row.gss_code and derived_slug is None):
            return  # which region the row is cannot be told
        found, current = self.identify(row, derived_slug)
        if not found:
            return
        if {"population", "population_year"}.isdisjoint(bad) and population_without_year(
            row.population, current
        ):
            problem = RowError(row.number, "population_year", _("is needed with a population."))
            row.problems.append(problem)
            self.problems.append(problem)
        slug = row.slug
        if slug is None and "slug" not in bad:
            slug = current.slug if current else derived_slug
        if slug == "":
            self.problems.append(
                RowError(
                    row.number, "name", _("cannot be made into a web address; add a slug column.")
                )
            )
            return
        problem = self.key_problem(row, slug)
        if problem is None and slug is not None:
            problem = self.slug_problem(slug, current, row.number)
        if problem is None and "police_uk_id" not in bad:
            problem = self.police_id_problem(row.police_uk_id, current, row.number)
        if problem is not None:
            self.problems.append(problem)
            return
        if row.problems:
            return
        # A column the file leaves out keeps the stored value (a new region gets the default).
        values = {"name": row.name, "kind": row.kind, "gss_code": row.gss_code, "slug": slug}
        if "police_uk_id" in self.columns:
            values["police_uk_id"] = row.police_uk_id
        if "name_cy" in self.columns:
            # An empty cell: no Welsh name, and pages in Welsh show the English one.
            values["name_cy"] = row.name_cy or None
        values.update(row.population)
        self.result.rows.append(PlannedRegion(row.number, values, row.groupings, current))

    def identify(self, row: RegionRow, derived_slug: str | None) -> tuple[bool, Region | None]:
        """Which stored region the row is (None: a new one), by GSS code, else by slug; False
        first when the row cannot be that region."""
        if row.gss_code:
            return True, self.by_gss.get(row.gss_code)
        current = self.by_slug.get(derived_slug)
        if current is not None and current.gss_code:
            self.problems.append(
                RowError(
                    row.number,
                    "gss_code",
                    _(
                        "is empty, but '%(slug)s' is %(region)s, whose GSS code is %(code)s. "
                        "Give that code, or a different slug for a new grouping."
                    )
                    % {"slug": current.slug, "region": current.name, "code": current.gss_code},
                )
            )
            return False, None
        return True, current

    def key_problem(self, row: RegionRow, slug: str | None) -> RowError | None:
        """A region already on an earlier row of the file."""
        key = row.gss_code or slug
        if key in self.seen_keys:
            return RowError(
                row.number,
                "gss_code" if row.gss_code else "slug",
                _("'%(key)s' is also on row %(first)s; each region may appear once.")
                % {"key": key, "first": self.seen_keys[key]},
            )
        self.seen_keys[key] = row.number
        return None

    def slug_problem(self, slug: str, current: Region | None, number: int) -> RowError | None:
        """Why a row's slug cannot be used, if it cannot: another row's, or another region's
        slug or police.uk force id."""
        column = "slug" if "slug" in self.columns else "name"
        if slug in self.seen_slugs:
            return RowError(
                number,
                column,
                _(
                    "the web address '%(slug)s' is also that of row %(first)s; each region "
                    "needs its own. Give one of them a different slug."
                )
                % {"slug": slug, "first": self.seen_slugs[slug]},
            )
        self.seen_slugs[slug] = number
        # Another region's slug first: when a region's slug is also its own police.uk id
        # (cheshire), the slug is what clashes.
        owner = self.by_slug.get(slug)
        if owner is not None and owner is not current:
            named = owner.name if not owner.gss_code else f"{owner.name} ({owner.gss_code})"
            return RowError(
                number,
                column,
                _("the slug '%(slug)s' is already used by %(region)s; choose another.")
                % {"slug": slug, "region": named},
            )
        clash = code_clash(
            slug,
            current,
            others=self.by_police,
            in_file=self.seen_police,
            row=number,
            kind="police_uk_id",
        )
        return RowError(number, column, clash) if clash else None

    def police_id_problem(
        self, police_uk_id: str | None, current: Region | None, number: int
    ) -> RowError | None:
        """Why a row's police.uk force id cannot be used: another region's or row's id, or
        another region's or row's slug."""
        if not police_uk_id or "police_uk_id" not in self.columns:
            return None
        holder = self.by_police.get(police_uk_id)
        if (holder is not None and holder is not current) or police_uk_id in self.seen_police:
            where = (
                holder.name
                if holder is not None and holder is not current
                else _("row %(row)s") % {"row": self.seen_police[police_uk_id]}
            )
            return RowError(
                number,
                "police_uk_id",
                _("'%(value)s' is already used by %(where)s.")
                % {"value": police_uk_id, "where": where},
            )
        clash = code_clash(
            police_uk_id,
            current,
            others=self.by_slug,
            in_file=self.seen_slugs,
            row=number,
            kind="slug",
        )
        if clash:
            return RowError(number, "police_uk_id", clash)
        self.seen_police[police_uk_id] = number
        return None

    # --- Groupings ---------------------------------------------------------------------------

    def check_named_groupings(self) -> None:
        """Every grouping named must exist, here or in the file, whatever else is wrong with a
        row."""
        known = self.file_keys | self.by_gss.keys() | self.by_slug.keys() | self.by_police.keys()
        for number, codes in self.grouping_lists:
            for code in codes:
                if grouping_key(code) not in known:
                    self.problems.append(
                        RowError(
                            number,
                            "groupings",
                            _("'%(code)s' is not a known region (nor one in this file).")
                            % {"code": code},
                        )
                    )

    def check_grouping_loops(self) -> None:
        """The stored groupings, less those of the regions whose groupings the file states (the
        file's rows replace them), with the file's added row by row, each refused when it
        would close a loop."""
        planned_rows = self.result.rows
        in_file: dict[str, PlannedRegion] = {}
        for planned in planned_rows:
            values = planned.values
            for key in (values["gss_code"], values["slug"], values.get("police_uk_id")):
                if key:
                    in_file[key] = planned
        graph = GroupingGraph.load().without_groupings_of(
            node(planned) for planned in planned_rows if planned.groupings is not None
        )
        for planned in planned_rows:
            for code in planned.groupings or []:
                key = grouping_key(code)
                target = (
                    in_file.get(key)
                    or self.by_gss.get(key)
                    or self.by_slug.get(key)
                    or self.by_police.get(key)
                )
                if target is None:
                    continue  # unknown (said already), or a row of the file that has problems
                if target is planned or (
                    planned.existing is not None and target is planned.existing
                ):
                    self.problems.append(
                        RowError(
                            planned.row,
                            "groupings",
                            _("a region cannot be a grouping of itself ('%(code)s').")
                            % {"code": code},
                        )
                    )
                elif graph.makes_loop(node(planned), node(target)):
                    self.problems.append(
                        RowError(
                            planned.row,
                            "groupings",
                            _(
                                "%(grouping)s is already inside %(region)s, so %(region)s cannot "
                                "be part of it: that would make a loop."
                            )
                            % {"grouping": name_of(target), "region": name_of(planned)},
                        )
                    )
                else:
                    graph.add(node(target), node(planned))

    # --- Classifying -------------------------------------------------------------------------

    def classify(self) -> None:
        """Each planned region: new, changed (with what changes) or unchanged."""
        plan = self.result
        for planned in plan.rows:
            values = planned.values
            described = f"{values['name']} ({values['gss_code'] or values['slug']})"
            current = planned.existing
            if current is None:
                plan.created += 1
                if len(plan.new_sample) < SAMPLE_SIZE:
                    plan.new_sample.append(ChangeSample(planned.row, described, "", values["kind"]))
                continue
            wanted = (
                None if planned.groupings is None else set(map(grouping_key, planned.groupings))
            )
            same_fields = all(getattr(current, name) == value for name, value in values.items())
            same_groupings = wanted is None or has_groupings(current, wanted)
            if same_fields and same_groupings:
                plan.unchanged += 1
                continue
            plan.updated += 1
            if len(plan.changed_sample) < SAMPLE_SIZE:
                before, after = [], []
                for name, value in values.items():
                    if getattr(current, name) != value:
                        before.append(f"{name}: {shown(name, getattr(current, name))}")
                        after.append(f"{name}: {shown(name, value)}")
                if not same_groupings:
                    stored = "; ".join(sorted(g.name for g in current.groupings.all()))
                    before.append(f"groupings: {stored or _('(empty)')}")
                    after.append(f"groupings: {'; '.join(planned.groupings) or _('(empty)')}")
                plan.changed_sample.append(
                    ChangeSample(planned.row, described, " · ".join(before), " · ".join(after))
                )


def node(region: PlannedRegion | Region) -> int | tuple[str, int]:
    """A region in the grouping graph: its id, or for a new region its row."""
    if isinstance(region, PlannedRegion):
        return region.existing.pk if region.existing is not None else ("row", region.row)
    return region.pk


def name_of(region: PlannedRegion | Region) -> str:
    return region.values["name"] if isinstance(region, PlannedRegion) else region.name


def has_groupings(current: Region, wanted: set[str]) -> bool:
    """Whether the codes in a file name exactly the groupings a region already has."""
    groupings = list(current.groupings.all())
    return len(groupings) == len(wanted) and all(region_codes(g) & wanted for g in groupings)


def shown(name: str, value) -> str:
    """A field's value for the preview: '(empty)' for nothing, a population with commas."""
    if value is None or value == "":
        return _("(empty)")
    if name == "population":
        return f"{value:,}"
    return str(value)


def code_clash(
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


def population_without_year(population: dict, current: Region | None) -> bool:
    """Whether a region would have a population but no year for it, once the file's population
    columns (those it has) are applied to what is stored."""

    def final(name: str):
        if name in population:
            return population[name]
        return getattr(current, name) if current is not None else None

    return final("population") is not None and final("population_year") is None
