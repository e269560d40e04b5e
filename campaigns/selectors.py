"""Everything a public page shows, each assembled in a fixed number of queries.

The number of queries does not grow with the number of regions, partners, statements or
statistics: related rows come in one query each, and figures are matched up in one pass.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils import timezone

from campaigns import helplines, sections, signoff
from campaigns.helplines import Helpline
from campaigns.impact import (
    Impact,
    ImpactRow,
    build_impact_from_table,
    build_impacts,
    region_sort_key,
    safe_to_show,
)
from campaigns.models import (
    Campaign,
    CampaignPartner,
    PressStatement,
    Quote,
    QuoteApproval,
    ReportedFigure,
    SignOffLink,
)
from campaigns.publishing import Status
from regions.figures import Change
from regions.graph import GroupingGraph
from regions.models import Metric, Organisation, Region
from regions.series import Figures, MetricTable, PeriodFigure, State

LATEST_STATEMENTS_WITH_QUOTES = 3


class CampaignPage:
    """All a campaign page shows, each part looked up the first time it is used: a section of
    the page rebuilt from the section cache (campaigns/sections.py) makes only its own queries,
    and a page whose sections all come from there makes none. Made from the campaign, or from
    the id of one already found published."""

    def __init__(self, campaign: Campaign | None = None, *, pk: int | None = None) -> None:
        if campaign is not None:
            self.__dict__["campaign"] = campaign
        self.pk = campaign.pk if campaign is not None else pk

    @cached_property
    def campaign(self) -> Campaign:
        return Campaign.objects.select_related("lead_organisation").get(pk=self.pk)

    @cached_property
    def partnerships(self) -> list[CampaignPartner]:
        return list(self.campaign.partnerships.select_related("organisation"))

    @cached_property
    def _regions(self) -> list[Region]:
        return list(self.campaign.regions.all())

    @cached_property
    def regions(self) -> list[Region]:
        return sorted(self._regions, key=region_sort_key)

    @cached_property
    def statements(self) -> list[PressStatement]:
        """Its published statements, newest first. A new edition of a campaign (in its preview)
        shows the statements of the campaign it will replace."""
        campaign = self.campaign
        # Through the related manager, so each statement knows its campaign without a query.
        owner = campaign.edition_of if campaign.edition_of_id else campaign
        return list(
            owner.statements.listed_released()
            .order_by("-publish_at")
            .prefetch_related("issuing_organisations")
        )

    @cached_property
    def statements_with_quotes(self) -> list[PressStatement]:
        """The latest statements, each with its quotes (`latest_quotes`)."""
        latest = self.statements[:LATEST_STATEMENTS_WITH_QUOTES]
        quotes: dict[int, list[Quote]] = defaultdict(list)
        for quote in Quote.objects.filter(statement__in=latest).select_related("person"):
            quotes[quote.statement_id].append(quote)
        for statement in latest:
            statement.latest_quotes = quotes[statement.pk]
        return latest

    @property
    def earlier_statements(self) -> list[PressStatement]:
        return self.statements[LATEST_STATEMENTS_WITH_QUOTES:]

    @cached_property
    def _figures(self) -> tuple[list[Impact], list[ReportedFigure]]:
        campaign = self.campaign
        figures = campaign_reported_figures(campaign, [s.pk for s in self.statements])
        impacts = build_impacts(
            metrics=list(campaign.metrics.all()),
            regions=self._regions,
            launch=campaign.launch_date,
            reported_figures=figures,
        )
        # A reported change for an area a table shows is shown in that table (or replaced
        # there by the change computed from counts), so it is not listed a second time.
        shown = {(i.metric.pk, row.region.pk) for i in impacts for row in i.rows}
        metric_ids = [i.metric.pk for i in impacts]
        placed = {
            f.pk
            for f in figures
            if f.is_change
            and any(
                (m, f.region_id) in shown for m in ([f.metric_id] if f.metric_id else metric_ids)
            )
        }
        headline = safe_to_show(
            [f for f in figures if f.pk not in placed], [i.table for i in impacts]
        )
        return impacts, headline

    @property
    def impact(self) -> list[Impact]:
        return self._figures[0]

    @property
    def headline_figures(self) -> list[ReportedFigure]:
        return self._figures[1]

    @property
    def lead_is_a_listed_partner(self) -> bool:
        """Whether the partner list already names the lead organisation (with its own role)."""
        lead = self.campaign.lead_organisation_id
        return any(p.organisation_id == lead for p in self.partnerships)

    @property
    def has_launched(self) -> bool:
        return self.campaign.launch_date <= timezone.localdate()

    @property
    def has_ended(self) -> bool:
        end = self.campaign.end_date
        return end is not None and end < timezone.localdate()


def published_reported_figures(**filters) -> "list[ReportedFigure]":
    """Reported figures of published campaigns and statements only, matching the filters."""
    visible = Q(campaign__in=Campaign.objects.listed()) | Q(
        statement__in=PressStatement.objects.listed()
    )
    return list(
        ReportedFigure.objects.filter(visible, **filters).select_related(
            "region", "metric", "statement", "campaign"
        )
    )


def campaign_reported_figures(campaign: Campaign, statements) -> list[ReportedFigure]:
    """The campaign's own reported figures and those of the given (published) statements."""
    return list(
        ReportedFigure.objects.filter(Q(campaign=campaign) | Q(statement__in=statements))
        .select_related("region", "metric", "statement")
        .order_by("order", "pk")
    )


def campaign_page(campaign: Campaign) -> CampaignPage:
    """All a campaign page shows, in a fixed number of queries, made when first used."""
    return CampaignPage(campaign)


def published_campaign_page(slug: str, request: HttpRequest | None = None) -> CampaignPage:
    """The page of the published campaign with this address (Http404 if there is none). Only
    its id is looked up now, the rest when a section of the page is built; on a public page the
    id is kept as its sections are (campaigns/sections.py: until a campaign changes or the next
    publication)."""

    if not sections.in_use(request):
        # Every section is built: the whole campaign now, in the same query.
        campaign = (
            Campaign.objects.published().filter(slug=slug).select_related("lead_organisation")
        ).first()
        if campaign is None:
            raise Http404(f"No published campaign at {slug!r}")
        return CampaignPage(campaign)

    def look_up() -> int | None:
        # Built only when needed: building the query costs more than running it.
        found = Campaign.objects.published().filter(slug=slug).values_list("pk", flat=True)[:1]
        return found[0] if found else None

    pk = sections.remembered(request, "campaign-id", ("campaigns.campaign",), [slug], look_up)
    if pk is None:
        raise Http404(f"No published campaign at {slug!r}")
    return CampaignPage(pk=pk)


def campaign_statistics(campaign: Campaign) -> tuple[list[Impact], list[ReportedFigure]]:
    """A campaign's figures for download, and its published reported figures."""
    figures = campaign_reported_figures(campaign, campaign.statements.released())
    impacts = build_impacts(
        metrics=campaign.metrics.all(),
        regions=campaign.regions.all(),
        launch=campaign.launch_date,
        reported_figures=figures,
    )
    return impacts, safe_to_show(figures, [i.table for i in impacts])


@dataclass
class StatementPage:
    statement: PressStatement
    quotes: list[Quote]
    figures: list[ReportedFigure]
    issuers: list[Organisation]


def statement_page(statement: PressStatement) -> StatementPage:
    figures = list(statement.reported_figures.select_related("region"))
    regions = {f.region_id: f.region for f in figures if f.is_change and f.region_id}
    if regions:
        metrics = list(statement.campaign.metrics.all())
        counted = Figures(metrics=metrics, regions=regions.values())
        figures = safe_to_show(figures, [counted.table(metric) for metric in metrics])
    return StatementPage(
        statement=statement,
        quotes=list(statement.quotes.select_related("person__organisation")),
        figures=figures,
        issuers=list(statement.issuing_organisations.all()),
    )


@dataclass
class QuoteSignOff:
    """Where one quote stands with its organisation, as a sign-off page shows it."""

    organisation: Organisation | None
    decidable: bool  # through the link being shown: its organisation's own people's quotes
    decisions: list[QuoteApproval]  # its organisation's decisions on its current words
    approved: bool
    form: object | None = None  # the view's form for a decidable quote


@dataclass
class SignOffPage:
    link: SignOffLink
    page: StatementPage

    @property
    def first_quote(self):
        """The first quote this link decides on: on a phone it is far down the page."""
        return next((q for q in self.page.quotes if q.sign_off.decidable), None)


def sign_off_page(link: SignOffLink) -> SignOffPage:
    """The statement as its public page shows it, each quote carrying where it stands with its
    organisation (`quote.sign_off`), for the organisation the link is for."""
    statement = link.statement
    page = statement_page(statement)
    organisations = Organisation.objects.in_bulk(
        {q.person.organisation_id for q in page.quotes if q.person.organisation_id}
    )
    decisions = signoff.decisions_by_quote(statement)
    for quote in page.quotes:
        quote.sign_off = QuoteSignOff(
            organisation=organisations.get(quote.person.organisation_id),
            decidable=quote.person.organisation_id == link.organisation_id,
            decisions=signoff.decisions_on(quote, decisions),
            approved=signoff.is_approved(quote, decisions),
        )
    return SignOffPage(link=link, page=page)


@dataclass
class CampaignFigures:
    """A campaign's figures for one region: each metric it shows, either side of its launch."""

    campaign: Campaign
    impacts: list[Impact]
    reported: list[ReportedFigure] = field(default_factory=list)  # not shown in an impact row


@dataclass
class RegionPage:
    region: Region
    groupings: list[Region]
    members: list[Region]
    organisations: list[Organisation]
    campaigns: list[CampaignFigures]
    history: list[MetricTable]
    reported_figures: list[ReportedFigure]
    # The helplines of the current campaigns that cover it, or else of all current campaigns:
    # whoever lands here learns where to get help.
    helplines: list[Helpline] = field(default_factory=list)

    @property
    def is_sensitive(self) -> bool:
        """Whether a campaign shown here asks for 'Exit this page'."""
        return any(item.campaign.is_sensitive for item in self.campaigns)

    @property
    def shows_demo_content(self) -> bool:
        return any(item.campaign.is_demo for item in self.campaigns)


def distinct_helplines(campaigns: list[Campaign]) -> list[Helpline]:
    """The campaigns' helplines, one per number, in the order given."""
    helplines: dict[str, Helpline] = {}
    for campaign in campaigns:
        helplines.setdefault(campaign.helpline_tel, campaign.helpline)
    return list(helplines.values())


def current_helplines() -> list[Helpline]:
    """The helplines of the current campaigns (one query), remembered for the 500 page; while
    no campaign is current, the site's own (campaigns/helplines.py)."""
    found = distinct_helplines(list(Campaign.objects.current().order_by("-launch_date")))
    helplines.remember(found)
    return found or [helplines.settings_helpline()]


def helplines_for(campaigns: list[Campaign]) -> list[Helpline]:
    """The helplines of the campaigns still running (not archived), one per number; where none
    is, those of all current campaigns."""
    running = [c for c in campaigns if c.status == Status.PUBLISHED]
    return distinct_helplines(running) or current_helplines()


def region_page(region: Region) -> RegionPage:
    """A region, every published campaign that covers it (directly or through a grouping) with
    its figures for this region, and every figure counted here."""
    graph = GroupingGraph.load()
    covering = {region.pk} | graph.ancestors([region.pk])
    campaigns = list(
        Campaign.objects.listed()
        .filter(regions__in=covering)
        .distinct()
        .select_related("lead_organisation")
        .prefetch_related("metrics")
        .order_by("-launch_date", "title")
    )
    metrics = {m.pk: m for campaign in campaigns for m in campaign.metrics.all()}
    # Every figure counted here that a published campaign shows; a metric that only drafts show
    # may be under embargo.
    shown_metrics = Metric.objects.filter(
        statistics__region=region, campaigns__in=Campaign.objects.listed()
    ).distinct()
    for metric in shown_metrics:
        metrics.setdefault(metric.pk, metric)
    figures = Figures(metrics=metrics.values(), regions=[region], graph=graph)
    history = [
        table
        for metric in sorted(metrics.values(), key=lambda m: m.name)
        if (table := figures.table(metric)).series[0].has_figures
    ]
    by_metric = {table.metric.pk: table for table in history}
    reported_figures = safe_to_show(published_reported_figures(region=region), history)
    campaign_figures = []
    for campaign in campaigns:
        own = [
            figure
            for figure in reported_figures
            if campaign.pk in (figure.campaign_id, getattr(figure.statement, "campaign_id", None))
        ]
        changes = {(f.metric_id, region.pk): f for f in reversed(own) if f.is_change}
        impacts = [
            build_impact_from_table(by_metric[m.pk], campaign.launch_date, changes)
            for m in campaign.metrics.all()
            if m.pk in by_metric
        ]
        # A reported change is given in the impact line for its metric (or replaced there by
        # the change worked out from the counts), so it is not repeated.
        shown_metrics = {i.metric.pk for i in impacts}
        placed = {
            f.pk
            for f in own
            if impacts and f.is_change and (f.metric_id in shown_metrics or not f.metric_id)
        }
        campaign_figures.append(
            CampaignFigures(
                campaign=campaign,
                impacts=impacts,
                reported=[f for f in own if f.pk not in placed],
            )
        )
    return RegionPage(
        region=region,
        groupings=list(region.groupings.all()),
        members=sorted(region.members.all(), key=region_sort_key),
        organisations=list(region.organisations.all()),
        campaigns=campaign_figures,
        history=history,
        reported_figures=reported_figures,
        helplines=helplines_for(campaigns),
    )


@dataclass
class PartnerPage:
    organisation: Organisation
    regions: list[Region]
    campaigns: list[Campaign]
    statements: list[PressStatement]

    @property
    def shows_demo_content(self) -> bool:
        return any(campaign.is_demo for campaign in self.campaigns)

    @cached_property
    def helplines(self) -> list[Helpline]:
        return helplines_for(self.campaigns)


def partner_page(organisation: Organisation) -> PartnerPage:
    campaigns = (
        Campaign.objects.listed()
        .filter(Q(lead_organisation=organisation) | Q(partners=organisation))
        .distinct()
        .select_related("lead_organisation")
    )
    statements = (
        PressStatement.objects.listed()
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


def home_page() -> dict[str, list]:
    campaigns = list(Campaign.objects.listed().select_related("lead_organisation"))
    current = [c for c in campaigns if c.status == Status.PUBLISHED]
    found = distinct_helplines(current)
    helplines.remember(found)
    return {
        "current": current,
        "archived": [c for c in campaigns if c.status == Status.ARCHIVED],
        "helplines": found or [helplines.settings_helpline()],
    }


@dataclass
class LinkedPages:
    """The region and partner pages a visitor (or a crawler) can reach from the listed pages."""

    region_ids: set[int]
    organisation_ids: set[int]


def linked_pages() -> LinkedPages:
    """Every region and partner page that the listed campaigns and statements link to, directly
    or through one another, in a fixed number of queries. A campaign page links its areas, its
    lead and its partners; a statement its issuers; a partner page the areas it covers; an area
    page its groupings, its members and the partners covering it. (The other links of region
    and partner pages lead to listed campaigns and statements, where the walk starts.)"""
    campaigns = Campaign.objects.listed()
    statements = PressStatement.objects.listed()
    start_regions = Campaign.regions.through.objects.filter(campaign__in=campaigns).values_list(
        "region_id", flat=True
    )
    start_organisations = [
        *campaigns.values_list("lead_organisation_id", flat=True),
        *CampaignPartner.objects.filter(campaign__in=campaigns).values_list(
            "organisation_id", flat=True
        ),
        *PressStatement.issuing_organisations.through.objects.filter(
            pressstatement__in=statements
        ).values_list("organisation_id", flat=True),
    ]
    covered_by: dict[int, set[int]] = defaultdict(set)
    covers: dict[int, set[int]] = defaultdict(set)
    for organisation_id, region_id in Organisation.regions.through.objects.values_list(
        "organisation_id", "region_id"
    ):
        covers[organisation_id].add(region_id)
        covered_by[region_id].add(organisation_id)
    graph = GroupingGraph.load()

    regions: set[int] = set()
    organisations: set[int] = set()
    frontier = [("region", pk) for pk in start_regions]
    frontier += [("organisation", pk) for pk in start_organisations]
    while frontier:
        kind, pk = frontier.pop()
        if kind == "region":
            if pk in regions:
                continue
            regions.add(pk)
            linked = graph.groupings.get(pk, set()) | graph.members.get(pk, set())
            frontier += [("region", other) for other in linked]
            frontier += [("organisation", other) for other in covered_by[pk]]
        else:
            if pk in organisations:
                continue
            organisations.add(pk)
            frontier += [("region", other) for other in covers[pk]]
    return LinkedPages(region_ids=regions, organisation_ids=organisations)


# --- A partner's campaign card -----------------------------------------------------------------

# Areas a card lists at most: it must stay small enough to sit in a partner's sidebar (and under
# 10 KB); the campaign page, which it links, has every area.
MAX_CARD_AREAS = 6


@dataclass
class CardLine:
    """One area on a card: its figures either side of the launch (the impact row) and its
    latest figure, where a later period has one."""

    row: ImpactRow
    latest: PeriodFigure | None = None
    latest_change: Change | None = None


@dataclass
class CardMetric:
    impact: Impact
    lines: list[CardLine]


@dataclass
class PartnerCard:
    """What a partner's embeddable card shows: the partner's campaign (the latest current one,
    or the one asked for), its message and helpline, and the partner's areas' figures."""

    organisation: Organisation
    campaign: Campaign | None
    metrics: list[CardMetric]
    more_areas: int  # areas left off the card, on the campaign page
    helplines: list[Helpline]
    as_of: datetime.date

    @property
    def hides_small_numbers(self) -> bool:
        return any(item.impact.metric.hides_small_numbers for item in self.metrics)


def card_line(row: ImpactRow) -> CardLine:
    """An area's line: the impact row, and the latest figure of a period after those it
    compares (or of any period, where it compares none)."""
    compared = {figure.period for figure in (row.before, row.after) if figure is not None}
    later = [
        (figure, change)
        for figure, change in row.series.points
        if figure.state != State.MISSING and figure.period not in compared
    ]
    if not later or (row.after is not None and later[-1][0].period.start <= row.after.period.end):
        return CardLine(row=row)
    figure, change = later[-1]
    return CardLine(row=row, latest=figure, latest_change=change)


def card_campaign(organisation: Organisation, campaign_slug: str | None = None) -> Campaign | None:
    """The campaign a partner's card shows: the one asked for (published, listed, and one the
    partner leads or is a partner of), else the partner's latest current campaign, or None.
    Raises Campaign.DoesNotExist for a campaign asked for that is not the partner's or not
    public."""
    theirs = (
        Campaign.objects.live()
        .filter(Q(lead_organisation=organisation) | Q(partners=organisation))
        .distinct()
    )
    if campaign_slug is not None:
        return theirs.listed().get(slug=campaign_slug)
    return theirs.current().order_by("-launch_date", "-publish_at").first()


def card_regions(organisation: Organisation, campaign: Campaign) -> list[Region]:
    """The areas a card shows: those the partner covers inside the campaign's areas, or, for a
    partner covering none of them, the campaign's outermost areas."""
    graph = GroupingGraph.load()
    campaign_regions = list(campaign.regions.all())
    inside = graph.with_descendants([region.pk for region in campaign_regions])
    covered = [region for region in organisation.regions.all() if region.pk in inside]
    if covered:
        return covered
    ids = {region.pk for region in campaign_regions}
    return [region for region in campaign_regions if not graph.ancestors([region.pk]) & ids]


def partner_card(organisation: Organisation, campaign_slug: str | None = None) -> PartnerCard:
    """Everything a partner's card shows, in a fixed number of queries. Figures follow the same
    rules as every other output (regions.series: small numbers withheld, and totals that
    would give them away)."""
    campaign = card_campaign(organisation, campaign_slug)
    if campaign is None:
        return PartnerCard(
            organisation=organisation,
            campaign=None,
            metrics=[],
            more_areas=0,
            helplines=current_helplines(),
            as_of=timezone.localdate(),
        )
    regions = sorted(card_regions(organisation, campaign), key=region_sort_key)
    shown = regions[:MAX_CARD_AREAS]
    impacts = build_impacts(
        metrics=campaign.metrics.all(),
        regions=shown,
        launch=campaign.launch_date,
        reported_figures=campaign_reported_figures(campaign, campaign.statements.released()),
    )
    return PartnerCard(
        organisation=organisation,
        campaign=campaign,
        metrics=[
            CardMetric(impact=impact, lines=[card_line(row) for row in impact.rows])
            for impact in impacts
        ],
        more_areas=len(regions) - len(shown),
        helplines=[campaign.helpline],
        as_of=timezone.localdate(),
    )


# A feed carries the latest statements only: readers poll it, and older ones stay on the pages.
FEED_ITEMS = 50


def statement_feed(campaign: Campaign | None = None) -> list[PressStatement]:
    """The latest published statements, of one campaign or of all, newest first, in two
    queries. Withdrawn ones (or those of a withdrawn campaign) stay in, for a feed to mark as
    withdrawn: a reader who saw the statement learns that it no longer stands."""
    statements = (
        PressStatement.objects.published()
        .select_related("campaign__lead_organisation")
        .prefetch_related("issuing_organisations")
        .order_by("-publish_at", "-pk")
    )
    if campaign is not None:
        statements = statements.filter(campaign=campaign)
    return list(statements[:FEED_ITEMS])
