"""What checking a regions file found: every problem, or every change it would make."""

from dataclasses import dataclass, field

from regions.imports.results import ChangeSample, RowError
from regions.models import Region


@dataclass
class PlannedRegion:
    row: int
    values: dict
    groupings: list[str] | None
    existing: Region | None = None


@dataclass
class RegionsPlan:
    problems: list[RowError] = field(default_factory=list)
    rows: list[PlannedRegion] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    new_sample: list[ChangeSample] = field(default_factory=list)
    changed_sample: list[ChangeSample] = field(default_factory=list)
