"""A metric's figures for a set of regions, period by period, as the public may see them.

Everything public (campaign and region pages, charts, downloads) reads figures through here, so
one set of rules applies everywhere:

- A region's value for a period is its stored figure. A grouping without a stored figure for a
  period shows the sum of its members when every member has a figure for that period, and is
  otherwise *incomplete* (never a silent partial sum).
- Values below the metric's small-number threshold are *suppressed*: shown as "fewer than N".
  So that a suppressed value cannot be worked out by subtraction, a grouping's value for a
  period is *withheld* too whenever any of its members' values for that period is suppressed,
  and a grouping's stored total is withheld when its members that are shown add up to within
  the threshold of it (the members with no figure would then be known to be small).
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
from regions.models import Metric, Region, Statistic
from regions.selectors import grouping_edges, region_member_ids


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
    decimal place (rounded first, so 9.96 reads '10', not '10.0'; 0 reads '0')."""
    if value < 10:
        value = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if value == 0:
            return "0"
    if value >= 100:
        digits = len(str(int(value)))
        step = Decimal(10) ** (digits - 2)
        rounded = (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
        return number_format(int(rounded), force_grouping=True)
    if value >= 10:
        return number_format(int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    return number_format(value, decimal_pos=1)


@dataclass
class Cell:
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
    parts: list["Cell"] = field(default_factory=list, repr=False)  # a grouping's members' cells

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
            return _("no figure")
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
        """As text, but brief where a cell is narrow: '<5', 'incomplete', '–'."""
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


def change_of(earlier: Cell | None, later: Cell | None) -> Change | None:
    """The change between two cells the public may see, or None."""
    if earlier is None or later is None:
        return None
    return change_between(earlier.shown, later.shown)


@dataclass
class Series:
    """One region's cells for a metric, one per period of the table (in period order)."""

    region: Region
    cells: list[Cell]
    is_grouping: bool = False
    changes: list[Change | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.changes = [None][: len(self.cells)] + [
            change_of(earlier, later)
            for earlier, later in zip(self.cells, self.cells[1:], strict=False)
        ]

    @property
    def points(self) -> list[tuple[Cell, Change | None]]:
        return list(zip(self.cells, self.changes, strict=True))

    @property
    def has_figures(self) -> bool:
        return any(cell.state != State.MISSING for cell in self.cells)


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
            for cell in row.cells:
                if cell.source and cell.state == State.STORED:
                    found[cell.source] = None
        return list(found)


def _reveals_small_remainder(total: int, member_cells: list[Cell], threshold: int) -> bool:
    """Whether showing a grouping's stored total beside its members' shown figures would let a
    reader work out that the members with no figure add up to fewer than the threshold."""
    known, unknown = _known_parts(member_cells)
    return unknown and 0 <= total - known < threshold


def _known_parts(member_cells: list[Cell]) -> tuple[int, bool]:
    """The sum of the figures shown for these members (or, for a member grouping with no figure
    of its own, for its members), and whether any part is not shown."""
    known, unknown = 0, False
    for member in member_cells:
        if member.shown is not None:
            known += member.shown
        elif member.state == State.INCOMPLETE:
            part_known, _part_unknown = _known_parts(member.parts)
            known += part_known
            unknown = True
        else:
            unknown = True
    return known, unknown


class Figures:
    """The statistics of some metrics over some regions and all their members, fetched once."""

    def __init__(
        self,
        *,
        metrics: Iterable[Metric],
        regions: Iterable[Region],
        edges: list[tuple[int, int]] | None = None,
    ) -> None:
        self.metrics = list(metrics)
        self.regions = list(regions)
        self.edges = grouping_edges() if edges is None else edges
        self.members: dict[int, list[int]] = defaultdict(list)
        for grouping_id, member_id in self.edges:
            self.members[grouping_id].append(member_id)
        wanted = region_member_ids([region.pk for region in self.regions], edges=self.edges)
        self.values: dict[tuple[int, int], dict[Period, tuple[int, str]]] = defaultdict(dict)
        self.populations: dict[int, int | None] = {}
        rows = Statistic.objects.filter(
            metric__in=[m.pk for m in self.metrics], region_id__in=wanted
        ).values_list("metric_id", "region_id", "period_start", "period_end", "value", "source")
        for metric_id, region_id, start, end, value, source in rows:
            self.values[(metric_id, region_id)][Period(start, end)] = (value, source)
        for region in self.regions:
            self.populations[region.pk] = region.population

    def table(self, metric: Metric, regions: Iterable[Region] | None = None) -> MetricTable:
        """The metric's series for the given regions (default: all), over their periods."""
        regions = list(self.regions if regions is None else regions)
        memo: dict[tuple[int, Period], Cell] = {}
        inside = region_member_ids([r.pk for r in regions], edges=self.edges)
        periods = sorted(
            {
                period
                for (metric_id, region_id), by_period in self.values.items()
                if metric_id == metric.pk and region_id in inside
                for period in by_period
            }
        )

        def cell(region_id: int, period: Period, path: frozenset = frozenset()) -> Cell:
            key = (region_id, period)
            if key in memo:
                return memo[key]
            result = Cell(period=period, threshold=metric.small_number_threshold)
            result.population = self.populations.get(region_id)
            stored = self.values.get((metric.pk, region_id), {}).get(period)
            members = [m for m in self.members.get(region_id, []) if m not in path]
            member_cells = [cell(m, period, path | {region_id}) for m in members]
            result.parts = member_cells
            if stored is not None:
                result.state = State.STORED
                result.value, result.source = stored
            elif members:
                reporting = [c for c in member_cells if c.has_value]
                result.members_total = len(members)
                result.members_reporting = len(reporting)
                if len(reporting) == len(members):
                    result.state = State.SUM
                    result.value = sum(c.value for c in reporting)
                else:
                    result.state = State.INCOMPLETE
            if result.has_value:
                threshold = metric.small_number_threshold
                if result.value < threshold:
                    result.suppressed = True
                elif any(c.suppressed for c in member_cells) or (
                    result.state == State.STORED
                    and _reveals_small_remainder(result.value, member_cells, threshold)
                ):
                    result.suppressed = result.withheld = True
            memo[key] = result
            return result

        series = [
            Series(
                region=region,
                cells=[cell(region.pk, period) for period in periods],
                is_grouping=bool(self.members.get(region.pk)),
            )
            for region in regions
        ]
        return MetricTable(metric=metric, periods=periods, series=series)
