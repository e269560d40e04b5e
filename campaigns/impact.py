"""What a campaign changed, metric by metric and region by region, and what its chart shows.

Built on regions.series, so grouping sums, incomplete groupings and small-number suppression
follow the same rules here as on every other public output. A figure published only as a
percentage (a ReportedFigure) is shown as reported where no change can be computed, and is
never turned into counts.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.utils.translation import gettext as _

from campaigns.charts import AreaChange, ChangeChart, change_chart
from campaigns.models import ReportedFigure
from regions.figures import Change
from regions.models import Metric, Region
from regions.series import Figures, MetricTable, Period, PeriodFigure, Series, State, change_of

# Areas that contain others are listed after the areas they contain.
_KIND_ORDER = {
    Region.Kind.LOCAL_AUTHORITY: 0,
    Region.Kind.COUNTY: 1,
    Region.Kind.POLICE_FORCE_AREA: 2,
    Region.Kind.ONS_REGION: 3,
    Region.Kind.GROUPING: 4,
    Region.Kind.NATION: 5,
}


def region_sort_key(region: Region) -> tuple[int, str]:
    return (_KIND_ORDER.get(region.kind, 9), region.name)


BEFORE, SPANS, AFTER = "before", "spans launch", "after"
# The period table shows the latest periods only: more would not fit a phone, and a partner's
# file of thousands of short periods would make the page huge.
# The before-and-after table still compares the periods either side of the launch, and the
# downloads have every period.
MAX_PERIODS_SHOWN = 12


def first_shown(period_count: int) -> int:
    """Index of the first period a page's period table shows: the latest
    MAX_PERIODS_SHOWN of them."""
    return max(0, period_count - MAX_PERIODS_SHOWN)


def launch_phase(period: Period, launch: datetime.date) -> str:
    """Whether a period ends before the launch, starts on or after it, or spans it."""
    if period.end < launch:
        return BEFORE
    return AFTER if period.start >= launch else SPANS


def launch_periods(
    periods: list[Period], launch: datetime.date
) -> tuple[Period | None, Period | None]:
    """The last period that ends before the launch and the first that starts on or after it."""
    before = [p for p in periods if p.end < launch]
    after = [p for p in periods if p.start >= launch]
    return (before[-1] if before else None, after[0] if after else None)


@dataclass
class ImpactRow:
    """One region: its series, its figures either side of the launch, and the change."""

    series: Series
    before: PeriodFigure | None
    after: PeriodFigure | None
    reported: ReportedFigure | None = None
    first_shown: int = 0  # as Impact.first_shown

    @property
    def region(self) -> Region:
        return self.series.region

    @property
    def shown_points(self) -> list[tuple[PeriodFigure, Change | None]]:
        return self.series.points[self.first_shown :]

    @property
    def change(self) -> Change | None:
        return change_of(self.before, self.after)

    @property
    def reported_matches_columns(self) -> bool:
        """Whether the reported change compares the same two periods as the table's columns."""
        figure = self.reported
        return bool(
            figure
            and self.before
            and self.after
            and (figure.base_period_start, figure.base_period_end)
            == (self.before.period.start, self.before.period.end)
            and (figure.period_start, figure.period_end)
            == (self.after.period.start, self.after.period.end)
        )


@dataclass
class Impact:
    table: MetricTable
    rows: list[ImpactRow]
    before_period: Period | None
    after_period: Period | None
    launch: datetime.date

    @property
    def metric(self) -> Metric:
        return self.table.metric

    @property
    def periods(self) -> list[Period]:
        return self.table.periods

    @property
    def first_shown(self) -> int:
        return first_shown(len(self.periods))

    @property
    def shown_periods(self) -> list[Period]:
        return self.periods[self.first_shown :]

    @property
    def period_columns(self) -> list[tuple[Period, str]]:
        """Each period shown with where it falls: BEFORE, SPANS (the launch) or AFTER it."""
        return [(period, launch_phase(period, self.launch)) for period in self.shown_periods]

    @property
    def has_spanning_period(self) -> bool:
        return any(phase == SPANS for _period, phase in self.period_columns)

    @property
    def has_new(self) -> bool:
        changes = [row.change for row in self.rows] + [
            change for row in self.rows for change in row.series.changes
        ]
        return any(change is not None and change.is_new for change in changes)

    @property
    def has_unequal_periods(self) -> bool:
        """Whether some periods shown differ in length (so no change is given between them)."""
        return len({period.months for period in self.shown_periods}) > 1

    @property
    def has_reported(self) -> bool:
        return any(row.reported for row in self.rows)

    @property
    def has_rates(self) -> bool:
        return any(counted.per_100k for row in self.rows for counted in row.series.figures)

    @property
    def has_suppressed(self) -> bool:
        return any(counted.suppressed for row in self.rows for counted in row.series.figures)

    @property
    def has_incomplete(self) -> bool:
        return any(
            counted.state == State.INCOMPLETE for row in self.rows for counted in row.series.figures
        )

    @property
    def has_sums(self) -> bool:
        return any(
            counted.state == State.SUM for row in self.rows for counted in row.series.figures
        )

    @cached_property
    def chart(self) -> ChangeChart:
        """Every area's change across the launch on one scale (campaigns/charts.py)."""
        has_columns = self.before_period is not None and self.after_period is not None
        return change_chart(
            [area_change(row, has_columns=has_columns) for row in self.rows],
            metric_name=self.metric.name,
        )


def build_impacts(
    *,
    metrics: Iterable[Metric],
    regions: Iterable[Region],
    launch: datetime.date,
    reported_figures: Iterable[ReportedFigure] = (),
) -> list[Impact]:
    """One Impact per metric, from one statistics query and one grouping query."""
    metrics = list(metrics)
    regions = sorted(regions, key=region_sort_key)
    if not metrics:
        return []
    figures = Figures(metrics=metrics, regions=regions)
    reported: dict[tuple[int | None, int], ReportedFigure] = {}
    for figure in reported_figures:
        if figure.is_change and figure.region_id is not None:
            reported.setdefault((figure.metric_id, figure.region_id), figure)
    return [
        build_impact_from_table(figures.table(metric, regions), launch, reported)
        for metric in metrics
    ]


def build_impact_from_table(
    table: MetricTable,
    launch: datetime.date,
    reported: dict[tuple[int | None, int], ReportedFigure] | None = None,
) -> Impact:
    """Split a metric's table at the launch, filling in reported changes where none is
    computed."""
    before, after = launch_periods(table.periods, launch)
    shown_from = first_shown(len(table.periods))
    rows = []
    for series in table.series:
        by_period = dict(zip(table.periods, series.figures, strict=True))
        row = ImpactRow(
            series=series,
            before=by_period.get(before),
            after=by_period.get(after),
            first_shown=shown_from,
        )
        if row.change is None and reported:
            figure = reported.get((table.metric.pk, series.region.pk)) or reported.get(
                (None, series.region.pk)
            )
            if figure is not None and not gives_withheld_count_away(figure, series):
                row.reported = figure
        rows.append(row)
    return Impact(table, rows, before, after, launch)


def safe_to_show(
    reported: Iterable[ReportedFigure], tables: Iterable[MetricTable]
) -> list[ReportedFigure]:
    """The reported figures that may be shown beside the counts in `tables`: a percentage
    change is left out where a count of its area in the periods it compares is withheld (a
    published +900% beside an after-count of 30 gives a withheld 3 away)."""
    by_metric = {table.metric.pk: table for table in tables}

    def hides_small(figure: ReportedFigure) -> bool:
        if not figure.is_change or figure.region_id is None:
            return False
        metric_ids = [figure.metric_id] if figure.metric_id else list(by_metric)
        return any(
            gives_withheld_count_away(figure, series)
            for metric_id in metric_ids
            if metric_id in by_metric
            for series in by_metric[metric_id].series
            if series.region.pk == figure.region_id
        )

    return [figure for figure in reported if not hides_small(figure)]


def gives_withheld_count_away(figure: ReportedFigure, series: Series) -> bool:
    """Whether a reported percentage, set beside this area's counts, could give away one of
    them that is withheld: one in the periods it compares (or any, without periods)."""
    start = figure.base_period_start or figure.period_start
    end = figure.period_end or figure.base_period_end

    def compared(period: Period) -> bool:
        return start is None or end is None or (period.start <= end and period.end >= start)

    return any(counted.suppressed and compared(counted.period) for counted in series.figures)


# --- The chart ---------------------------------------------------------------------------------


def area_change(row: ImpactRow, *, has_columns: bool) -> AreaChange:
    """What the chart shows of one area: the change worked out from its counts (with the counts
    beside it), else the change as reported, else why there is none. `has_columns` says whether
    the page has a before-and-after table for a reported change's periods to be compared with."""
    region = row.region
    change = row.change
    if change is not None and change.percent is not None:
        return AreaChange(
            name=region.name,
            percent=_chart_percent(change),
            note=f"{row.before.short_text} → {row.after.short_text}",
            is_grouping=row.series.is_grouping,
            spoken=_("%(before)s to %(after)s, %(change)s")
            % {"before": row.before.text, "after": row.after.text, "change": change.describe()},
        )
    if row.reported is not None:
        figure = row.reported
        other_periods = has_columns and not row.reported_matches_columns
        spoken = _("%(change)s, as reported") % {"change": figure.describe()}
        if other_periods and figure.period_text:
            spoken += f" ({figure.period_text})"
        return AreaChange(
            name=region.name,
            percent=figure.value,
            reported=True,
            note=_("as reported, other periods") if other_periods else _("as reported"),
            is_grouping=row.series.is_grouping,
            spoken=spoken,
        )
    reason = no_change_reason(row)
    known = [row.before, row.after]
    spoken = reason
    if all(known) and any(counted.state != State.MISSING for counted in known):
        spoken = _("%(before)s to %(after)s, %(reason)s") % {
            "before": row.before.text,
            "after": row.after.text,
            "reason": reason,
        }
    return AreaChange(
        name=region.name, reason=reason, is_grouping=row.series.is_grouping, spoken=spoken
    )


def _chart_percent(change: Change) -> Decimal | int:
    """The change in per cent as the table rounds it, but to a tenth where that would read 0%
    for a count that moved (the table says 'up less than 1%')."""
    if change.percent == 0 and change.absolute != 0:
        exact = Decimal(change.absolute * 100) / Decimal(change.earlier)
        return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return change.percent


def no_change_reason(row: ImpactRow) -> str:
    """Why an area has no change to show across the launch, in a few words."""
    known = [counted for counted in (row.before, row.after) if counted is not None]
    if any(counted.withheld for counted in known):
        return _("change withheld, so that small numbers in its areas cannot be worked out")
    small = next((counted for counted in known if counted.suppressed), None)
    if small is not None:
        return _("change withheld: a count is fewer than %(threshold)s") % {
            "threshold": small.threshold
        }
    if any(counted.state == State.INCOMPLETE for counted in known):
        return _("no change: not every area in it reported")
    missing = [
        counted is None or counted.state == State.MISSING for counted in (row.before, row.after)
    ]
    if all(missing):
        return _("no figures published")
    if missing[0]:
        return _("no figure before the launch")
    if missing[1]:
        return _("no figure after the launch")
    if row.before.period.months != row.after.period.months:
        return _("no change: the periods differ in length")
    return _("new: none before the launch")
