"""Importing statistics: a whole file is checked column by column, then written in one go.

The library's per-row pipeline (instance lookup, widgets, a row result per row) runs about six
queries a row. Here the file is validated in one pass over each column, with each distinct
cell value parsed once, against lookups loaded in a few queries; then new and changed rows are
written with batched upserts inside one transaction. A file with any bad row writes nothing.

- `resource`: the file's columns (StatisticResource) and `statistics_plan`, the entry point;
- `codes`: region codes as partners write them;
- `planner`: the checks, step by step (StatisticsPlanner);
- `periods`: dates read the US way, and periods that overlap;
- `writer`: `statistics_write`, the batched upsert.
"""

from regions.imports.statistics.resource import StatisticResource, statistics_plan
from regions.imports.statistics.writer import statistics_write

__all__ = ["StatisticResource", "statistics_plan", "statistics_write"]
