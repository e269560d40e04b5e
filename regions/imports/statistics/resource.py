"""The statistics file format (its columns, for import, export and templates) and the entry
point that checks a file."""

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from import_export import widgets

from core.spreadsheets import escape_formula
from regions.imports.reading import Table
from regions.imports.resources import AllOrNothingResource, Column
from regions.imports.statistics.plan import Progress, StatisticsPlan
from regions.imports.statistics.planner import StatisticsPlanner
from regions.imports.statistics.writer import statistics_write
from regions.models import Metric, Region, Statistic


class RegionCodeWidget(widgets.Widget):
    """Exports a region as the code partners import it by."""

    def render(self, value: Region | None, obj=None, **kwargs) -> str:
        return value.code if value is not None else ""


class StatisticResource(AllOrNothingResource):
    """Statistics in the partner file format, for import (all-or-nothing) and export."""

    title = _("Statistics")

    region_code = Column(
        attribute="region", column_name="region_code", widget=RegionCodeWidget(), required=True
    )
    metric = Column(attribute="metric__slug", column_name="metric")
    period_start = Column(
        attribute="period_start",
        column_name="period_start",
        widget=widgets.DateWidget("%Y-%m-%d"),
        required=True,
    )
    period_end = Column(
        attribute="period_end",
        column_name="period_end",
        widget=widgets.DateWidget("%Y-%m-%d"),
        required=True,
    )
    # A number, not text, so an Excel export's values add up without "number stored as text".
    value = Column(
        attribute="value",
        column_name="value",
        widget=widgets.IntegerWidget(coerce_to_string=False),
        required=True,
    )
    source = Column(attribute="source", column_name="source")
    notes = Column(attribute="notes", column_name="notes")
    notes_cy = Column(attribute="notes_cy", column_name="notes_cy")

    class Meta:
        model = Statistic
        fields = (
            "region_code",
            "metric",
            "period_start",
            "period_end",
            "value",
            "source",
            "notes",
            "notes_cy",
        )
        export_order = fields
        import_id_fields = ()

    def __init__(
        self, *, metric: Metric | None = None, from_command: bool = False, **kwargs
    ) -> None:
        super().__init__(**kwargs)
        self.metric = metric
        self.from_command = from_command

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    def get_export_queryset(self, request=None):
        return super().get_export_queryset(request).select_related("region", "metric")

    def plan(self, table: Table, *, user: AbstractBaseUser | None, **kwargs) -> StatisticsPlan:
        return statistics_plan(
            table,
            user=user,
            metric=kwargs.get("metric", self.metric),
            progress=kwargs.get("progress"),
            from_command=kwargs.get("from_command", self.from_command),
        )

    def write(self, plan: StatisticsPlan, *, user, file_name: str, checksum: str, **kwargs):
        return statistics_write(
            plan, user=user, file_name=file_name, checksum=checksum, progress=kwargs.get("progress")
        )


def statistics_plan(
    table: Table,
    *,
    user: AbstractBaseUser | None,
    metric: Metric | None = None,
    progress: Progress | None = None,
    from_command: bool = False,
) -> StatisticsPlan:
    """Check a whole statistics file and work out what importing it would do; writes nothing.

    `user` limits the regions to those their organisation covers (None: no limit, as for a
    command run without --user); `metric` is the one chosen on the form or with --metric."""
    return StatisticsPlanner(
        table,
        required=StatisticResource.required_columns(),
        optional=StatisticResource.optional_columns(),
        user=user,
        metric=metric,
        progress=progress,
        from_command=from_command,
    ).plan()
