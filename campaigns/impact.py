"""What a campaign changed, metric by metric and region by region, and the chart that shows it.

Built on regions.series, so grouping sums, incomplete groupings and small-number suppression
follow the same rules here as on every other public output. A figure published only as a
percentage (a ReportedFigure) is shown as reported where no change can be computed, and is
never turned into counts.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _

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
# The period table and chart show the latest periods only: more would not fit a phone or the
# chart's bars, and a partner's file of thousands of short periods would make the page huge.
# The before-and-after table still compares the periods either side of the launch, and the
# downloads have every period.
MAX_PERIODS_SHOWN = 12


def first_shown(period_count: int) -> int:
    """Index of the first period a page's period table and chart show: the latest
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
    def shown_figures(self) -> list[PeriodFigure]:
        return self.series.figures[self.first_shown :]

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
    def chart(self) -> "Chart":
        return Chart.for_impact(self)


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

# Chart units: narrow enough that a 320 px phone shows the text at about its own size.
CHART_WIDTH = 320
LABEL_HEIGHT = 22
BAR_HEIGHT = 34
ROW_GAP = 14
BARS_WIDTH = 150
LEGEND_HEIGHT = 30
MAX_ROWS_WITH_BAR_TITLES = 30


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    phase: str  # BEFORE, SPANS or AFTER the launch
    title: str
    mark: str = ""  # '<5' or '?' where no bar can be drawn


@dataclass
class ChartRow:
    name: str
    y: float
    bars: list[Bar]
    summary: list[str]  # one or two short lines beside the bars
    spoken: str = ""  # the same in words, for the chart's description

    @property
    def summary_text(self) -> str:
        return self.spoken or ", ".join(self.summary)

    @property
    def summary_lines(self) -> list[tuple[str, float]]:
        """Each summary line with its baseline: two lines fill the bars' height, one sits low."""
        if len(self.summary) == 1:
            return [(self.summary[0], self.summary_y)]
        return [(self.summary[0], self.bars_top + 14), (self.summary[1], self.bars_top + 31)]

    @property
    def marks(self) -> list[Bar]:
        return [bar for bar in self.bars if bar.mark]

    @property
    def paths(self) -> list[tuple[str, str]]:
        """The row's bars as one SVG path per launch phase: a large chart then costs a few
        elements a row rather than one per bar (its figures are in the table either way)."""
        outlines: dict[str, list[str]] = {}
        for bar in self.bars:
            if not bar.mark:
                outlines.setdefault(bar.phase, []).append(
                    f"M{bar.x:.1f} {bar.y:.1f}h{bar.width:.1f}v{bar.height:.1f}h-{bar.width:.1f}z"
                )
        return [(phase, "".join(parts)) for phase, parts in outlines.items()]

    @property
    def name_y(self) -> float:
        return self.y + LABEL_HEIGHT - 6

    @property
    def bars_top(self) -> float:
        return self.y + LABEL_HEIGHT

    @property
    def bars_bottom(self) -> float:
        return self.y + LABEL_HEIGHT + BAR_HEIGHT

    @property
    def summary_y(self) -> float:
        return self.y + LABEL_HEIGHT + BAR_HEIGHT - 8


@dataclass
class Chart:
    """Geometry for a small-multiples bar chart: one row per region, one bar per period.

    Each row is drawn to its own scale (a grouping's totals would otherwise flatten its members'
    bars); the numbers are in the summary beside each row and in the table. Bars before the
    launch are hatched and after it solid, so colour never carries the meaning alone.
    """

    rows: list[ChartRow]
    height: float
    spans_launch: bool
    launch_x: float | None
    title: str
    description: str
    summary: str  # every row's figures in words, for screen readers (small charts only)
    width: int = CHART_WIDTH
    bars_width: int = BARS_WIDTH

    @property
    def bar_titles(self) -> bool:
        """Hover titles on each bar, for charts small enough that they are worth their weight
        (the numbers are always in the tables)."""
        return len(self.rows) <= MAX_ROWS_WITH_BAR_TITLES

    @classmethod
    def for_impact(cls, impact: Impact) -> "Chart":
        periods = impact.shown_periods
        count = max(len(periods), 1)
        gap = 4 if count > 1 else 0
        bar_width = min(40.0, (BARS_WIDTH - gap * (count - 1)) / count)
        launch_index = next(
            (i for i, (_p, phase) in enumerate(impact.period_columns) if phase != BEFORE), None
        )
        launch_x = (
            launch_index * (bar_width + gap) - gap / 2 if launch_index not in (None, 0) else None
        )
        rows = []
        y = LEGEND_HEIGHT + (16 if impact.has_spanning_period else 0)
        drawn = [row for row in impact.rows if row.series.has_figures or row.reported]
        titled = len(drawn) <= MAX_ROWS_WITH_BAR_TITLES
        for row in drawn:
            shown = [counted.shown for counted in row.shown_figures if counted.shown is not None]
            top = max(shown, default=0) or 1
            bars = []
            for index, (counted, (_period, phase)) in enumerate(
                zip(row.shown_figures, impact.period_columns, strict=True)
            ):
                x = index * (bar_width + gap)
                base = y + LABEL_HEIGHT + BAR_HEIGHT
                title = (
                    f"{row.region.name}, {counted.period.label}: {counted.text}" if titled else ""
                )
                if counted.shown is not None:
                    height = max(1.0, BAR_HEIGHT * counted.shown / top)
                    bars.append(Bar(x, base - height, bar_width, height, phase, title))
                elif counted.state != State.MISSING:
                    mark = "?"
                    if counted.suppressed:
                        mark = "×" if counted.withheld else f"<{counted.threshold}"
                    bars.append(Bar(x, base - 2, bar_width, 0, phase, title, mark))
            rows.append(
                ChartRow(
                    row.region.name,
                    y,
                    bars,
                    _row_summary(row, short=True),
                    ", ".join(_row_summary(row, short=False)),
                )
            )
            y += LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
        return cls(
            rows=rows,
            height=max(y, LEGEND_HEIGHT + 10),
            spans_launch=impact.has_spanning_period,
            launch_x=launch_x,
            title=_("%(metric)s by area and period") % {"metric": impact.metric.name},
            summary=(
                "; ".join(f"{row.name}: {row.summary_text}" for row in rows)
                if len(rows) <= MAX_ROWS_WITH_BAR_TITLES
                else ""
            ),
            description=_(
                "A bar for each period, in date order, for each area, each area drawn to its own "
                "scale. Hatched bars are before the campaign launched, solid bars after%(spans)s. "
                "The same figures are in the tables on this page."
            )
            % {
                "spans": _(", and outlined bars for a period the launch falls in")
                if impact.has_spanning_period
                else ""
            }
            + _marks_explained(rows, impact.metric.small_number_threshold),
        )


def _marks_explained(rows: list[ChartRow], threshold: int) -> str:
    """What the marks drawn in place of bars mean, for those the chart uses."""
    marks = {bar.mark for row in rows for bar in row.bars if bar.mark}
    words = []
    if f"<{threshold}" in marks:
        words.append(_("'<%(n)s' marks a figure below %(n)s") % {"n": threshold})
    if "×" in marks:
        words.append(_("'×' a total withheld so that small figures cannot be worked out"))
    if "?" in marks:
        words.append(_("'?' a total some of whose areas have no figure"))
    return (" " + "; ".join(words) + ".") if words else ""


def _row_summary(row: ImpactRow, *, short: bool) -> list[str]:
    """['84 → 139', 'up 65%'], or what is known instead, in at most two lines: short ones
    ('<5 → 12') beside the bars, words ('fewer than 5 to 12') for the description (a screen
    reader would read the arrow as 'right arrow')."""
    arrow = "→" if short else _("to")

    def text(counted: PeriodFigure | None) -> str:
        if counted is None:
            return "–" if short else _("not published")
        return counted.short_text if short else counted.text

    if row.change is not None:
        return [f"{row.before.text} {arrow} {row.after.text}", row.change.describe()]
    if row.reported is not None:
        return [row.reported.describe(), _("as reported")]
    known = [c for c in (row.before, row.after) if c is not None and c.state != State.MISSING]
    if known:
        # Either side of the launch, but no change can be given (a figure is hidden, or the
        # periods differ in length): the two figures, never one passed off as the whole story.
        return [f"{text(row.before)} {arrow} {text(row.after)}", _("across the launch")]
    last = next(
        (counted for counted in reversed(row.series.figures) if counted.state != State.MISSING),
        None,
    )
    if last is None:
        return [""]
    return [text(last), last.period.label]
