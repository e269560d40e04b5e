"""Which regions are inside which: the grouping graph, walked in one place.

A region may sit in several groupings (North Wales is in Wales and in the North West and North
Wales grouping), and groupings nest (Cumbria is in the North West, which is in England), so the
groupings form a directed graph from each grouping to its members. Everything that needs to know
what is inside what (who covers which areas, which figures add up to which totals, what the
public pages show for a grouping, whether a new grouping would make a loop) asks a GroupingGraph.

Nodes are region ids, or anything else hashable that stands for a region (the regions import
uses ('row', n) for a region a file is about to create). Loops are refused by the region form and
the import (`makes_loop`), but every walk here would also end if one had got in.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable

Node = Hashable


def grouping_edges() -> list[tuple[int, int]]:
    """Every (grouping id, member id) pair, in one query."""
    from regions.models import Region

    return list(Region.groupings.through.objects.values_list("to_region_id", "from_region_id"))


class GroupingGraph:
    """The groupings as a graph: `members` maps a grouping to the regions directly in it,
    `groupings` maps a region to the groupings it is directly in."""

    def __init__(self, edges: Iterable[tuple[Node, Node]] = ()) -> None:
        self.members: dict[Node, set[Node]] = defaultdict(set)
        self.groupings: dict[Node, set[Node]] = defaultdict(set)
        for grouping, member in edges:
            self.add(grouping, member)

    @classmethod
    def load(cls) -> "GroupingGraph":
        """The stored groupings (one query)."""
        return cls(grouping_edges())

    def add(self, grouping: Node, member: Node) -> None:
        self.members[grouping].add(member)
        self.groupings[member].add(grouping)

    def without_groupings_of(self, regions: Iterable[Node]) -> "GroupingGraph":
        """A copy without the edges from these regions up to their groupings: the graph as it
        would be while a form or a file states them anew."""
        restated = set(regions)
        return GroupingGraph(
            (grouping, member)
            for grouping, members in self.members.items()
            for member in members
            if member not in restated
        )

    def is_grouping(self, region: Node) -> bool:
        """Whether anything is inside the region."""
        return bool(self.members.get(region))

    @staticmethod
    def _reach(start: Iterable[Node], step: dict[Node, set[Node]]) -> set[Node]:
        """Every node reached from `start` by one or more steps."""
        found: set[Node] = set()
        frontier = list(start)
        while frontier:
            for neighbour in step.get(frontier.pop(), ()):
                if neighbour not in found:
                    found.add(neighbour)
                    frontier.append(neighbour)
        return found

    def descendants(self, regions: Iterable[Node]) -> set[Node]:
        """Every region inside the given ones, at any depth."""
        return self._reach(regions, self.members)

    def ancestors(self, regions: Iterable[Node]) -> set[Node]:
        """Every grouping the given regions are in, at any depth."""
        return self._reach(regions, self.groupings)

    def with_descendants(self, regions: Iterable[Node]) -> set[Node]:
        """The given regions and every region inside them."""
        regions = set(regions)
        return regions | self.descendants(regions)

    def connected(self, regions: Iterable[Node]) -> set[Node]:
        """The regions, every grouping any of them is in, everything inside those, and so on:
        every region whose figures can be weighed against theirs."""
        found = set(regions)
        frontier = list(found)
        while frontier:
            region = frontier.pop()
            for neighbour in (*self.members.get(region, ()), *self.groupings.get(region, ())):
                if neighbour not in found:
                    found.add(neighbour)
                    frontier.append(neighbour)
        return found

    def makes_loop(self, region: Node, grouping: Node) -> bool:
        """Whether putting `region` in `grouping` would close a loop: the grouping is the region
        itself, or already inside it."""
        return grouping == region or grouping in self.descendants([region])

    def leaves(self) -> dict[Node, frozenset[Node]]:
        """For each grouping, the areas with no members of their own inside it, at any depth."""
        memo: dict[Node, frozenset[Node]] = {}

        def leaves_of(region: Node, path: frozenset) -> frozenset[Node]:
            if region in memo:
                return memo[region]
            inside = [m for m in self.members.get(region, ()) if m not in path]
            if not inside:
                found = frozenset({region})
            else:
                found = frozenset().union(*(leaves_of(m, path | {region}) for m in inside))
            memo[region] = found
            return found

        return {
            region: leaves_of(region, frozenset())
            for region in list(self.members)
            if self.members[region]
        }
