"""Checking a statistics file, one named step at a time (StatisticsPlanner)."""

import datetime
from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from regions.figures import period_label
from regions.imports import cells
from regions.imports.columns import match_columns, stray_cell_problems
from regions.imports.reading import Table
from regions.imports.reading.table import FIRST_DATA_ROW
from regions.imports.results import SAMPLE_SIZE, ChangeSample, FileErrors, RowError
from regions.imports.statistics.codes import RegionCodes, covered_text
from regions.imports.statistics.periods import overlaps, stored_periods, us_style_dates
from regions.imports.statistics.plan import PlannedRow, Progress, StatisticsPlan
from regions.models import Metric, Statistic, lock_metrics
from regions.permissions import regions_for_user, sees_all_regions

SOURCE_MAX_LENGTH = Statistic._meta.get_field("source").max_length


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


class StatisticsPlanner:
    """Checks a whole statistics file and works out what importing it would do; writes nothing.

    `plan()` runs the steps in order. Each step reads whole columns (each distinct cell parsed
    once) and adds what is wrong to the plan's problems without stopping the others, so a
    partner can fix every problem of a file in one go:

    1. the columns and the metric (on creation: a file whose columns are wrong raises
       FileErrors before any row is read);
    2. `read_regions`: each row's region code is a region the importer's organisation covers;
    3. `read_metrics`: each row's metric, or the one chosen;
    4. `read_values`: dates, counts, sources and notes;
    5. `check_rows`: periods in order and ended, each figure once per file;
    6. `check_overlaps`: no period overlaps another of its metric, in the file or stored;
    7. `classify`: for a file without problems, each row new, changed or unchanged.
    """

    def __init__(
        self,
        table: Table,
        *,
        required: list[str],
        optional: list[str],
        user: AbstractBaseUser | None,
        metric: Metric | None = None,
        progress: Progress | None = None,
        from_command: bool = False,
    ) -> None:
        self.table = table
        self.columns = match_columns(
            table.headers, required=required, optional=optional, rows=table.rows
        )
        self.chosen_metric = metric
        self.choice = MetricChoice(from_command)
        self.default_metric = self._default_metric()
        self.progress = progress
        self.result = StatisticsPlan()
        self.problems = self.result.problems
        # Rows with any value; empty rows keep their place, so row numbers stay as shown.
        self.live = [any(not cells.is_blank(cell) for cell in row) for row in table.rows]
        self.codes = RegionCodes()
        restricted = user is not None and not sees_all_regions(user)
        # The regions the importer may write (None: any), and how to tell them so.
        self.allowed = (
            set(regions_for_user(user).values_list("pk", flat=True)) if restricted else None
        )
        self.covered_text = covered_text(self.codes, self.allowed) if restricted else ""

    def _default_metric(self) -> Metric | None:
        """The metric of rows that name none: the one chosen, or the only one there is."""
        if self.chosen_metric is not None:
            return self.chosen_metric
        metrics = list(Metric.objects.all()[:2])
        if len(metrics) == 1:
            return metrics[0]
        if "metric" not in self.columns:
            raise FileErrors(
                [
                    _(
                        "Choose the metric these figures count %(how)s, or add a 'metric' column "
                        "with a metric's slug on every row."
                    )
                    % {"how": self.choice.how}
                ]
            )
        return None

    def plan(self) -> StatisticsPlan:
        self.result.rows = sum(self.live)
        self.problems.extend(stray_cell_problems(self.table))
        self.read_regions()
        self.read_metrics()
        self.read_values()
        if self.progress:
            self.progress("checked", len(self.table.rows))
        keyed, candidates = self.check_rows()
        lock_metrics({row.metric_id for row in keyed})
        self.check_overlaps(keyed)
        if not self.problems:
            self.classify(candidates)
        return self.result

    # --- Reading columns ---------------------------------------------------------------------

    def parse_column(self, name: str, parse: Callable, values: list | None = None) -> list:
        """Parse one column (its cells, when already taken from the table), each distinct cell
        once; bad cells become problems and None."""
        outcomes: dict = {}
        if values is None:
            values = self.columns.values(self.table, name)
        parsed: list = [None] * len(values)
        for index, cell in enumerate(values):
            if not self.live[index]:
                continue
            key = (type(cell), cell)
            outcome = outcomes.get(key)
            if outcome is None:
                try:
                    outcome = (True, cells.parse_cell(parse, cell))
                except cells.CellError as error:
                    outcome = (False, str(error))
                outcomes[key] = outcome
            if outcome[0]:
                parsed[index] = outcome[1]
            else:
                self.problems.append(RowError(index + FIRST_DATA_ROW, name, outcome[1]))
        return parsed

    def read_regions(self) -> None:
        self.region_ids = self.parse_column("region_code", self.parse_region)

    def parse_region(self, cell) -> int:
        """A region code as the id of a region the importer covers."""
        code = cells.text(cell)
        if not code:
            raise cells.CellError(_("is empty; a region code is required."))
        named = self.codes.regions_named(code)
        if named:
            raise cells.CellError(
                _(
                    "%(code)s names more than one region (%(regions)s), so which one is meant "
                    "cannot be told. Use the region's GSS code, or ask a campaign manager to "
                    "give one of them another slug."
                )
                % {"code": code, "regions": ", ".join(named)}
            )
        region_id = self.codes.find(code)
        if region_id is None:
            # Region codes and names are public: saying a code is unknown, or is a name,
            # gives nothing away. A partner is reminded which areas they may name.
            raise cells.CellError(self.unknown_region(code))
        if self.allowed is not None and region_id not in self.allowed:
            raise cells.CellError(
                _("%(code)s is not a region your organisation covers. %(covered)s")
                % {"code": code, "covered": self.covered_text}
            )
        return region_id

    def unknown_region(self, code: str) -> str:
        """Why a code that is no region's is refused; a region's name given instead is named."""
        codes, allowed = self.codes, self.allowed
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
            ) % {"code": code, "covered": self.covered_text}
        if allowed is not None:
            return _(
                "%(code)s is not a known region code. Use the code of a region your "
                "organisation covers. %(covered)s"
            ) % {"code": code, "covered": self.covered_text}
        return _(
            "%(code)s is not a known region. Use its GSS code (for example W15000001), its "
            "police.uk force id (north-wales) or, for a grouping without a GSS code, its slug."
        ) % {"code": code}

    def read_metrics(self) -> None:
        if "metric" not in self.columns:
            self.metric_ids = [self.default_metric.pk] * len(self.table.rows)
            return
        self.metric_slugs = {m.slug.lower(): m.pk for m in Metric.objects.only("pk", "slug")}
        self.metric_ids = self.parse_column("metric", self.parse_metric)

    def parse_metric(self, cell) -> int:
        """A metric's slug as its id (an empty cell: the metric chosen)."""
        slug = cells.text(cell)
        if not slug:
            if self.default_metric is None:
                raise cells.CellError(self.choice.empty)
            return self.default_metric.pk
        metric_id = self.metric_slugs.get(slug.lower())
        if metric_id is None:
            raise cells.CellError(
                _("'%(slug)s' is not a metric. The metrics are: %(slugs)s.")
                % {"slug": slug, "slugs": ", ".join(sorted(self.metric_slugs))}
            )
        chosen = self.chosen_metric
        if chosen is not None and metric_id != chosen.pk:
            raise cells.CellError(
                _("'%(slug)s' is not the metric %(where)s (%(chosen)s).")
                % {"slug": slug, "where": self.choice.chosen, "chosen": chosen.slug}
            )
        return metric_id

    def read_values(self) -> None:
        start_cells = self.columns.values(self.table, "period_start")
        end_cells = self.columns.values(self.table, "period_end")
        self.starts = self.parse_column("period_start", cells.date, start_cells)
        self.ends = self.parse_column("period_end", cells.date, end_cells)
        self.problems.extend(
            us_style_dates({"period_start": start_cells, "period_end": end_cells}, self.live)
        )
        self.values = self.parse_column("value", cells.count)
        # None for a file without the column: stored text is then kept (see classify).
        self.sources = (
            self.parse_column("source", lambda c: cells.text(c, max_length=SOURCE_MAX_LENGTH))
            if "source" in self.columns
            else None
        )
        self.notes = self.parse_column("notes", cells.text) if "notes" in self.columns else None
        self.notes_cy = (
            self.parse_column("notes_cy", cells.text) if "notes_cy" in self.columns else None
        )

    # --- Checking rows -----------------------------------------------------------------------

    def period_problem(
        self, row: int, start: datetime.date | None, end: datetime.date | None
    ) -> RowError | None:
        """Why a row's period cannot have figures: it has not ended, or it ends before it
        starts (a period may start and end on the same day: a daily count)."""
        if end is not None and end > self.today:
            # A figure for a period still running would be a part-count shown as a whole.
            return RowError(
                row,
                "period_end",
                _(
                    "%(end)s is in the future; figures can only be given for periods that "
                    "have ended."
                )
                % {"end": end.strftime("%d/%m/%Y")},
            )
        if start is not None and end is not None and end < start:
            return RowError(
                row,
                "period_end",
                _(
                    "%(end)s is before period_start (%(start)s); a period cannot end before it "
                    "starts."
                )
                % {"end": end.strftime("%d/%m/%Y"), "start": start.strftime("%d/%m/%Y")},
            )
        return None

    def check_rows(self) -> tuple[list[PlannedRow], list[PlannedRow]]:
        """Rows whose key cells (metric, region, period) read, checked for their period and for
        appearing once per file, whether or not their other cells read (so every problem is
        found in one go); and of those, the rows whose every cell reads: the ones to write."""
        self.today = timezone.localdate()  # once: a file's rows are checked against one day
        seen: dict[tuple, int] = {}
        keyed: list[PlannedRow] = []
        candidates: list[PlannedRow] = []
        has_source, has_notes = self.sources is not None, self.notes is not None
        has_notes_cy = self.notes_cy is not None
        for index in range(len(self.table.rows)):
            if not self.live[index]:
                continue
            row_number = index + FIRST_DATA_ROW
            start, end = self.starts[index], self.ends[index]
            problem = self.period_problem(row_number, start, end)
            if problem is not None:
                self.problems.append(problem)
                continue
            region_id, metric_id = self.region_ids[index], self.metric_ids[index]
            if region_id is None or metric_id is None or start is None or end is None:
                continue
            key = (metric_id, region_id, start, end)
            first = seen.get(key)
            if first is not None:
                self.problems.append(
                    RowError(
                        row_number,
                        "",
                        _(
                            "the same metric, region and period as row %(first)s. Each figure "
                            "may appear once in a file; delete one of the two rows."
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
                value=self.values[index],
                source=self.sources[index] if has_source else None,
                notes=self.notes[index] if has_notes else None,
                notes_cy=self.notes_cy[index] if has_notes_cy else None,
            )
            keyed.append(planned)
            # A cell that did not read is None; a source or notes cell that did is text ('').
            if (
                planned.value is not None
                and (not has_source or planned.source is not None)
                and (not has_notes or planned.notes is not None)
                and (not has_notes_cy or planned.notes_cy is not None)
            ):
                candidates.append(planned)
        return keyed, candidates

    def check_overlaps(self, keyed: list[PlannedRow]) -> None:
        self.problems.extend(overlaps(keyed, stored_periods(keyed, self.allowed), self.codes))

    # --- Classifying -------------------------------------------------------------------------

    def classify(self, candidates: list[PlannedRow]) -> None:
        """Each row of a file without problems: new, changed (with what changes) or unchanged."""
        plan = self.result
        existing = stored_figures(candidates)
        previous: dict[tuple, list] = {}
        metric_names = dict(Metric.objects.values_list("pk", "name"))
        for row in candidates:
            stored = existing.get((row.metric_id, row.region_id, row.period_start, row.period_end))
            if stored is None:
                row.source = row.source or ""
                row.notes = row.notes or ""
                row.notes_cy = row.notes_cy or ""
                plan.new.append(row)
                if len(plan.new_sample) < SAMPLE_SIZE:
                    plan.new_sample.append(self.sample(row, metric_names, before=""))
                continue
            value, *text = stored
            # An empty source or notes cell (or no such column) keeps what is stored: clearing
            # text is done in the admin, never by a gap in a spreadsheet.
            row.source = row.source or text[0]
            row.notes = row.notes or text[1]
            row.notes_cy = row.notes_cy or text[2]
            texts = (row.source, row.notes, row.notes_cy)
            if (row.value, *texts) == stored:
                plan.unchanged += 1
                continue
            plan.changed.append(row)
            # As it was, for undoing the import; its id, import and time are read below.
            previous[row.period_start, row.period_end, row.metric_id, row.region_id] = [
                None,
                value,
                *text,
                None,
                None,
            ]
            if len(plan.changed_sample) < SAMPLE_SIZE:
                plan.changed_sample.append(
                    self.sample(
                        row,
                        metric_names,
                        before=described(value, tuple(text), texts),
                        after=described(row.value, texts, tuple(text)),
                    )
                )

        record_previous(plan.changed, previous)
        plan.previous_values = list(previous.values())

    def sample(
        self, row: PlannedRow, metric_names: dict, *, before: str, after: str = ""
    ) -> ChangeSample:
        """One row of the preview."""
        what = _("%(region)s, %(period)s (%(metric)s)") % {
            "region": self.codes.names[row.region_id],
            "period": period_label(row.period_start, row.period_end),
            "metric": metric_names[row.metric_id],
        }
        return ChangeSample(row=row.row, what=what, before=before, after=after or f"{row.value:,}")


def stored_around(rows: list[PlannedRow]):
    """The stored figures of the rows' metrics within the span of their periods: those the rows
    may be (filtered to the exact keys by the caller, in Python, which is faster than a query
    per key)."""
    return Statistic.objects.filter(
        metric_id__in={row.metric_id for row in rows},
        period_start__lte=max(row.period_end for row in rows),
        period_end__gte=min(row.period_start for row in rows),
    )


def stored_figures(candidates: list[PlannedRow]) -> dict[tuple, tuple]:
    """Stored figures the file's rows may update, keyed like the file's rows by
    (metric, region, period_start, period_end), with their value, source and notes in both
    languages (one
    query; what undoing the import needs of the figures it changes is read after, for those
    only: see record_previous)."""
    if not candidates:
        return {}
    region_ids = {row.region_id for row in candidates}
    stored = stored_around(candidates).values_list(
        "metric_id",
        "region_id",
        "period_start",
        "period_end",
        "value",
        "source",
        "notes",
        "notes_cy",
    )
    return {
        (m, r, s, e): tuple(figure)
        for m, r, s, e, *figure in stored.iterator(chunk_size=5000)
        if r in region_ids
    }


def described(value: int, text: tuple[str, ...], other: tuple[str, ...]) -> str:
    """A value for the preview, with its source and notes (English, Welsh) where they differ
    from the other's."""
    shown = f"{value:,}"
    labels = (_("source"), _("notes"), _("notes in Welsh"))
    for label, mine, theirs in zip(labels, text, other, strict=True):
        if mine != theirs:
            shown += f" · {label}: {mine or '–'}"
    return shown


def record_previous(changed: list[PlannedRow], previous: dict[tuple, list]) -> None:
    """Complete what undoing the import needs of each figure the file changes (`previous`, by
    period, metric and region): its id, the import that last wrote it and when it last changed
    (one query, only when the file changes figures: reading these for every stored row made
    re-importing an unchanged file 40% slower)."""
    if not changed:
        return
    stored = stored_around(changed).values_list(
        "period_start",
        "period_end",
        "metric_id",
        "region_id",
        "pk",
        "import_batch_id",
        "updated_at",
    )
    for start, end, metric_id, region_id, pk, batch_id, updated_at in stored.iterator(
        chunk_size=5000
    ):
        entry = previous.get((start, end, metric_id, region_id))
        if entry is not None:
            entry[0], entry[5], entry[6] = pk, batch_id, updated_at.isoformat()
