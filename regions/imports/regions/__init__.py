"""Importing regions: codes, names, kinds and the groupings each belongs to, all or nothing.

A row is the region with that GSS code; a row without one (a custom grouping) is the region
with that slug (the slug column, or the name made into a slug). The groupings column, when
present, states every grouping a region belongs to: its codes or slugs separated by ';'.
They may name regions created by the same file.

- `resource`: the file's columns (RegionResource) and `regions_plan`, the entry point;
- `parsing`: reading each kind of cell;
- `planner`: the checks, step by step (RegionsPlanner);
- `writer`: `regions_write`.
"""

from regions.imports.regions.resource import RegionResource, regions_plan
from regions.imports.regions.writer import regions_write

__all__ = ["RegionResource", "regions_plan", "regions_write"]
