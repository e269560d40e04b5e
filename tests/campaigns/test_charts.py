"""The change chart's layout (campaigns/charts.py), tested as data: no database, no HTML."""

import math
from decimal import Decimal

import pytest
from django.utils import translation

from campaigns.charts import WIDTH, AreaChange, change_chart, choose_scale, percent_text, wrap

NORTH_WALES = AreaChange("North Wales", 65, note="84 → 139", spoken="84 to 139, up 65%")
SIX_AREAS = AreaChange("North West and North Wales", 103, note="1,747 → 3,549", is_grouping=True)
LANCASHIRE = AreaChange("Lancashire", Decimal("146"), reported=True, note="as reported")
CHESHIRE = AreaChange("Cheshire", Decimal("193"), reported=True, note="as reported")
CUMBRIA = AreaChange("Cumbria", Decimal("186"), reported=True, note="as reported")
MERSEYSIDE = AreaChange("Merseyside", reason="change withheld: a count is fewer than 5")
DEMO = [CHESHIRE, CUMBRIA, LANCASHIRE, MERSEYSIDE, NORTH_WALES, SIX_AREAS]


def chart_of(*areas: AreaChange):
    return change_chart(areas, metric_name="People contacting the helpline")


def texts(row) -> list[str]:
    return [label.text for label in row.labels]


def assert_laid_out_apart(chart) -> None:
    """No two texts overlap, and every one is inside the picture."""
    labels = chart.all_labels
    for label in labels:
        assert label.left >= 0 and label.right <= WIDTH, label
        assert label.top >= 0 and label.bottom <= chart.height, label
    for index, label in enumerate(labels):
        for other in labels[index + 1 :]:
            assert not label.overlaps(other), (label, other)


def test_every_area_is_drawn_to_one_scale():
    chart = chart_of(NORTH_WALES, SIX_AREAS)
    north_wales = chart.row("North Wales").bar
    six_areas = chart.row("North West and North Wales").bar
    assert north_wales.x == six_areas.x == chart.scale.zero
    assert north_wales.width / six_areas.width == pytest.approx(65 / 103)


def test_counts_are_written_beside_their_own_area_and_never_drawn():
    chart = chart_of(NORTH_WALES, SIX_AREAS)
    assert "84 → 139" in texts(chart.row("North Wales"))
    assert "84 → 139" not in texts(chart.row("North West and North Wales"))
    assert "1,747 → 3,549" in texts(chart.row("North West and North Wales"))
    # The same change from counts twenty times larger is a bar of the same length.
    larger = AreaChange("Elsewhere", 65, note="1,680 → 2,780")
    chart = chart_of(NORTH_WALES, larger, SIX_AREAS)
    assert chart.row("Elsewhere").bar.width == chart.row("North Wales").bar.width


def test_reported_percentages_get_a_bar_marked_as_reported():
    chart = chart_of(*DEMO)
    for name in ["Lancashire", "Cheshire", "Cumbria"]:
        row = chart.row(name)
        assert row.bar is not None and row.bar.reported, name
        assert "as reported" in texts(row)
    assert not chart.row("North Wales").bar.reported
    assert chart.row("Lancashire").bar.width / chart.row("North Wales").bar.width == (
        pytest.approx(146 / 65)
    )
    # The legend shows both kinds of bar, and the description says which is which.
    assert [swatch.reported for swatch in chart.swatches] == [False, True]
    assert "Hatched bars, marked 'as reported'" in chart.description


def test_an_area_without_a_change_says_why_in_words():
    chart = chart_of(*DEMO)
    row = chart.row("Merseyside")
    assert row.bar is None
    name, *reason = texts(row)
    assert name == "Merseyside"
    assert " ".join(reason) == "change withheld: a count is fewer than 5"  # over two lines
    assert len(chart.bars) == 5
    assert_laid_out_apart(chart)


def test_each_value_is_written_at_the_end_of_its_bar():
    chart = chart_of(*DEMO)
    for row in chart.rows:
        if row.bar is None:
            continue
        label = row.value_label
        assert label.left == pytest.approx(row.bar.x + row.bar.width + 5)
        assert row.bar.y <= label.y <= row.bar.y + row.bar.height
    assert chart.row("North Wales").value_label.text == "+65%"
    assert chart.row("Cheshire").value_label.text == "+193%"


def test_a_fall_is_drawn_left_of_zero_on_an_axis_that_reaches_it():
    chart = chart_of(AreaChange("Down", -20), AreaChange("Up", 50))
    down = chart.row("Down")
    assert down.bar.x + down.bar.width == pytest.approx(chart.scale.zero)
    assert down.bar.x < chart.scale.zero < chart.row("Up").bar.x + 1
    assert down.value_label.text == "−20%" and down.value_label.anchor == "end"
    assert down.value_label.right < down.bar.x
    assert chart.scale.low <= -20 and chart.ticks[0].label.startswith("−")
    assert chart.row("Up").bar.width / down.bar.width == pytest.approx(50 / 20)
    assert_laid_out_apart(chart)


def test_no_change_anywhere_still_draws_an_axis_and_zero_length_bars():
    chart = chart_of(AreaChange("A", 0), AreaChange("B", 0))
    assert [row.bar.width for row in chart.rows] == [0, 0]
    assert [row.value_label.text for row in chart.rows] == ["0%", "0%"]
    assert chart.scale.low == 0 and chart.scale.high > 0
    assert chart.ticks[0].label == "0%" and len(chart.ticks) > 1
    assert_laid_out_apart(chart)


def test_a_single_area_is_a_chart_of_one_bar():
    chart = chart_of(NORTH_WALES)
    assert [row.area.name for row in chart.rows] == ["North Wales"]
    assert len(chart.bars) == 1 and not chart.rules
    assert "Areas together" not in [label.text for label in chart.labels]
    assert chart.ticks[-1].value >= 65
    assert_laid_out_apart(chart)


def test_areas_added_together_are_set_apart_below_single_areas():
    chart = chart_of(SIX_AREAS, NORTH_WALES, LANCASHIRE)
    assert [row.area.name for row in chart.rows] == [
        "North Wales",
        "Lancashire",
        "North West and North Wales",
    ]
    (rule,) = chart.rules
    assert chart.rows[1].bottom < rule < chart.rows[2].top
    heading = next(label for label in chart.labels if label.text == "Areas together")
    assert rule < heading.top and heading.bottom < chart.rows[2].top
    name = chart.row("North West and North Wales").labels[0]
    assert name.bold and not chart.row("North Wales").labels[0].bold
    assert "Areas added together are listed last." in chart.description


@pytest.mark.parametrize(
    "values",
    [[65, 103], [65, 103, 146, 193, 186], [3], [-20, 50], [-100, 5], [0], [999], [12_000], [1]],
)
def test_ticks_are_round_numbers_covering_every_change(values):
    scale = choose_scale(values)
    ticks = [tick.value for tick in scale.ticks]
    step = scale.step
    assert step / 10 ** math.floor(math.log10(step)) in (1, 2, 5)
    assert ticks == list(range(scale.low, scale.high + step, step))
    assert scale.low <= min([0, *values]) and scale.high >= max([0, *values])
    assert 0 in ticks and 2 <= len(ticks) <= 7
    if max(values) > 0:  # no empty stretch beyond the last tick
        assert scale.high - step < max(values)
    chart = chart_of(*[AreaChange(f"Area {i}", value) for i, value in enumerate(values)])
    assert_laid_out_apart(chart)


def test_the_demo_axis_reads_0_to_200_in_steps_of_50():
    chart = chart_of(*DEMO)
    assert [tick.label for tick in chart.ticks] == ["0%", "50%", "100%", "150%", "200%"]
    assert "from 0% to +200%" in chart.description
    assert_laid_out_apart(chart)


def test_long_names_wrap_whole_and_nothing_overlaps():
    long_single = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch and Anglesey"
    areas = [
        AreaChange("Greater Manchester", 12, note="1,234,567 → 1,382,715"),
        AreaChange(long_single, Decimal("186.5"), reported=True, note="as reported"),
        AreaChange("North West and North Wales", -8, note="3,549 → 3,265", is_grouping=True),
        AreaChange(
            "North West and North Wales and every area beside it", reason="no figures published"
        ),
    ]
    chart = chart_of(*areas)
    for area in areas:
        row = chart.row(area.name)
        kinds = {"name", "group-name"}
        lines = [label.text for label in row.labels if label.kind in kinds]
        # Every letter is shown: the lines joined again give the whole name.
        assert " ".join(lines).replace("- ", "") == area.name
    assert len([label for label in chart.row(long_single).labels if label.kind == "name"]) > 1
    assert_laid_out_apart(chart)


def test_wrap_breaks_between_words_and_never_drops_a_letter():
    assert wrap("North Wales", 17, WIDTH) == ["North Wales"]
    lines = wrap("North West and North Wales", 17, 150)
    assert len(lines) > 1 and " ".join(lines) == "North West and North Wales"
    word = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch"
    pieces = wrap(word, 17, WIDTH)
    assert len(pieces) > 1 and "".join(piece.removesuffix("-") for piece in pieces) == word


def test_numbers_follow_the_language_of_the_page():
    assert percent_text(Decimal("1234.5")) == "+1,234.5%"
    assert percent_text(-20) == "−20%" and percent_text(0) == "0%"
    assert percent_text(50, plus=False) == "50%"
    with translation.override("de"):
        assert percent_text(Decimal("1234.5")) == "+1.234,5%"
