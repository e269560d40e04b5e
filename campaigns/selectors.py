"""Everything a public page shows, each assembled in a fixed number of queries.

The number of queries does not grow with the number of regions, partners, statements or
statistics: related rows come in one query each, and figures are matched up in one pass.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from campaigns.models import Campaign, CampaignPartner, PressStatement, Quote, ReportedFigure
from regions.figures import Change, change_between, period_label
from regions.models import Metric, Organisation, Region, Statistic
from regions.selectors import statistics_for

LATEST_STATEMENTS_WITH_QUOTES = 3

# Areas that contain others are listed after the areas they contain.
_KIND_ORDER = {
    Region.Kind.LOCAL_AUTHORITY: 0,
    Region.Kind.COUNTY: 1,
    Region.Kind.POLICE_FORCE_AREA: 2,
    Region.Kind.ONS_REGION: 3,
    Region.Kind.GROUPING: 4,
    Region.Kind.NATION: 5,
}


def region_sort_key(region: Region) -> tuple[int, str]:
    return (_KIND_ORDER.get(region.kind, 9), region.name)


@dataclass
class Period:
    start: datetime.date
    end: datetime.date

    @property
    def label(self) -> str:
        return period_label(self.start, self.end)


@dataclass
class ImpactRow:
    """One region's figures for one metric: last period before launch, first after."""

    region: Region
    before: Statistic | None
    after: Statistic | None
    reported: ReportedFigure | None = None

    @property
    def change(self) -> Change | None:
        if self.before is None or self.after is None:
            return None
        return change_between(self.before.value, self.after.value)

    @property
    def before_period(self) -> Period | None:
        return Period(self.before.period_start, self.before.period_end) if self.before else None

    @property
    def after_period(self) -> Period | None:
        return Period(self.after.period_start, self.after.period_end) if self.after else None


@dataclass
class ImpactTable:
    metric: Metric
    rows: list[ImpactRow]

    def _common(self, attribute: str) -> Period | None:
        periods = {(p.start, p.end) for row in self.rows if (p := getattr(row, attribute))}
        if len(periods) == 1:
            start, end = periods.pop()
            return Period(start, end)
        return None

    @property
    def before_period(self) -> Period | None:
        """The period every row's 'before' figure covers, when they all share one."""
        return self._common("before_period")

    @property
    def after_period(self) -> Period | None:
        return self._common("after_period")

    @property
    def has_figures(self) -> bool:
        return any(row.before or row.after or row.reported for row in self.rows)

    @property
    def sources(self) -> list[str]:
        found: dict[str, None] = {}
        for row in self.rows:
            for item in (row.before, row.after):
                if item is not None and item.source:
                    found[item.source] = None
        return list(found)


def impact_tables(
    *,
    metrics: Iterable[Metric],
    regions: Iterable[Region],
    launch_date: datetime.date,
    reported_figures: Iterable[ReportedFigure] = (),
) -> list[ImpactTable]:
    """Before/after tables, one per metric, from one query over the statistics."""
    metrics = list(metrics)
    regions = sorted(regions, key=region_sort_key)
    series: dict[tuple[int, int], list[Statistic]] = defaultdict(list)
    for statistic in statistics_for(
        metric_ids=[m.pk for m in metrics], region_ids=[r.pk for r in regions]
    ):
        series[(statistic.metric_id, statistic.region_id)].append(statistic)

    reported_changes: dict[tuple[int | None, int], ReportedFigure] = {}
    for figure in reported_figures:
        if figure.is_change and figure.region_id is not None:
            reported_changes.setdefault((figure.metric_id, figure.region_id), figure)

    tables = []
    for metric in metrics:
        rows = []
        for region in regions:
            values = series.get((metric.pk, region.pk), [])
            before = next((s for s in reversed(values) if s.period_end < launch_date), None)
            after = next((s for s in values if s.period_start >= launch_date), None)
            row = ImpactRow(region=region, before=before, after=after)
            if row.change is None:
                row.reported = reported_changes.get((metric.pk, region.pk)) or reported_changes.get(
                    (None, region.pk)
                )
            rows.append(row)
        tables.append(ImpactTable(metric=metric, rows=rows))
    return tables


@dataclass
class CampaignPage:
    campaign: Campaign
    partnerships: list[CampaignPartner]
    regions: list[Region]
    statements: list[PressStatement]
    impact: list[ImpactTable]
    headline_figures: list[ReportedFigure] = field(default_factory=list)

    @property
    def statements_with_quotes(self) -> list[PressStatement]:
        return self.statements[:LATEST_STATEMENTS_WITH_QUOTES]

    @property
    def earlier_statements(self) -> list[PressStatement]:
        return self.statements[LATEST_STATEMENTS_WITH_QUOTES:]


def published_reported_figures(**filters) -> "list[ReportedFigure]":
    """Reported figures of published campaigns and statements only, matching the filters."""
    visible = Q(campaign__in=Campaign.objects.published()) | Q(
        statement__in=PressStatement.objects.published()
    )
    return list(
        ReportedFigure.objects.filter(visible, **filters).select_related(
            "region", "metric", "statement", "campaign"
        )
    )


def campaign_page(campaign: Campaign) -> CampaignPage:
    """All a campaign page shows, in a fixed number of queries."""
    partnerships = list(campaign.partnerships.select_related("organisation"))
    regions = list(campaign.regions.all())
    metrics = list(campaign.metrics.all())
    statements = list(
        campaign.statements.published()
        .order_by("-publish_at")
        .prefetch_related("issuing_organisations")
    )
    latest = statements[:LATEST_STATEMENTS_WITH_QUOTES]
    quotes: dict[int, list[Quote]] = defaultdict(list)
    for quote in Quote.objects.filter(statement__in=latest).select_related("person"):
        quotes[quote.statement_id].append(quote)
    for statement in latest:
        statement.latest_quotes = quotes[statement.pk]

    figures = list(
        ReportedFigure.objects.filter(
            Q(campaign=campaign) | Q(statement__in=[s.pk for s in statements])
        ).select_related("region", "metric", "statement")
    )
    tables = impact_tables(
        metrics=metrics, regions=regions, launch_date=campaign.launch_date, reported_figures=figures
    )
    # A reported change for an area a table shows is shown in that table (or replaced there by
    # the change computed from counts), so it is not listed a second time.
    shown = {(table.metric.pk, row.region.pk) for table in tables for row in table.rows}
    table_metrics = [table.metric.pk for table in tables]
    placed = {
        f.pk
        for f in figures
        if f.is_change
        and any(
            (m, f.region_id) in shown for m in ([f.metric_id] if f.metric_id else table_metrics)
        )
    }
    return CampaignPage(
        campaign=campaign,
        partnerships=partnerships,
        regions=sorted(regions, key=region_sort_key),
        statements=statements,
        impact=tables,
        headline_figures=[f for f in figures if f.pk not in placed],
    )


@dataclass
class StatementPage:
    statement: PressStatement
    quotes: list[Quote]
    figures: list[ReportedFigure]
    issuers: list[Organisation]


def statement_page(statement: PressStatement) -> StatementPage:
    return StatementPage(
        statement=statement,
        quotes=list(statement.quotes.select_related("person")),
        figures=list(statement.reported_figures.select_related("region")),
        issuers=list(statement.issuing_organisations.all()),
    )


@dataclass
class MetricHistory:
    """Every period of one metric in one region, each with its change from the one before."""

    metric: Metric
    points: list[tuple[Statistic, Change | None]]


@dataclass
class RegionPage:
    region: Region
    groupings: list[Region]
    members: list[Region]
    organisations: list[Organisation]
    campaigns: list[Campaign]
    history: list[MetricHistory]
    reported_figures: list[ReportedFigure]


def region_page(region: Region) -> RegionPage:
    statistics = (
        Statistic.objects.filter(region=region)
        .select_related("metric")
        .order_by("metric__name", "metric_id", "period_start", "period_end")
    )
    history: list[MetricHistory] = []
    for statistic in statistics:
        if not history or history[-1].metric.pk != statistic.metric_id:
            history.append(MetricHistory(metric=statistic.metric, points=[]))
        points = history[-1].points
        previous = points[-1][0] if points else None
        change = change_between(previous.value, statistic.value) if previous else None
        points.append((statistic, change))
    return RegionPage(
        region=region,
        groupings=list(region.groupings.all()),
        members=sorted(region.members.all(), key=region_sort_key),
        organisations=list(region.organisations.all()),
        campaigns=list(
            Campaign.objects.published().filter(regions=region).select_related("lead_organisation")
        ),
        history=history,
        reported_figures=published_reported_figures(region=region),
    )


@dataclass
class PartnerPage:
    organisation: Organisation
    regions: list[Region]
    campaigns: list[Campaign]
    statements: list[PressStatement]


def partner_page(organisation: Organisation) -> PartnerPage:
    campaigns = (
        Campaign.objects.published()
        .filter(Q(lead_organisation=organisation) | Q(partners=organisation))
        .distinct()
        .select_related("lead_organisation")
    )
    statements = (
        PressStatement.objects.published()
        .filter(issuing_organisations=organisation)
        .select_related("campaign")
        .order_by("-publish_at")
    )
    return PartnerPage(
        organisation=organisation,
        regions=sorted(organisation.regions.all(), key=region_sort_key),
        campaigns=list(campaigns),
        statements=list(statements),
    )


def home_page() -> dict[str, list[Campaign]]:
    published = Campaign.objects.published().select_related("lead_organisation")
    campaigns = list(published)
    return {
        "current": [c for c in campaigns if c.status == "published"],
        "archived": [c for c in campaigns if c.status == "archived"],
    }
