"""The chart of what a campaign changed: every area's percentage change on one shared scale.

Why one scale: a reader compares bars by their length, so every bar in a chart measures the same
thing (the change in per cent) against the same labelled axis, and North Wales's +65% is drawn
shorter than the six areas' +103%, in that ratio. Why counts are not bars: 84 → 139 and
1,747 → 3,549 differ twentyfold, so drawn on one scale the small area's bars vanish, and drawn each
to its own scale they look alike. Counts are written beside their own area instead. A change
published only as a percentage ("as reported") gets a bar like any other, hatched and labelled in
words so it is never taken for one worked out from counts; an area with no change to show says
why in words rather than leaving a gap.

Everything here is pure: `change_chart` takes plain `AreaChange` values and returns geometry
(bars, ticks and text labels with their estimated extents), so the layout can be tested without
HTML; templates/includes/chart.html only draws it. Text widths are estimated from DejaVu Sans, one
of the widest common sans-serif faces (and what a Debian browser falls back to), so labels placed
apart for it stay apart in the narrower faces phones use.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

# Chart units. The chart is drawn 320 units wide and scaled to its box: at most 24rem wide
# (static/css/site.css), and 288 px on a 320 px phone, where 16 units are 14.4 px. No text is
# smaller than that.
WIDTH = 320
TEXT_SIZE = 16
NAME_SIZE = 17
LINE = 21  # baseline to baseline for a line of names or words
BAR_HEIGHT = 20
ROW_GAP = 8
LABEL_GAP = 5  # between a bar's end and its value
MAX_TICK_INTERVALS = 6
# Beyond this many areas the description leaves out each area's words: the tables have them.
MAX_AREAS_DESCRIBED = 30

# Advance widths in em of DejaVu Sans, rounded up into a few classes.
_EM_WIDTHS = [
    (" ", 0.33),
    ("ijlIJ'|.,:;!", 0.35),
    ("frt()[]-/", 0.42),
    ("–", 0.5),
    ("cszL?", 0.56),
    ("0123456789abdeghknopquvxyEFPTSY", 0.64),
    ("DGHNOQ", 0.8),
    ("+−→<>=×", 0.84),
    ("mw", 0.97),
    ("MW%", 1.0),
]
_EM = {char: width for chars, width in _EM_WIDTHS for char in chars}
_EM_OTHER = 0.73  # other capitals and any letter not listed (ŵ, ŷ, â ...)
_BOLD = 1.12
# Vertical extent of the face, in em, from the baseline.
_ASCENT = 0.93
_DESCENT = 0.24


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The estimated width of a line of text, in chart units (a little over, never under, for
    DejaVu Sans)."""
    em = sum(_EM.get(char, _EM_OTHER) for char in text)
    return em * size * (_BOLD if bold else 1)


def wrap(text: str, size: float, width: float, *, bold: bool = False) -> list[str]:
    """The text in lines no wider than `width`, broken between words; a single word wider than
    that is broken with a hyphen rather than cut short, so every letter of a name is shown."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        joined = f"{current} {word}" if current else word
        if text_width(joined, size, bold=bold) <= width:
            current = joined
            continue
        if current:
            lines.append(current)
        while text_width(word, size, bold=bold) > width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and text_width(word[:cut] + "-", size, bold=bold) > width:
                cut -= 1
            lines.append(word[:cut] + "-")
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines or [""]


def percent_text(value: Decimal | int, *, plus: bool = True) -> str:
    """'+65%', '−20%', '0%', '+146.5%': signed, with the locale's digits and separators. An
    axis's labels go without the plus ('50%'), as axes do: a 320 px phone fits five of them
    across beside the bars' own labels, where '+150%' leaves room for three."""
    places = 0 if value == int(value) else 1
    sign = "+" if value > 0 and plus else ("−" if value < 0 else "")
    number = number_format(abs(value), decimal_pos=places, force_grouping=True)
    return _("%(sign)s%(number)s%%") % {"sign": sign, "number": number}


@dataclass(frozen=True)
class AreaChange:
    """What the chart shows of one area: its change in per cent, or in words why there is none.

    `counts` ('84 → 139') goes only with a change worked out from counts; `reported` marks one
    published as a percentage without them. `spoken` is the area's figures in words for the
    chart's description.
    """

    name: str
    percent: Decimal | int | None = None
    reported: bool = False
    note: str = ""  # beside the name: the counts, or 'as reported'
    reason: str = ""  # why no change is shown, when percent is None
    is_grouping: bool = False
    spoken: str = ""


@dataclass(frozen=True)
class Label:
    """A line of text: its baseline starts at (x, y), ends there or is centred there."""

    x: float
    y: float
    text: str
    kind: str  # the CSS class is chart-<kind>
    size: int = TEXT_SIZE
    bold: bool = False
    anchor: str = "start"  # or "end", "middle"

    @property
    def width(self) -> float:
        return text_width(self.text, self.size, bold=self.bold)

    @property
    def left(self) -> float:
        if self.anchor == "end":
            return self.x - self.width
        if self.anchor == "middle":
            return self.x - self.width / 2
        return self.x

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def top(self) -> float:
        return self.y - _ASCENT * self.size

    @property
    def bottom(self) -> float:
        return self.y + _DESCENT * self.size

    def overlaps(self, other: "Label") -> bool:
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    reported: bool = False


@dataclass(frozen=True)
class Tick:
    value: int
    x: float
    label: str


@dataclass
class ChartRow:
    area: AreaChange
    top: float
    bottom: float
    bar: Bar | None
    labels: list[Label]

    @property
    def value_label(self) -> Label | None:
        return next((label for label in self.labels if label.kind == "value"), None)


@dataclass
class Scale:
    """The shared axis: from `low` to `high` per cent, drawn from x `left` to `right`."""

    low: int
    high: int
    step: int
    left: float
    right: float

    def x(self, value: Decimal | int | float) -> float:
        return self.left + (float(value) - self.low) / (self.high - self.low) * (
            self.right - self.left
        )

    @property
    def zero(self) -> float:
        return self.x(0)

    @property
    def ticks(self) -> list[Tick]:
        values = range(self.low, self.high + self.step, self.step)
        return [Tick(value, self.x(value), percent_text(value, plus=False)) for value in values]


@dataclass
class ChangeChart:
    rows: list[ChartRow]
    scale: Scale
    labels: list[Label]  # the legend's, the axes' and the headings' (rows have their own)
    swatches: list[Bar]  # the legend's samples
    rules: list[float]  # y of each line setting groupings apart from single areas
    bands: list[tuple[float, float]]  # top and bottom of each stretch the gridlines cross
    height: float
    title: str
    description: str
    summary: str  # every area's figures in words ('' for a chart of many areas)
    width: int = WIDTH

    @property
    def ticks(self) -> list[Tick]:
        return self.scale.ticks

    @property
    def bars(self) -> list[Bar]:
        return [row.bar for row in self.rows if row.bar is not None]

    @property
    def has_bars(self) -> bool:
        return bool(self.bars)

    @property
    def all_labels(self) -> list[Label]:
        return self.labels + [label for row in self.rows for label in row.labels]

    @property
    def grid_path(self) -> str:
        """The gridlines, as one SVG path: drawn across the axes' tick marks and the rows with a
        bar only, so that no line runs through an area's name or words."""
        return "".join(
            f"M{tick.x:.1f} {top:.1f}V{bottom:.1f}"
            for tick in self.ticks
            if tick.value != 0
            for top, bottom in self.bands
        )

    @property
    def zero_path(self) -> str:
        zero = self.scale.zero
        return "".join(f"M{zero:.1f} {top:.1f}V{bottom:.1f}" for top, bottom in self.bands)

    def row(self, name: str) -> ChartRow:
        return next(row for row in self.rows if row.area.name == name)


def _nice_steps():
    for power in range(0, 9):
        for multiple in (1, 2, 5):
            yield multiple * 10**power


def choose_scale(values: Sequence[Decimal | int]) -> Scale:
    """The shared axis: from 0 (or the nice tick below the largest fall) to the nice tick at or
    above the largest rise, in the smallest step of 1, 2 or 5 times a power of ten whose labels
    fit side by side. Room is left at either end for the value written beside each bar."""
    low_value = min([0, *values])
    high_value = max([0, *values])
    if low_value == high_value:  # no change anywhere: an axis still needs a length
        high_value = 10
    right_room = max(
        [text_width(percent_text(v), TEXT_SIZE, bold=True) for v in values if v >= 0] or [0]
    )
    left_room = max(
        [text_width(percent_text(v), TEXT_SIZE, bold=True) for v in values if v < 0] or [0]
    )
    for step in _nice_steps():
        low = math.floor(low_value / step) * step
        high = math.ceil(high_value / step) * step
        if (high - low) / step > MAX_TICK_INTERVALS:
            continue
        labels = [percent_text(v, plus=False) for v in range(low, high + step, step)]
        widest = max(text_width(label, TEXT_SIZE) for label in labels)
        left = max(text_width(labels[0], TEXT_SIZE) / 2, left_room + LABEL_GAP if left_room else 0)
        right = WIDTH - max(
            text_width(labels[-1], TEXT_SIZE) / 2, right_room + LABEL_GAP if right_room else 0
        )
        if (right - left) / (len(labels) - 1) >= widest + 8:
            return Scale(low=low, high=high, step=step, left=left, right=right)
    raise ValueError("no scale fits")  # pragma: no cover - steps grow without end


class _Layout:
    """Lays the chart out from the top down: legend, axis, areas, then groupings of areas."""

    def __init__(self, areas: Sequence[AreaChange]):
        self.areas = list(areas)
        self.scale = choose_scale([a.percent for a in self.areas if a.percent is not None])
        self.labels: list[Label] = []
        self.swatches: list[Bar] = []
        self.rules: list[float] = []
        self.bands: list[tuple[float, float]] = []
        self.rows: list[ChartRow] = []
        self.y = 0.0

    def legend(self) -> None:
        kinds = [
            (False, _("worked out from counts")),
            (True, _("as reported, without counts")),
        ]
        for reported, words in kinds:
            if any(a.percent is not None and a.reported == reported for a in self.areas):
                self.swatches.append(Bar(0, self.y + 3, 16, 16, reported))
                for line in wrap(words, TEXT_SIZE, WIDTH - 24):
                    self.labels.append(Label(24, self.y + 16, line, "legend"))
                    self.y += LINE
        self.y += 4

    def axis(self, *, title: bool) -> None:
        if title:
            self.labels.append(Label(0, self.y + 16, _("Change"), "axis", bold=True))
            self.y += LINE
        for tick in self.scale.ticks:
            self.labels.append(Label(tick.x, self.y + 16, tick.label, "tick", anchor="middle"))
        self.bands.append((self.y + 21, self.y + 27))  # the tick marks
        self.y += LINE + 8

    def area(self, area: AreaChange) -> None:
        top = self.y
        labels: list[Label] = []
        size, bold = NAME_SIZE, area.is_grouping
        names = wrap(area.name, size, WIDTH, bold=bold)
        for line in names:
            labels.append(Label(0, self.y + 16, line, "group-name" if bold else "name", size, bold))
            self.y += LINE
        note = Label(WIDTH, self.y - LINE + 16, area.note, "note", anchor="end")
        note_beside_name = bool(area.note) and note.left >= labels[-1].right + 12
        if note_beside_name:
            labels.append(note)
        self.y += 3
        bar = None
        if area.percent is not None:
            bar = self.bar(area)
            end = bar.x if area.percent < 0 else bar.x + bar.width
            labels.append(
                Label(
                    end - LABEL_GAP if area.percent < 0 else end + LABEL_GAP,
                    self.y + 15,
                    percent_text(area.percent),
                    "value",
                    bold=True,
                    anchor="end" if area.percent < 0 else "start",
                )
            )
            self.y += BAR_HEIGHT + 2
        else:
            for line in wrap(area.reason, TEXT_SIZE, WIDTH):
                labels.append(Label(0, self.y + 15, line, "reason"))
                self.y += LINE - 1
            self.y += 2
        if area.note and not note_beside_name:
            for line in wrap(area.note, TEXT_SIZE, WIDTH):
                labels.append(Label(0, self.y + 17, line, "note"))
                self.y += LINE
        self.rows.append(ChartRow(area, top, self.y, bar, labels))
        self.y += ROW_GAP

    def bar(self, area: AreaChange) -> Bar:
        start, end = sorted([self.scale.zero, self.scale.x(area.percent)])
        bar = Bar(start, self.y, end - start, BAR_HEIGHT, area.reported)
        self.bands.append((self.y - 2, self.y + BAR_HEIGHT + 2))
        return bar

    def groupings_heading(self) -> None:
        self.y += 4
        self.rules.append(self.y)
        self.labels.append(Label(0, self.y + 20, _("Areas together"), "heading", bold=True))
        self.y += LINE + 8

    def build(self) -> None:
        self.legend()
        self.axis(title=True)
        singles = [a for a in self.areas if not a.is_grouping]
        groupings = [a for a in self.areas if a.is_grouping]
        for area in singles:
            self.area(area)
        if groupings:
            if singles:
                self.groupings_heading()
            for area in groupings:
                self.area(area)
        if len(self.areas) > 3:  # a long chart is read against an axis at its foot too
            self.y -= ROW_GAP / 2
            self.bands.append((self.y, self.y + 6))  # the tick marks, above their labels
            self.y += 6
            self.labels.extend(
                Label(tick.x, self.y + 16, tick.label, "tick", anchor="middle")
                for tick in self.scale.ticks
            )
            self.y += LINE + 2


def _describe(areas: Sequence[AreaChange], scale: Scale) -> list[str]:
    """What the chart shows and how to read it, a sentence for each kind of bar it draws."""
    drawn = [area for area in areas if area.percent is not None]
    sentences = [
        _("Each area's change in per cent, all on one scale from %(low)s to %(high)s.")
        % {"low": percent_text(scale.low, plus=False), "high": percent_text(scale.high)}
    ]
    if any(not area.reported for area in drawn):
        sentences.append(
            _("Solid bars are worked out from counts, which are written beside their own area.")
        )
    if any(area.reported for area in drawn):
        sentences.append(
            _(
                "Hatched bars, marked 'as reported', were published as a percentage without the "
                "counts behind them."
            )
        )
    if any(area.is_grouping for area in areas) and not all(a.is_grouping for a in areas):
        sentences.append(_("Areas added together are listed last."))
    sentences.append(_("The same figures are in the tables on this page."))
    return sentences


def change_chart(areas: Sequence[AreaChange], *, metric_name: str) -> ChangeChart:
    """The chart of `areas`' changes, laid out: single areas first, then groupings of them."""
    layout = _Layout(areas)
    layout.build()
    scale = layout.scale
    description = " ".join(_describe(areas, scale))
    ordered = [row.area for row in layout.rows]
    summary = (
        "; ".join(f"{area.name}: {area.spoken}" for area in ordered)
        if len(ordered) <= MAX_AREAS_DESCRIBED
        else ""
    )
    return ChangeChart(
        rows=layout.rows,
        scale=scale,
        labels=layout.labels,
        swatches=layout.swatches,
        rules=layout.rules,
        bands=layout.bands,
        height=math.ceil(layout.y),
        title=_("%(metric)s: change by area") % {"metric": metric_name},
        description=description,
        summary=summary,
    )
