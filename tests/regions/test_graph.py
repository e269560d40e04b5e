"""The grouping graph: what is inside what, walked the same way by every part of the site."""

import pytest

from regions.graph import GroupingGraph
from tests.regions.factories import RegionFactory

# England > North West > Cumbria; Wales > North Wales; the ROCU area holds Cumbria and North Wales.
EDGES = [
    ("england", "north-west"),
    ("north-west", "cumbria"),
    ("wales", "north-wales"),
    ("rocu", "cumbria"),
    ("rocu", "north-wales"),
]


@pytest.fixture
def graph() -> GroupingGraph:
    return GroupingGraph(EDGES)


def test_descendants_are_every_region_inside_at_any_depth(graph):
    assert graph.descendants(["england"]) == {"north-west", "cumbria"}
    assert graph.descendants(["cumbria"]) == set()
    assert graph.with_descendants(["wales", "rocu"]) == {"wales", "rocu", "north-wales", "cumbria"}


def test_ancestors_are_every_grouping_a_region_is_in(graph):
    assert graph.ancestors(["cumbria"]) == {"north-west", "england", "rocu"}
    assert graph.ancestors(["england"]) == set()


def test_connected_reaches_every_region_whose_figures_can_be_weighed_together(graph):
    # Wales shares North Wales with the ROCU area, which shares Cumbria with the North West.
    assert graph.connected(["wales"]) == {
        "wales",
        "north-wales",
        "rocu",
        "cumbria",
        "north-west",
        "england",
    }
    assert GroupingGraph([("a", "b"), ("c", "d")]).connected(["a"]) == {"a", "b"}


def test_leaves_are_the_areas_without_members_inside_each_grouping(graph):
    leaves = graph.leaves()
    assert leaves["england"] == {"cumbria"}
    assert leaves["rocu"] == {"cumbria", "north-wales"}
    assert "cumbria" not in leaves  # not a grouping
    assert graph.is_grouping("rocu") and not graph.is_grouping("cumbria")


def test_a_grouping_inside_a_region_would_make_a_loop(graph):
    assert graph.makes_loop("england", "cumbria")  # Cumbria is inside England
    assert graph.makes_loop("wales", "wales")
    assert not graph.makes_loop("cumbria", "wales")


def test_restating_a_regions_groupings_drops_only_its_own_edges_upwards(graph):
    restated = graph.without_groupings_of(["cumbria"])
    assert restated.ancestors(["cumbria"]) == set()
    assert restated.descendants(["england"]) == {"north-west"}
    assert graph.ancestors(["cumbria"]) == {"north-west", "england", "rocu"}  # a copy


def test_every_walk_ends_even_if_a_loop_got_in():
    looped = GroupingGraph([("a", "b"), ("b", "a")])
    assert looped.descendants(["a"]) == {"a", "b"}
    assert looped.ancestors(["a"]) == {"a", "b"}


@pytest.mark.django_db
def test_load_reads_the_stored_groupings_in_one_query(django_assert_num_queries):
    wales, north_wales, gwent = RegionFactory.create_batch(3)
    north_wales.groupings.set([wales])
    gwent.groupings.set([wales])

    with django_assert_num_queries(1):
        graph = GroupingGraph.load()

    assert graph.descendants([wales.pk]) == {north_wales.pk, gwent.pk}
