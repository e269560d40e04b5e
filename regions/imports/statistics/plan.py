"""What checking a statistics file found: every problem, or every change it would make."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from regions.imports.results import ChangeSample, RowError

# Told how far a long import has come: ('checked' or 'written', rows).
Progress = Callable[[str, int], None]


@dataclass(slots=True)
class PlannedRow:
    row: int
    metric_id: int
    region_id: int
    period_start: datetime.date
    period_end: datetime.date
    value: int
    source: str
    notes: str
    notes_cy: str | None = None  # only read when the file has the column


@dataclass
class StatisticsPlan:
    """A validated file: what it would create and change, or every reason it cannot."""

    problems: list[RowError] = field(default_factory=list)
    new: list[PlannedRow] = field(default_factory=list)
    changed: list[PlannedRow] = field(default_factory=list)
    unchanged: int = 0
    # The stored figures the file changes, as they were, so the import can be undone:
    # [statistic id, value, source, notes, notes_cy, import batch id, updated_at as ISO text].
    previous_values: list[list] = field(default_factory=list)
    rows: int = 0
    new_sample: list[ChangeSample] = field(default_factory=list)
    changed_sample: list[ChangeSample] = field(default_factory=list)

    @property
    def created(self) -> int:
        return len(self.new)

    @property
    def updated(self) -> int:
        return len(self.changed)
