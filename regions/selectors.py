"""Reads about regions and their figures, each in a fixed number of queries."""

from collections.abc import Iterable

from django.db.models import QuerySet

from regions.models import Organisation, Region, Statistic


def grouping_edges() -> list[tuple[int, int]]:
    """Every (grouping id, member id) pair, in one query."""
    return list(Region.groupings.through.objects.values_list("to_region_id", "from_region_id"))


def region_member_ids(
    region_ids: Iterable[int], *, edges: list[tuple[int, int]] | None = None
) -> set[int]:
    """The given regions and every region inside them, however deep (one query, or none when
    the grouping edges are given)."""
    children: dict[int, set[int]] = {}
    for grouping_id, member_id in grouping_edges() if edges is None else edges:
        children.setdefault(grouping_id, set()).add(member_id)
    found = set(region_ids)
    frontier = list(found)
    while frontier:
        for child in children.get(frontier.pop(), ()):
            if child not in found:
                found.add(child)
                frontier.append(child)
    return found


def regions_covered_by(organisation: Organisation) -> QuerySet[Region]:
    """Every region an organisation covers: its own regions and all their members."""
    own = organisation.regions.values_list("pk", flat=True)
    return Region.objects.filter(pk__in=region_member_ids(own))


def statistics_for(*, metric_ids: Iterable[int], region_ids: Iterable[int]) -> QuerySet[Statistic]:
    """Statistics for the given metrics and regions, in period order, in one query."""
    return (
        Statistic.objects.filter(metric_id__in=list(metric_ids), region_id__in=list(region_ids))
        .only("metric_id", "region_id", "period_start", "period_end", "value", "source")
        .order_by("metric_id", "region_id", "period_start", "period_end")
    )
