"""Reads about regions and their figures, each in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import QuerySet

from regions.graph import GroupingGraph
from regions.models import Organisation, Region, Statistic


def regions_covered_by(organisation: Organisation) -> QuerySet[Region]:
    """Every region an organisation covers: its own regions and all their members."""
    own = organisation.regions.values_list("pk", flat=True)
    return Region.objects.filter(pk__in=GroupingGraph.load().with_descendants(own))


@dataclass(frozen=True)
class Discrepancy:
    """A grouping's stored figure that differs from the sum of its members' figures."""

    statistic: Statistic
    members_total: int

    def __str__(self) -> str:
        return (
            f"{self.statistic.region.name}, {self.statistic.metric.name}, "
            f"{self.statistic.period_start:%d/%m/%Y}–{self.statistic.period_end:%d/%m/%Y}: "
            f"stored {self.statistic.value:,}, its areas add up to {self.members_total:,}"
        )


def grouping_discrepancies(statistics: QuerySet[Statistic]) -> list[Discrepancy]:
    """Stored grouping figures among `statistics` whose members all have a figure for the same
    metric and period (stored, or for a member grouping without one, the sum of its own members),
    adding up to a different total (three queries)."""
    graph = GroupingGraph.load()
    members = graph.members
    totals = list(
        statistics.filter(region_id__in=[g for g in members if members[g]]).select_related(
            "region", "metric"
        )
    )
    if not totals:
        return []
    wanted = graph.with_descendants({s.region_id for s in totals})
    values = {
        (metric_id, region_id, start, end): value
        for metric_id, region_id, start, end, value in Statistic.objects.filter(
            metric_id__in={s.metric_id for s in totals}, region_id__in=wanted
        ).values_list("metric_id", "region_id", "period_start", "period_end", "value")
    }

    def value_of(metric_id, region_id, start, end, path: frozenset) -> int | None:
        stored = values.get((metric_id, region_id, start, end))
        if stored is not None:
            return stored
        return members_sum(metric_id, region_id, start, end, path)

    def members_sum(metric_id, region_id, start, end, path: frozenset) -> int | None:
        inside = [m for m in members.get(region_id, ()) if m not in path]
        if not inside:
            return None
        parts = [value_of(metric_id, m, start, end, path | {region_id}) for m in inside]
        return None if any(part is None for part in parts) else sum(parts)

    found = []
    for total in totals:
        members_total = members_sum(
            total.metric_id, total.region_id, total.period_start, total.period_end, frozenset()
        )
        if members_total is not None and members_total != total.value:
            found.append(Discrepancy(total, members_total))
    return found


def overlapping_periods(statistics: QuerySet[Statistic]) -> list[str]:
    """Periods of one metric that overlap without being the same, among `statistics` (one
    query): stored before the rule against them, or written around the admin and the import.
    Public figures cannot be trusted to hide small numbers while they stand."""
    periods = (
        statistics.order_by().values_list("metric__name", "period_start", "period_end").distinct()
    )
    by_metric: dict[str, list[tuple]] = {}
    for name, start, end in periods:
        by_metric.setdefault(name, []).append((start, end))
    found = []
    for name, spans in sorted(by_metric.items()):
        spans.sort()
        latest_end = None
        previous = None
        for start, end in spans:
            if latest_end is not None and start <= latest_end:
                found.append(
                    f"{name}: {start:%d/%m/%Y} to {end:%d/%m/%Y} overlaps "
                    f"{previous[0]:%d/%m/%Y} to {previous[1]:%d/%m/%Y}"
                )
            if latest_end is None or end > latest_end:
                latest_end, previous = end, (start, end)
    return found
