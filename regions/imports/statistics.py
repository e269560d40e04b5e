"""Importing statistics: a whole file is checked column by column, then written in one go.

The library's per-row pipeline (instance lookup, widgets, a row result per row) runs about six
queries a row. Here the file is validated in one pass over each column, with each distinct
cell value parsed once, against lookups loaded in a few queries; then new and changed rows are
written with batched upserts inside one transaction. A file with any bad row writes nothing.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, widgets

from regions.figures import period_label
from regions.imports import cells
from regions.imports.core import (
    FIRST_DATA_ROW,
    SAMPLE_SIZE,
    ChangeSample,
    Columns,
    FileErrors,
    RowError,
    match_columns,
    stray_cell_problems,
)
from regions.imports.reading import Table
from regions.imports.resources import AllOrNothingResource
from regions.models import (
    ImportBatch,
    Metric,
    Region,
    Statistic,
    lock_metrics,
    period_holders_text,
)
from regions.permissions import organisation_of, regions_for_user, sees_all_regions

REQUIRED_COLUMNS = ["region_code", "period_start", "period_end", "value"]
OPTIONAL_COLUMNS = ["metric", "source", "notes"]
SOURCE_MAX_LENGTH = Statistic._meta.get_field("source").max_length

Progress = Callable[[str, int], None]


@dataclass(slots=True)
class PlannedRow:
    row: int
    metric_id: int
    region_id: int
    period_start: datetime.date
    period_end: datetime.date
    value: int
    source: str
    notes: str


@dataclass
class StatisticsPlan:
    """A validated file: what it would create and change, or every reason it cannot."""

    problems: list[RowError] = field(default_factory=list)
    new: list[PlannedRow] = field(default_factory=list)
    changed: list[PlannedRow] = field(default_factory=list)
    unchanged: int = 0
    rows: int = 0
    new_sample: list[ChangeSample] = field(default_factory=list)
    changed_sample: list[ChangeSample] = field(default_factory=list)

    @property
    def created(self) -> int:
        return len(self.new)

    @property
    def updated(self) -> int:
        return len(self.changed)


class RegionCodes:
    """Region identifiers as partners write them: GSS code, police.uk id, or a grouping's slug."""

    def __init__(self) -> None:
        self.by_code: dict[str, int] = {}
        # Codes that name more than one region (one's police.uk id is another's slug): never
        # resolved to either.
        self.ambiguous: dict[str, set[int]] = {}
        self.names: dict[int, str] = {}
        self.canonical: dict[int, str] = {}
        self._by_name: dict[str, list[int]] | None = None  # made when first needed
        for pk, name, slug, gss_code, police_uk_id in Region.objects.values_list(
            "pk", "name", "slug", "gss_code", "police_uk_id"
        ):
            self.names[pk] = name
            self.canonical[pk] = gss_code or slug
            if gss_code:
                self._add(gss_code.upper(), pk)
            else:
                self._add(slug.lower(), pk)
            if police_uk_id:
                self._add(police_uk_id.lower(), pk)

    def _add(self, code: str, pk: int) -> None:
        known = self.by_code.setdefault(code, pk)
        if known != pk:
            self.ambiguous.setdefault(code, {known}).add(pk)

    def find(self, code: str) -> int | None:
        return self.by_code.get(code.upper()) or self.by_code.get(code.lower())

    def named(self, text: str) -> list[int]:
        """The regions whose name the text is (ignoring letter case and spaces around it)."""
        if self._by_name is None:
            self._by_name = {}
            for pk, name in self.names.items():
                self._by_name.setdefault(name.strip().casefold(), []).append(pk)
        return sorted(self._by_name.get(text.strip().casefold(), []))

    def regions_named(self, code: str) -> list[str]:
        """The names of the regions a code could mean, when it could mean more than one."""
        pks = self.ambiguous.get(code.upper()) or self.ambiguous.get(code.lower()) or ()
        return sorted(self.names[pk] for pk in pks)


def _parse_column(
    values: list, parse: Callable, column: str, live: list[bool], problems: list[RowError]
) -> list:
    """Parse one column, each distinct cell once; bad cells become problems and None."""
    cache: dict = {}
    parsed: list = [None] * len(values)
    for index, cell in enumerate(values):
        if not live[index]:
            continue
        key = (type(cell), cell)
        outcome = cache.get(key)
        if outcome is None:
            try:
                outcome = (True, cells.parse_cell(parse, cell))
            except cells.CellError as error:
                outcome = (False, str(error))
            cache[key] = outcome
        if outcome[0]:
            parsed[index] = outcome[1]
        else:
            problems.append(RowError(index + FIRST_DATA_ROW, column, outcome[1]))
    return parsed


def _us_style_dates(date_columns: dict[str, list], live: list[bool]) -> list[RowError]:
    """In a file with any date that can only be month first (06/30/2010), every date that
    reads both ways (04/01/2010) is a problem: day first it would be read wrongly."""
    distinct = set()
    for values in date_columns.values():
        distinct.update(value for value in set(values) if isinstance(value, str))
    if not any(cells.is_month_first(value) for value in distinct):
        return []
    example = None
    ambiguous = {value for value in distinct if cells.is_ambiguous_date(value)}
    found: list[tuple[int, str, str]] = []
    for column, values in date_columns.items():
        for index, value in enumerate(values):
            if not live[index] or not isinstance(value, str):
                continue
            if value in ambiguous:
                found.append((index, column, value))
            elif (example is None or index < example[0]) and cells.is_month_first(value):
                example = (index, value)
    if example is None:
        return []
    example_row, example_text = example[0] + FIRST_DATA_ROW, example[1]
    return [
        RowError(
            index + FIRST_DATA_ROW,
            column,
            cells.ambiguous_in_us_style_file(value, example_text, example_row),
        )
        for index, column, value in found
    ]


def _covered_text(codes: RegionCodes, allowed: set[int]) -> str:
    """'It covers W15000001 (North Wales).', naming at most five areas."""
    if not allowed:
        return _("Your organisation covers no regions yet; ask a campaign manager to add them.")
    named = sorted((codes.names[pk], codes.canonical[pk]) for pk in allowed)
    shown = ", ".join(f"{code} ({name})" for name, code in named[:5])
    if len(named) > 5:
        return _("It covers %(shown)s and %(more)s more.") % {
            "shown": shown,
            "more": f"{len(named) - 5:,}",
        }
    return _("It covers %(shown)s.") % {"shown": shown}


class MetricChoice:
    """How the person importing chooses a metric, in the words of where they import."""

    def __init__(self, from_command: bool) -> None:
        if from_command:
            self.how = _("with --metric SLUG")
            self.empty = _("is empty; write the metric's slug, or give --metric.")
            self.chosen = _("chosen with --metric")
        else:
            self.how = _("on the import form")
            self.empty = _("is empty; write the metric's slug, or choose a metric on the form.")
            self.chosen = _("chosen on the form")


def _default_metric(chosen: Metric | None, columns: Columns, choice: MetricChoice) -> Metric | None:
    if chosen is not None:
        return chosen
    metrics = list(Metric.objects.all()[:2])
    if len(metrics) == 1:
        return metrics[0]
    if "metric" not in columns:
        raise FileErrors(
            [
                _(
                    "Choose the metric these figures count %(how)s, or add a 'metric' column "
                    "with a metric's slug on every row."
                )
                % {"how": choice.how}
            ]
        )
    return None


def plan_statistics(
    table: Table,
    *,
    user: AbstractBaseUser | None,
    metric: Metric | None = None,
    progress: Progress | None = None,
    from_command: bool = False,
) -> StatisticsPlan:
    """Check a whole file and work out what importing it would do; writes nothing."""
    columns = match_columns(table.headers, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS)
    choice = MetricChoice(from_command)
    default_metric = _default_metric(metric, columns, choice)
    plan = StatisticsPlan()
    problems = plan.problems
    problems.extend(stray_cell_problems(table))
    rows = table.rows
    live = [any(not cells.is_blank(cell) for cell in row) for row in rows]
    plan.rows = sum(live)

    # Regions: known, and covered by the importer's organisation.
    codes = RegionCodes()
    restricted = user is not None and not sees_all_regions(user)
    allowed = set(regions_for_user(user).values_list("pk", flat=True)) if restricted else None
    covered_text = _covered_text(codes, allowed) if restricted else ""

    def unknown_region(code: str) -> str:
        """Why a code that is no region's is refused; a region's name given instead is named."""
        named = codes.named(code)
        if len(named) > 1:
            return _(
                "%(code)s is the name of more than one region, not a code: use the code of the "
                "one meant (%(codes)s)."
            ) % {"code": code, "codes": ", ".join(codes.canonical[pk] for pk in named)}
        if named and (allowed is None or named[0] in allowed):
            return _("%(code)s is a region's name, not its code: use %(canonical)s.") % {
                "code": code,
                "canonical": codes.canonical[named[0]],
            }
        if named:
            return _(
                "%(code)s is a region's name, not its code, and not a region your organisation "
                "covers. %(covered)s"
            ) % {"code": code, "covered": covered_text}
        if allowed is not None:
            return _(
                "%(code)s is not a known region code. Use the code of a region your "
                "organisation covers. %(covered)s"
            ) % {"code": code, "covered": covered_text}
        return _(
            "%(code)s is not a known region. Use its GSS code (for example W15000001), its "
            "police.uk force id (north-wales) or, for a grouping without a GSS code, its slug."
        ) % {"code": code}

    def parse_region(cell) -> int:
        code = cells.text(cell)
        if not code:
            raise cells.CellError(_("is empty; a region code is required."))
        named = codes.regions_named(code)
        if named:
            raise cells.CellError(
                _(
                    "%(code)s names more than one region (%(regions)s), so which one is meant "
                    "cannot be told. Use the region's GSS code, or ask a campaign manager to "
                    "give one of them another slug."
                )
                % {"code": code, "regions": ", ".join(named)}
            )
        region_id = codes.find(code)
        if region_id is None:
            # Region codes and names are public: saying a code is unknown, or is a name,
            # gives nothing away. A partner is reminded which areas they may name.
            raise cells.CellError(unknown_region(code))
        if allowed is not None and region_id not in allowed:
            raise cells.CellError(
                _("%(code)s is not a region your organisation covers. %(covered)s")
                % {"code": code, "covered": covered_text}
            )
        return region_id

    region_ids = _parse_column(
        columns.values(table, "region_code"), parse_region, "region_code", live, problems
    )

    # Metrics: chosen on the form, or named per row.
    if "metric" in columns:
        slugs = {m.slug.lower(): m.pk for m in Metric.objects.only("pk", "slug")}

        def parse_metric(cell) -> int:
            slug = cells.text(cell)
            if not slug:
                if default_metric is None:
                    raise cells.CellError(choice.empty)
                return default_metric.pk
            metric_id = slugs.get(slug.lower())
            if metric_id is None:
                raise cells.CellError(
                    _("'%(slug)s' is not a metric. The metrics are: %(slugs)s.")
                    % {"slug": slug, "slugs": ", ".join(sorted(slugs))}
                )
            if metric is not None and metric_id != metric.pk:
                raise cells.CellError(
                    _("'%(slug)s' is not the metric %(where)s (%(chosen)s).")
                    % {"slug": slug, "where": choice.chosen, "chosen": metric.slug}
                )
            return metric_id

        metric_ids = _parse_column(
            columns.values(table, "metric"), parse_metric, "metric", live, problems
        )
    else:
        metric_ids = [default_metric.pk] * len(rows)

    start_cells = columns.values(table, "period_start")
    end_cells = columns.values(table, "period_end")
    starts = _parse_column(start_cells, cells.date, "period_start", live, problems)
    ends = _parse_column(end_cells, cells.date, "period_end", live, problems)
    problems.extend(_us_style_dates({"period_start": start_cells, "period_end": end_cells}, live))
    values = _parse_column(columns.values(table, "value"), cells.count, "value", live, problems)

    def parse_source(cell) -> str:
        return cells.text(cell, max_length=SOURCE_MAX_LENGTH)

    has_source = "source" in columns
    has_notes = "notes" in columns
    sources = (
        _parse_column(columns.values(table, "source"), parse_source, "source", live, problems)
        if has_source
        else None
    )
    notes = (
        _parse_column(columns.values(table, "notes"), cells.text, "notes", live, problems)
        if has_notes
        else None
    )
    if progress:
        progress("checked", len(rows))

    # Rows whose key cells (metric, region, period) read: period order, each figure once per
    # file, and periods that overlap, whether or not the row's other cells read, so that every
    # problem is found in one go. Rows whose every cell reads are the candidates to write.
    seen: dict[tuple, int] = {}
    keyed: list[PlannedRow] = []
    candidates: list[PlannedRow] = []
    today = timezone.localdate()
    for index in range(len(rows)):
        if not live[index]:
            continue
        row_number = index + FIRST_DATA_ROW
        start, end = starts[index], ends[index]
        if end is not None and end > today:
            # A figure for a period still running would be a part-count shown as a whole.
            problems.append(
                RowError(
                    row_number,
                    "period_end",
                    _(
                        "%(end)s is in the future; figures can only be given for periods that "
                        "have ended."
                    )
                    % {"end": end.strftime("%d/%m/%Y")},
                )
            )
            continue
        if start is not None and end is not None and end <= start:
            problems.append(
                RowError(
                    row_number,
                    "period_end",
                    _(
                        "%(end)s is not after period_start (%(start)s); "
                        "a period ends after it starts."
                    )
                    % {"end": end.strftime("%d/%m/%Y"), "start": start.strftime("%d/%m/%Y")},
                )
            )
            continue
        region_id, metric_id = region_ids[index], metric_ids[index]
        if region_id is None or metric_id is None or start is None or end is None:
            continue
        key = (metric_id, region_id, start, end)
        first = seen.get(key)
        if first is not None:
            problems.append(
                RowError(
                    row_number,
                    "",
                    _(
                        "the same metric, region and period as row %(first)s. Each figure may "
                        "appear once in a file; delete one of the two rows."
                    )
                    % {"first": first},
                )
            )
            continue
        seen[key] = row_number
        planned = PlannedRow(
            row=row_number,
            metric_id=metric_id,
            region_id=region_id,
            period_start=start,
            period_end=end,
            value=values[index],
            source=sources[index] if has_source else None,
            notes=notes[index] if has_notes else None,
        )
        keyed.append(planned)
        # A cell that did not read is None; a source or notes cell that did is text ('' empty).
        if (
            planned.value is not None
            and (not has_source or planned.source is not None)
            and (not has_notes or planned.notes is not None)
        ):
            candidates.append(planned)
    lock_metrics({row.metric_id for row in keyed})
    problems.extend(_overlaps(keyed, _stored_periods(keyed, allowed), codes))
    if problems:
        return plan

    _classify(plan, candidates, codes, _existing(candidates))
    return plan


def _existing(candidates: list[PlannedRow]) -> dict[tuple, tuple]:
    """Stored figures the file's rows may update, keyed like the file's rows by
    (metric, region, period_start, period_end) (one query)."""
    if not candidates:
        return {}
    metric_ids = {row.metric_id for row in candidates}
    region_ids = {row.region_id for row in candidates}
    first = min(row.period_start for row in candidates)
    last = max(row.period_end for row in candidates)
    stored = Statistic.objects.filter(
        metric_id__in=metric_ids, period_start__lte=last, period_end__gte=first
    ).values_list(
        "metric_id", "region_id", "period_start", "period_end", "value", "source", "notes"
    )
    return {
        (m, r, s, e): (value, source, notes)
        for m, r, s, e, value, source, notes in stored.iterator(chunk_size=5000)
        if r in region_ids
    }


def _stored_periods(
    candidates: list[PlannedRow], allowed: set[int] | None
) -> dict[tuple, tuple[str | None, int]]:
    """Every distinct period stored for the file's metrics, keyed (metric, start, end), with the
    first by name of the regions that have it (of those the importer covers, else None) and how
    many regions do (one query)."""
    if not candidates:
        return {}
    covered = None if allowed is None else Q(region_id__in=allowed)
    stored = (
        Statistic.objects.filter(metric_id__in={row.metric_id for row in candidates})
        .order_by()
        .values("metric_id", "period_start", "period_end")
        .annotate(named=Min("region__name", filter=covered), regions=Count("pk"))
        .values_list("metric_id", "period_start", "period_end", "named", "regions")
    )
    return {(m, s, e): (named, count) for m, s, e, named, count in stored}


def _overlaps(
    candidates: list[PlannedRow], stored: dict[tuple, tuple], codes: RegionCodes
) -> list[RowError]:
    """Rows whose period overlaps another period of the same metric, for any region, in the
    file or stored: one sort of the distinct periods and one pass.

    A metric counts every area in the same periods: a grouping's yearly total beside its
    members' half-years would let a withheld half be worked out by subtraction, and compare a
    half-year with a year. A row with the very period of a stored figure (of any region) is in
    the metric's periods already: it never overlaps. Of two new periods that overlap, the rows
    of the one that starts later (or, starting together, ends later) are named.
    """
    in_file: dict[tuple, list[PlannedRow]] = {}
    for row in candidates:
        in_file.setdefault((row.metric_id, row.period_start, row.period_end), []).append(row)
    problems: list[RowError] = []
    reported: set[tuple] = set()
    metric = reach = None  # reach: the period of this metric so far that ends latest
    for period in sorted(in_file.keys() | stored.keys()):
        if period[0] != metric:
            metric, reach = period[0], period
            continue
        if period[1] <= reach[2]:
            if period not in stored:
                new, other = period, reach
            elif reach not in stored:
                new, other = reach, period
            else:
                new = None  # both stored already: not this file's doing
            if new is not None and new not in reported:
                reported.add(new)
                problems += [
                    _overlap_problem(row, other, in_file, stored, codes) for row in in_file[new]
                ]
        if period[2] > reach[2]:
            reach = period
    return problems


def _overlap_problem(
    row: PlannedRow, other: tuple, in_file: dict, stored: dict, codes: RegionCodes
) -> RowError:
    values = {
        "period": _period_text(row.period_start, row.period_end),
        "other": _period_text(other[1], other[2]),
    }
    if other in stored:
        where = period_holders_text(*stored[other])
        message = _(
            "%(period)s overlaps %(other)s, a period this metric already counts in (%(where)s). "
            "A metric counts every area in the same periods; give figures for those periods."
        )
        values["where"] = where
    else:
        first = in_file[other][0]
        message = _(
            "%(period)s overlaps %(other)s on row %(row)s (%(region)s). A metric counts every "
            "area in the same periods; give every row one of the same periods, or periods that "
            "do not overlap."
        )
        values.update(row=first.row, region=codes.names[first.region_id])
    return RowError(row.row, "period_start", message % values)


def _period_text(start: datetime.date, end: datetime.date) -> str:
    return _("%(start)s to %(end)s") % {
        "start": start.strftime("%d/%m/%Y"),
        "end": end.strftime("%d/%m/%Y"),
    }


def _classify(
    plan: StatisticsPlan,
    candidates: list[PlannedRow],
    codes: RegionCodes,
    existing: dict[tuple, tuple],
) -> None:
    metric_names = dict(Metric.objects.values_list("pk", "name"))
    for row in candidates:
        stored = existing.get((row.metric_id, row.region_id, row.period_start, row.period_end))
        if stored is None:
            row.source = row.source or ""
            row.notes = row.notes or ""
            plan.new.append(row)
            if len(plan.new_sample) < SAMPLE_SIZE:
                plan.new_sample.append(_sample(row, codes, metric_names, before=""))
            continue
        value, source, notes = stored
        # An empty source or notes cell (or no such column) keeps what is stored: clearing
        # text is done in the admin, never by a gap in a spreadsheet.
        row.source = row.source or source
        row.notes = row.notes or notes
        if (row.value, row.source, row.notes) == (value, source, notes):
            plan.unchanged += 1
            continue
        plan.changed.append(row)
        if len(plan.changed_sample) < SAMPLE_SIZE:
            plan.changed_sample.append(
                _sample(
                    row,
                    codes,
                    metric_names,
                    before=_described(value, (source, notes), (row.source, row.notes)),
                    after=_described(row.value, (row.source, row.notes), (source, notes)),
                )
            )


def _described(value: int, text: tuple[str, str], other: tuple[str, str]) -> str:
    """A value for the preview, with its source and notes where they differ from the other."""
    described = f"{value:,}"
    for label, mine, theirs in zip((_("source"), _("notes")), text, other, strict=True):
        if mine != theirs:
            described += f" · {label}: {mine or '–'}"
    return described


def _sample(
    row: PlannedRow, codes: RegionCodes, metric_names: dict, *, before: str, after: str = ""
) -> ChangeSample:
    what = _("%(region)s, %(period)s (%(metric)s)") % {
        "region": codes.names[row.region_id],
        "period": period_label(row.period_start, row.period_end),
        "metric": metric_names[row.metric_id],
    }
    return ChangeSample(row=row.row, what=what, before=before, after=after or f"{row.value:,}")


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# Columns written for each row, and those an existing row takes from the file on conflict.
_INSERT_COLUMNS = (
    "metric_id",
    "region_id",
    "period_start",
    "period_end",
    "value",
    "source",
    "notes",
    "import_batch_id",
    "created_at",
    "updated_at",
)
_UPDATE_COLUMNS = ("value", "source", "notes", "import_batch_id", "updated_at")
_KEY_COLUMNS = ("metric_id", "region_id", "period_start", "period_end")
# Rows per INSERT statement: stays under SQLite's oldest limit of 999 parameters.
ROWS_PER_STATEMENT = 999 // len(_INSERT_COLUMNS)


def _upsert_sql(rows: int) -> str:
    """The upsert for `rows` rows; built only from constant names, values go as parameters."""
    quote = connection.ops.quote_name
    placeholders = "(" + ", ".join(["%s"] * len(_INSERT_COLUMNS)) + ")"
    table = quote(Statistic._meta.db_table)
    columns = ", ".join(map(quote, _INSERT_COLUMNS))
    values = ", ".join([placeholders] * rows)
    key = ", ".join(map(quote, _KEY_COLUMNS))
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in _UPDATE_COLUMNS)
    # Names are constants, quoted; every value is a parameter.
    return f"INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT ({key}) DO UPDATE SET {updates}"  # noqa: E501, S608


def statistics_write(
    plan: StatisticsPlan,
    *,
    user: AbstractBaseUser | None,
    file_name: str,
    checksum: str,
    progress: Progress | None = None,
) -> ImportBatch:
    """Write a checked plan in one transaction, recording it as one ImportBatch.

    New and changed rows are written with an upsert on the (metric, region, period) key, so two
    imports of the same figures at once can never create duplicates. The statement is written
    out rather than built by bulk_create: for a large file the ORM's per-object work (building
    instances, preparing each value, reading back ids and timestamps) cost ten times the SQL.
    """
    ops = connection.ops
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind=ImportBatch.Kind.STATISTICS,
            user=user,
            organisation=organisation_of(user) if user is not None else None,
            file_name=file_name[:255],
            checksum=checksum,
            rows_created=len(plan.new),
            rows_updated=len(plan.changed),
            rows_unchanged=plan.unchanged,
        )
        now = ops.adapt_datetimefield_value(timezone.now())
        dates: dict[datetime.date, object] = {}

        def adapt(day: datetime.date):
            if day not in dates:
                dates[day] = ops.adapt_datefield_value(day)
            return dates[day]

        full_statement = _upsert_sql(ROWS_PER_STATEMENT)
        with connection.cursor() as cursor:
            for chunk in _chunks([*plan.new, *plan.changed], ROWS_PER_STATEMENT):
                params: list = []
                for row in chunk:
                    params += (
                        row.metric_id,
                        row.region_id,
                        adapt(row.period_start),
                        adapt(row.period_end),
                        row.value,
                        row.source,
                        row.notes,
                        batch.pk,
                        now,
                        now,
                    )
                sql = (
                    full_statement if len(chunk) == ROWS_PER_STATEMENT else _upsert_sql(len(chunk))
                )
                cursor.execute(sql, params)
                if progress:
                    progress("written", len(chunk))
    return batch


class RegionCodeWidget(widgets.Widget):
    """Exports a region as the code partners import it by."""

    def render(self, value: Region | None, obj=None, **kwargs) -> str:
        return value.code if value is not None else ""


class StatisticResource(AllOrNothingResource):
    """Statistics in the partner file format, for import (all-or-nothing) and export."""

    region_code = fields.Field(
        attribute="region", column_name="region_code", widget=RegionCodeWidget()
    )
    metric = fields.Field(attribute="metric__slug", column_name="metric")
    period_start = fields.Field(
        attribute="period_start", column_name="period_start", widget=widgets.DateWidget("%Y-%m-%d")
    )
    period_end = fields.Field(
        attribute="period_end", column_name="period_end", widget=widgets.DateWidget("%Y-%m-%d")
    )
    # A number, not text, so an Excel export's values add up without "number stored as text".
    value = fields.Field(
        attribute="value", column_name="value", widget=widgets.IntegerWidget(coerce_to_string=False)
    )
    source = fields.Field(attribute="source", column_name="source")
    notes = fields.Field(attribute="notes", column_name="notes")

    class Meta:
        model = Statistic
        fields = ("region_code", "metric", "period_start", "period_end", "value", "source", "notes")
        export_order = fields
        import_id_fields = ()
        name = _("Statistics (region_code, metric, period_start, period_end, value, source, notes)")

    def __init__(
        self, *, metric: Metric | None = None, from_command: bool = False, **kwargs
    ) -> None:
        super().__init__(**kwargs)
        self.metric = metric
        self.from_command = from_command

    def export_field(self, field, instance, **kwargs):
        return cells.escape_formula(super().export_field(field, instance, **kwargs))

    def get_export_queryset(self, request=None):
        return super().get_export_queryset(request).select_related("region", "metric")

    required_columns = REQUIRED_COLUMNS
    optional_columns = OPTIONAL_COLUMNS

    def plan(self, table: Table, *, user: AbstractBaseUser | None, **kwargs) -> StatisticsPlan:
        return plan_statistics(
            table,
            user=user,
            metric=kwargs.get("metric", self.metric),
            progress=kwargs.get("progress"),
            from_command=kwargs.get("from_command", self.from_command),
        )

    def write(self, plan: StatisticsPlan, *, user, file_name: str, checksum: str, **kwargs):
        return statistics_write(
            plan, user=user, file_name=file_name, checksum=checksum, progress=kwargs.get("progress")
        )
