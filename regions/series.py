"""A metric's figures for a set of regions, period by period, as the public may see them.

Everything public (campaign and region pages, charts, downloads) reads figures through here, so
one set of rules applies everywhere:

- A region's value for a period is its stored figure. A grouping without a stored figure for a
  period shows the sum of its members when every member has a figure for that period, and is
  otherwise *incomplete* (never a silent partial sum).
- Values below the metric's small-number threshold are *suppressed*: shown as "fewer than N".
  So that a suppressed value cannot be worked out by subtraction, a grouping's value for a
  period is *withheld* too whenever any of its members' values for that period is suppressed.
  And every total shown for a period (stored or summed, over every grouping that shares an area
  with what is shown, wherever it is shown) is checked together with the others: wherever two of
  them, or one of them and the areas shown, would leave a set of areas adding up to fewer than
  the threshold, the larger total is withheld (see `_withhold_differences`).
- Changes are computed from counts, and never involve a suppressed or incomplete value.

All of it is one pass over rows fetched in a fixed number of queries (statistics, grouping
edges), whatever the number of regions and periods.
"""

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from regions.figures import Change, change_between, period_label
from regions.graph import GroupingGraph
from regions.models import Metric, Region, Statistic


@dataclass(frozen=True, order=True)
class Period:
    start: datetime.date
    end: datetime.date

    @property
    def label(self) -> str:
        return period_label(self.start, self.end)

    @property
    def months(self) -> Decimal:
        """The length in months: whole calendar months exactly, otherwise days / (365.25 / 12)."""
        if (
            self.start.day == 1
            and self.end.day == calendar.monthrange(self.end.year, self.end.month)[1]
        ):
            return Decimal(
                (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            )
        days = (self.end - self.start).days + 1
        return Decimal(days) / (Decimal("365.25") / 12)


class State:
    STORED = "stored"  # a figure stored for this region and period
    SUM = "sum"  # a grouping's figure: the sum of all its members' figures
    INCOMPLETE = "incomplete"  # a grouping some of whose members have no figure
    MISSING = "missing"  # nothing for this region and period


def approximate(value: Decimal) -> str:
    """'590', '23', '4.5': two significant figures from 100 up, whole numbers from 10, else one
    decimal place (rounded first, so 9.96 reads '10', not '10.0'; a whole number reads without
    '.0': 'about 2 a month', not 'about 2.0')."""
    if value < 10:
        value = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if value == value.to_integral_value():
            return number_format(int(value))
    if value >= 100:
        digits = len(str(int(value)))
        step = Decimal(10) ** (digits - 2)
        rounded = (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
        return number_format(int(rounded), force_grouping=True)
    if value >= 10:
        return number_format(int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    return number_format(value, decimal_pos=1)


@dataclass
class PeriodFigure:
    """One region's figure for one period, with what the public may see of it."""

    period: Period
    state: str = State.MISSING
    value: int | None = None  # the true count; never shown when suppressed
    suppressed: bool = False  # hidden to protect small numbers (see `withheld` for which way)
    withheld: bool = False  # hidden not for being small, but because it would reveal one
    members_reporting: int = 0
    members_total: int = 0
    source: str = ""
    threshold: int = 5
    population: int | None = None

    @property
    def shown(self) -> int | None:
        """The value the public may see, or None."""
        if self.suppressed or self.state in (State.MISSING, State.INCOMPLETE):
            return None
        return self.value

    @property
    def has_value(self) -> bool:
        return self.state in (State.STORED, State.SUM)

    @property
    def text(self) -> str:
        if self.state == State.MISSING:
            return _("not published")
        if self.state == State.INCOMPLETE:
            return _("incomplete: %(reporting)s of %(total)s areas reported") % {
                "reporting": self.members_reporting,
                "total": self.members_total,
            }
        if self.withheld:
            return _("withheld")
        if self.suppressed:
            return _("fewer than %(threshold)s") % {"threshold": self.threshold}
        return number_format(self.value, force_grouping=True)

    @property
    def short_text(self) -> str:
        """As text, but brief where a figure is narrow: '<5', 'incomplete', '–'."""
        if self.state == State.MISSING:
            return "–"
        if self.state == State.INCOMPLETE:
            return _("incomplete")
        if self.suppressed and not self.withheld:
            return f"<{self.threshold}"
        return self.text

    @property
    def _monthly_exact(self) -> Decimal | None:
        if self.shown is None or self.period.months <= 0:
            return None
        return Decimal(self.shown) / self.period.months

    @property
    def _per_100k_exact(self) -> Decimal | None:
        if self.shown is None or not self.population:
            return None
        return Decimal(self.shown) * 100_000 / Decimal(self.population)

    @property
    def monthly(self) -> str | None:
        """'about 590 a month', or None."""
        rate = self._monthly_exact
        if rate is None:
            return None
        return _("about %(number)s a month") % {"number": approximate(rate)}

    @property
    def monthly_value(self) -> Decimal | None:
        """The monthly rate to one decimal place, for downloads."""
        rate = self._monthly_exact
        return None if rate is None else rate.quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def per_100k_value(self) -> Decimal | None:
        """The rate per 100,000 people to one decimal place, or None without a population."""
        rate = self._per_100k_exact
        return None if rate is None else rate.quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def per_100k(self) -> str | None:
        """'12.3 per 100,000 people', or None without a population."""
        rate = self.per_100k_value
        if rate is None:
            return None
        return _("%(rate)s per 100,000 people") % {"rate": number_format(rate, decimal_pos=1)}


def change_of(earlier: PeriodFigure | None, later: PeriodFigure | None) -> Change | None:
    """The change between two figures the public may see, or None. Periods of different lengths
    are not compared (six months against one would read as a fall); their monthly rates are."""
    if earlier is None or later is None:
        return None
    if earlier.period.months != later.period.months:
        return None
    return change_between(earlier.shown, later.shown)


@dataclass
class Series:
    """One region's figures for a metric, one per period of the table (in period order)."""

    region: Region
    figures: list[PeriodFigure]
    is_grouping: bool = False
    changes: list[Change | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.changes = [None][: len(self.figures)] + [
            change_of(earlier, later)
            for earlier, later in zip(self.figures, self.figures[1:], strict=False)
        ]

    @property
    def points(self) -> list[tuple[PeriodFigure, Change | None]]:
        return list(zip(self.figures, self.changes, strict=True))

    @property
    def has_figures(self) -> bool:
        return any(figure.state != State.MISSING for figure in self.figures)


@dataclass
class MetricTable:
    """A metric's series for some regions, over the union of their periods."""

    metric: Metric
    periods: list[Period]
    series: list[Series]

    @property
    def sources(self) -> list[str]:
        found: dict[str, None] = {}
        for row in self.series:
            for figure in row.figures:
                if figure.source and figure.state == State.STORED:
                    found[figure.source] = None
        return list(found)


_EPSILON = 1e-6
# Per period; past it, every total that has gone into a derived sum counts as revealing.
MAX_DERIVED_SUMS = 500


def _withhold_differences(
    figures: dict[int, PeriodFigure], leaves: dict[int, frozenset[int]], threshold: int
) -> None:
    """Withhold totals until no set of areas not shown can be worked out to add up to fewer than
    the threshold, from the totals and area figures shown for one period.

    `figures` are every region's figure for the period, `leaves` the areas (regions with no members)
    inside each grouping. Each shown total says: its areas not shown add up to its value minus
    the figures shown for the others. Checked, in turn: each such sum on its own; the difference
    of any two whose areas nest (and so on); and every single area whose figure can be solved
    from all of them together (by elimination, however the totals overlap). Where a sum worked
    out this way is small, the largest total it came from is withheld, and the check starts again.
    """
    while True:
        equations: list[tuple[frozenset[int], int, int]] = []
        for region_id, figure in figures.items():
            if region_id not in leaves or figure.shown is None:
                continue
            hidden = frozenset(leaf for leaf in leaves[region_id] if figures[leaf].shown is None)
            if not hidden:
                continue  # every area shown: nothing to learn
            known = sum(figures[leaf].shown for leaf in leaves[region_id] - hidden)
            equations.append((hidden, figure.shown - known, region_id))
        revealing = next(
            (frozenset({region}) for _h, rest, region in equations if 0 <= rest < threshold),
            None,
        )
        if revealing is None:
            sums: dict[frozenset[int], tuple[int, frozenset[int]]] = {}
            for hidden, rest, region_id in equations:
                sums.setdefault(hidden, (rest, frozenset({region_id})))
            revealing = _small_difference(sums, threshold)
        if revealing is None:
            revealing = _small_solved_area(equations, threshold)
        if revealing is None:
            return
        largest = max(revealing, key=lambda region_id: (len(leaves[region_id]), region_id))
        figures[largest].suppressed = figures[largest].withheld = True


def _small_solved_area(
    equations: list[tuple[frozenset[int], int, int]], threshold: int
) -> frozenset[int] | None:
    """The totals that involve an area whose figure the totals pin down to below the threshold
    (such as A in A + B = 53, B + C = 110, A + C = 63), or None. Gauss-Jordan elimination over
    the areas not shown, in floating point with partial pivoting (the coefficients are 0 and 1,
    so it is well conditioned; `_EPSILON` absorbs rounding)."""
    if len(equations) < 2:
        return None
    # Areas that are in exactly the same totals can only ever be worked out together: each such
    # group is one unknown (which keeps the elimination small, and catches a small group too).
    groups: dict[frozenset[int], list[int]] = defaultdict(list)
    for area in sorted(set().union(*(hidden for hidden, _rest, _region in equations))):
        signature = frozenset(i for i, (hidden, _r, _g) in enumerate(equations) if area in hidden)
        groups[signature].append(area)
    columns = list(groups.values())
    rows = []
    for index, (_hidden, rest, _region) in enumerate(equations):
        row = [float(index in signature) for signature in groups]
        row.append(float(rest))
        rows.append(row)
    pivot_row = 0
    pivots: list[int] = []
    for column in range(len(columns)):
        found = max(range(pivot_row, len(rows)), key=lambda r: abs(rows[r][column]))
        if abs(rows[found][column]) < _EPSILON:
            continue
        rows[pivot_row], rows[found] = rows[found], rows[pivot_row]
        lead = rows[pivot_row][column]
        pivot = [value / lead for value in rows[pivot_row]]
        rows[pivot_row] = pivot
        for r in range(len(rows)):
            factor = rows[r][column]
            if r != pivot_row and abs(factor) >= _EPSILON:
                rows[r] = [a - factor * b for a, b in zip(rows[r], pivot, strict=True)]
        pivots.append(column)
        pivot_row += 1
        if pivot_row == len(rows):
            break
    for r, column in enumerate(pivots):
        if any(abs(rows[r][c]) >= _EPSILON for c in range(len(columns)) if c != column):
            continue  # this area's figure is tied to others': not pinned down
        if -_EPSILON < rows[r][-1] < threshold - _EPSILON:
            area = columns[column][0]
            return frozenset(region for hidden, _rest, region in equations if area in hidden)
    return None


def _small_difference(
    sums: dict[frozenset[int], tuple[int, frozenset[int]]], threshold: int
) -> frozenset[int] | None:
    """The totals behind a small sum of areas not shown, if any can be derived."""
    queue = list(sums.items())
    while queue:
        areas, (total, origins) = queue.pop()
        if 0 <= total < threshold:
            return origins
        for other, (other_total, other_origins) in list(sums.items()):
            if not (other < areas or areas < other):
                continue
            bigger, smaller = (areas, other) if other < areas else (other, areas)
            difference = bigger - smaller
            if difference in sums:
                continue
            value = (total - other_total) if bigger is areas else (other_total - total)
            derived = (value, origins | other_origins)
            if len(sums) >= MAX_DERIVED_SUMS:
                return frozenset(o for _areas, (_v, found) in sums.items() for o in found)
            sums[difference] = derived
            queue.append((difference, derived))
    return None


class Figures:
    """The statistics of some metrics over some regions and all their members, fetched once."""

    def __init__(
        self,
        *,
        metrics: Iterable[Metric],
        regions: Iterable[Region],
        graph: GroupingGraph | None = None,
    ) -> None:
        self.metrics = list(metrics)
        self.regions = list(regions)
        self.graph = GroupingGraph.load() if graph is None else graph
        # Every total that shares an area with what is shown is weighed with it, so the same
        # figures are withheld on every page that shows them.
        self.component = self.graph.connected(r.pk for r in self.regions)
        self.values: dict[tuple[int, int], dict[Period, tuple[int, str]]] = defaultdict(dict)
        self.populations: dict[int, int | None] = {}
        rows = Statistic.objects.filter(
            metric__in=[m.pk for m in self.metrics], region_id__in=self.component
        ).values_list("metric_id", "region_id", "period_start", "period_end", "value", "source")
        for metric_id, region_id, start, end, value, source in rows:
            self.values[(metric_id, region_id)][Period(start, end)] = (value, source)
        for region in self.regions:
            self.populations[region.pk] = region.population
        self._leaf_sets: dict[int, frozenset[int]] | None = None

    def table(self, metric: Metric, regions: Iterable[Region] | None = None) -> MetricTable:
        """The metric's series for the given regions (default: all), over their periods."""
        regions = list(self.regions if regions is None else regions)
        memo: dict[tuple[int, Period], PeriodFigure] = {}
        inside = self.graph.with_descendants(r.pk for r in regions)
        periods = sorted(
            {
                period
                for (metric_id, region_id), by_period in self.values.items()
                if metric_id == metric.pk and region_id in inside
                for period in by_period
            }
        )

        def figure(region_id: int, period: Period, path: frozenset = frozenset()) -> PeriodFigure:
            key = (region_id, period)
            if key in memo:
                return memo[key]
            result = PeriodFigure(period=period, threshold=metric.small_number_threshold)
            result.population = self.populations.get(region_id)
            stored = self.values.get((metric.pk, region_id), {}).get(period)
            members = [m for m in self.graph.members.get(region_id, ()) if m not in path]
            member_figures = [figure(m, period, path | {region_id}) for m in members]
            if stored is not None:
                result.state = State.STORED
                result.value, result.source = stored
            elif members:
                reporting = [c for c in member_figures if c.has_value]
                result.members_total = len(members)
                result.members_reporting = len(reporting)
                if len(reporting) == len(members):
                    result.state = State.SUM
                    result.value = sum(c.value for c in reporting)
                else:
                    result.state = State.INCOMPLETE
            if result.has_value:
                if result.value < metric.small_number_threshold:
                    result.suppressed = True
                elif any(c.suppressed for c in member_figures):
                    result.suppressed = result.withheld = True
            memo[key] = result
            return result

        if self._leaf_sets is None:
            self._leaf_sets = self.graph.leaves()
        for period in periods:
            figures = {region_id: figure(region_id, period) for region_id in self.component}
            _withhold_differences(figures, self._leaf_sets, metric.small_number_threshold)

        series = [
            Series(
                region=region,
                figures=[figure(region.pk, period) for period in periods],
                is_grouping=self.graph.is_grouping(region.pk),
            )
            for region in regions
        ]
        return MetricTable(metric=metric, periods=periods, series=series)
