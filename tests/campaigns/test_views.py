import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.demo import STATEMENT_SLUG
from campaigns.models import ReportedFigure
from campaigns.publishing import Status
from regions.models import Region
from tests.campaigns.factories import (
    CampaignFactory,
    CampaignPartnerFactory,
    PersonFactory,
    PressStatementFactory,
    QuoteFactory,
    ReportedFigureFactory,
)
from tests.regions.factories import (
    MetricFactory,
    OrganisationFactory,
    RegionFactory,
    StatisticFactory,
)

pytestmark = pytest.mark.django_db

BEFORE = (datetime.date(2017, 7, 1), datetime.date(2017, 12, 31))
AFTER = (datetime.date(2018, 1, 1), datetime.date(2018, 6, 30))


def build_campaign(size: int):
    """A published campaign with `size` regions, partners, statements and figures of each kind."""
    metric = MetricFactory()
    grouping = RegionFactory(kind=Region.Kind.GROUPING, gss_code=None)
    regions = RegionFactory.create_batch(size)
    for region in regions:
        region.groupings.add(grouping)
    campaign = CampaignFactory()
    campaign.regions.set([*regions, grouping])
    campaign.metrics.set([metric])
    for index, region in enumerate(regions):
        for (start, end), value in [(BEFORE, 10 + index), (AFTER, 20 + index)]:
            StatisticFactory(
                metric=metric, region=region, period_start=start, period_end=end, value=value
            )
        organisation = OrganisationFactory()
        organisation.regions.add(region)
        CampaignPartnerFactory(campaign=campaign, organisation=organisation, order=index)
        statement = PressStatementFactory(campaign=campaign)
        statement.issuing_organisations.add(organisation)
        QuoteFactory.create_batch(2, statement=statement, person=PersonFactory())
        ReportedFigureFactory(statement=statement, region=region, metric=metric)
    ReportedFigureFactory(statement=None, campaign=campaign, unit="per_month", value=600)
    return campaign, regions, grouping


def page_urls(campaign, regions, grouping) -> dict[str, str]:
    statement = campaign.statements.first()
    organisation = campaign.partners.first()
    return {
        "home": reverse("campaigns:home"),
        "campaign": campaign.get_absolute_url(),
        "statement": statement.get_absolute_url(),
        "region": regions[0].get_absolute_url(),
        "grouping": grouping.get_absolute_url(),
        "partner": organisation.get_absolute_url(),
    }


def every_public_url(campaign, regions, grouping) -> dict[str, str]:
    """The pages, and the partner's card (a page for other sites' frames, without the site's
    header and footer)."""
    organisation = campaign.partners.first()
    card = reverse("campaigns:partner_card", kwargs={"slug": organisation.slug})
    return {**page_urls(campaign, regions, grouping), "partner's card": card}


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(
    "page", ["home", "campaign", "statement", "region", "grouping", "partner", "partner's card"]
)
def test_every_public_page_uses_a_fixed_number_of_queries(
    client, page, django_assert_max_num_queries
):
    small = every_public_url(*build_campaign(3))[page]
    large = every_public_url(*build_campaign(60))[page]
    small_count = count_queries(client, small)
    assert count_queries(client, large) == small_count
    with django_assert_max_num_queries(10):
        client.get(large)


def test_sitemap_uses_a_fixed_number_of_queries(client):
    build_campaign(3)
    few = count_queries(client, "/sitemap.xml")
    build_campaign(60)
    assert count_queries(client, "/sitemap.xml") == few


def test_campaign_page_shows_help_first_and_everything_it_covers(client):
    campaign, regions, grouping = build_campaign(3)
    campaign.body = "## How it works\n\nCall us."
    campaign.save()
    html = client.get(campaign.get_absolute_url()).content.decode()

    assert html.count("<h1") == 1
    helpline = html.index('class="helpline"')
    assert helpline < html.index("How it works")
    assert '<a class="helpline-phone" href="tel:08081000900">0808 1000 900</a>' in html
    assert "Monday to Thursday 9am to 9pm" in html
    assert "Calls are confidential." in html
    for region in [*regions, grouping]:
        assert region.name in html
    for partnership in campaign.partnerships.all():
        assert partnership.organisation.name in html
    statement = campaign.statements.order_by("-publish_at", "title").first()
    assert statement.title in html
    assert "Getting help takes one phone call." in html
    assert "nearly" not in html  # only shown when the figure says so
    assert "600 a month" in html


def test_impact_table_computes_changes_and_marks_reported_figures(client):
    metric = MetricFactory(small_number_threshold=0)  # no suppression: a 0 base shows as "new"
    computed, reported_only, missing, zero_base = RegionFactory.create_batch(4)
    campaign = CampaignFactory(launch_date=datetime.date(2018, 1, 1))
    campaign.regions.set([computed, reported_only, missing, zero_base])
    campaign.metrics.set([metric])
    for region, before, after in [(computed, 84, 139), (zero_base, 0, 7)]:
        StatisticFactory(
            metric=metric, region=region, period_start=BEFORE[0], period_end=BEFORE[1], value=before
        )
        StatisticFactory(
            metric=metric, region=region, period_start=AFTER[0], period_end=AFTER[1], value=after
        )
    StatisticFactory(
        metric=metric, region=missing, period_start=BEFORE[0], period_end=BEFORE[1], value=50
    )
    ReportedFigureFactory(statement=None, campaign=campaign, region=reported_only, value=146)

    html = client.get(campaign.get_absolute_url()).content.decode()
    rows = {
        name: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
        for name, row in re.findall(
            r'<tr>\s*<th scope="row"><a [^>]*>([^<]+)</a></th>(.*?)</tr>', html, re.S
        )
    }
    assert "84" in rows[computed.name] and "139" in rows[computed.name]
    assert "up 65%" in rows[computed.name]
    assert "up 146%" in rows[reported_only.name]
    assert "as reported" in rows[reported_only.name]
    assert "not published" in rows[reported_only.name]
    assert "50" in rows[missing.name] and "no change can be given" in rows[missing.name]
    assert "new" in rows[zero_base.name] and "%" not in rows[zero_base.name]
    assert "July to December 2017" in html and "January to June 2018" in html
    assert "rounded to the nearest whole per cent" in html


def test_statement_page_shows_quotes_figures_and_helpline(client):
    statement = PressStatementFactory(body="Figures rose.")
    statement.issuing_organisations.add(OrganisationFactory(name="North Wales Police"))
    QuoteFactory(statement=statement, person=PersonFactory(name="Donald Findlater"))
    ReportedFigureFactory(statement=statement, value=193, label="Change in Cheshire")
    html = client.get(statement.get_absolute_url()).content.decode()
    assert html.count("<h1") == 1
    for text in [
        "Donald Findlater",
        "Getting help takes one phone call.",
        "+193%",
        "Change in Cheshire",
        "North Wales Police",
        "tel:08081000900",
        "Figures rose.",
    ]:
        assert text in html


def test_region_page_shows_figures_groupings_and_campaigns(client):
    campaign, regions, grouping = build_campaign(3)
    region = regions[0]
    html = client.get(region.get_absolute_url()).content.decode()
    assert region.gss_code in html
    assert grouping.name in html
    assert campaign.title in html
    assert 'href="tel:08081000900"' in html  # how to get help, wherever a visitor lands
    assert "July to December 2017" in html
    assert "up 100%" in html  # 10 -> 20
    grouping_html = client.get(grouping.get_absolute_url()).content.decode()
    for member in regions:
        assert member.name in grouping_html


def test_partner_page_lists_its_campaigns_areas_and_statements(client):
    campaign, regions, grouping = build_campaign(3)
    organisation = campaign.partners.first()
    draft = CampaignFactory(status=Status.DRAFT, publish_at=None, title="Secret plan")
    CampaignPartnerFactory(campaign=draft, organisation=organisation)
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert campaign.title in html
    assert "(partner)" in html
    assert 'href="tel:08081000900"' in html
    assert "Secret plan" not in html
    assert regions[0].name in html
    assert organisation.statements.first().title in html


def hidden_campaigns():
    now = timezone.now()
    return {
        "draft": CampaignFactory(status=Status.DRAFT, publish_at=None),
        "draft with past time": CampaignFactory(
            status=Status.DRAFT, publish_at=now - datetime.timedelta(days=1)
        ),
        "embargoed": CampaignFactory(
            status=Status.PUBLISHED, publish_at=now + datetime.timedelta(hours=1)
        ),
    }


@pytest.mark.parametrize("state", ["draft", "draft with past time", "embargoed"])
def test_unpublished_campaigns_are_404_everywhere(client, state):
    campaign = hidden_campaigns()[state]
    statement = PressStatementFactory(campaign=campaign, title="Hidden statement")
    partner = OrganisationFactory()
    CampaignPartnerFactory(campaign=campaign, organisation=partner)
    region = RegionFactory()
    campaign.regions.add(region)

    assert client.get(campaign.get_absolute_url()).status_code == 404
    assert client.get(statement.get_absolute_url()).status_code == 404
    for url in [
        reverse("campaigns:home"),
        region.get_absolute_url(),
        partner.get_absolute_url(),
        "/sitemap.xml",
    ]:
        html = client.get(url).content.decode()
        assert campaign.title not in html, url
        assert "Hidden statement" not in html, url


@pytest.mark.parametrize("state", ["draft", "embargoed"])
def test_unpublished_statements_of_a_published_campaign_are_404(client, state):
    campaign = CampaignFactory()
    if state == "draft":
        statement = PressStatementFactory(campaign=campaign, status=Status.DRAFT, publish_at=None)
    else:
        statement = PressStatementFactory(
            campaign=campaign, publish_at=timezone.now() + datetime.timedelta(minutes=10)
        )
    QuoteFactory(statement=statement, text="Embargoed words")
    ReportedFigureFactory(statement=statement, value=321, label="Embargoed figure")
    assert client.get(statement.get_absolute_url()).status_code == 404
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert statement.title not in html
    assert "Embargoed words" not in html
    assert "Embargoed figure" not in html


def test_statement_appears_once_its_publish_time_has_passed(client):
    statement = PressStatementFactory(publish_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(statement.get_absolute_url()).status_code == 200


def test_archived_campaign_stays_at_its_address_but_leaves_the_list(client):
    campaign = CampaignFactory(status=Status.ARCHIVED, title="Old campaign")
    response = client.get(campaign.get_absolute_url())
    assert response.status_code == 200
    assert "This campaign has ended" in response.content.decode()
    home = client.get(reverse("campaigns:home")).content.decode()
    assert "Past campaigns" in home
    assert 'class="card"' not in home


def test_home_lists_current_campaigns_with_their_helpline(client):
    CampaignFactory(title="Stop it Now! North West")
    html = client.get(reverse("campaigns:home")).content.decode()
    assert "Stop it Now! North West" in html
    assert 'href="tel:08081000900"' in html


def test_unknown_pages_get_the_sites_own_404(client):
    response = client.get("/campaigns/no-such-campaign/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="skip-link"' in html


def test_missing_regions_and_partners_are_404(client):
    assert client.get("/regions/nowhere/").status_code == 404
    assert client.get("/partners/nobody/").status_code == 404


def test_public_pages_are_accessible_and_cookieless(client):
    campaign, regions, grouping = build_campaign(3)
    for name, url in page_urls(campaign, regions, grouping).items():
        response = client.get(url)
        html = response.content.decode()
        assert response.cookies == {}, name
        assert "Set-Cookie" not in response.headers, name
        assert re.search(r'<html lang="en-gb">', html), name
        assert html.count("<h1") == 1, name
        assert '<a class="skip-link" href="#main">' in html, name
        assert '<main id="main"' in html and "<header" in html and "<footer" in html, name
        # The one script is the site's own file: nothing inline (the policy would refuse it).
        # JSON-LD blocks are data, which browsers never run.
        scripts = re.findall(r"<script[^>]*>", html)
        assert [s for s in scripts if s != '<script type="application/ld+json">'] == [
            '<script src="/static/js/site.js">'
        ], name
        # Nothing is fetched from another site: every src and stylesheet is local (a link to
        # the page in the other language or to a feed, `rel="alternate"`, and the canonical
        # address are addresses, not fetches).
        for src in re.findall(r'(?:src|href)="(https?://[^"]+)"', html):
            fetched = (
                r'<(?:img|script|link(?![^>]*rel="(?:alternate|canonical)"))[^>]+' + re.escape(src)
            )
            assert not re.search(fetched, html), src
        assert response.headers["Referrer-Policy"] == "same-origin", name


@pytest.mark.parametrize(
    ("phone", "words"),
    [("0808 1000 900", "Call free and in confidence"), ("0161 496 0000", "Call in confidence")],
)
def test_the_helpline_is_called_free_only_for_a_freephone_number(client, phone, words):
    campaign = CampaignFactory(helpline_phone=phone)
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert words in html
    if "free" not in words:
        assert "Call free" not in html


def test_pages_are_labelled_english_whatever_language_the_browser_asks_for(client):
    campaign = CampaignFactory()
    for url in [campaign.get_absolute_url(), "/no-such-page/"]:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="cy")
        assert '<html lang="en-gb">' in response.content.decode()
        assert "Accept-Language" not in response.get("Vary", "")


def test_reported_figure_without_counts_is_never_turned_into_counts(client):
    campaign = CampaignFactory()
    region = RegionFactory(name="Lancashire")
    metric = MetricFactory()
    campaign.regions.add(region)
    campaign.metrics.add(metric)
    ReportedFigureFactory(
        statement=None,
        campaign=campaign,
        region=region,
        metric=metric,
        value=146,
        unit=ReportedFigure.Unit.PERCENT_CHANGE,
    )
    html = client.get(campaign.get_absolute_url()).content.decode()
    row = re.search(r"Lancashire</a></th>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r">\s*\d[\d,]*\s*<", row) == []


def test_region_page_gives_a_reported_change_where_no_counts_exist(client):
    campaign = CampaignFactory()
    region = RegionFactory(name="Lancashire")
    metric = MetricFactory()
    campaign.regions.add(region)
    campaign.metrics.add(metric)
    ReportedFigureFactory(
        statement=None, campaign=campaign, region=region, metric=metric, value=146
    )
    text = re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(region.get_absolute_url()).content.decode())
    )
    block = text.split(campaign.title, 1)[1].split("Every figure for this area")[0]
    assert "up 146% as reported" in block
    assert "No figures for this area in this campaign yet" not in block


def test_region_page_does_not_repeat_a_reported_change_the_counts_replace(client):
    campaign, regions, grouping = build_campaign(3)
    html = client.get(regions[0].get_absolute_url()).content.decode()
    block = html.split(campaign.title, 1)[1].split("Every figure for this area")[0]
    assert "up 100%" in block  # worked out from 10 -> 20
    assert "as reported" not in block  # the reported +146% for the same area is not repeated


def test_region_page_shows_no_figures_that_only_a_draft_campaign_shows(client):
    region = RegionFactory()
    embargoed = MetricFactory(name="Embargoed measure")
    StatisticFactory(metric=embargoed, region=region, value=777)
    draft = CampaignFactory(status=Status.DRAFT, publish_at=None)
    draft.regions.add(region)
    draft.metrics.add(embargoed)
    html = client.get(region.get_absolute_url()).content.decode()
    assert "Embargoed measure" not in html
    assert "777" not in html
    draft.status = Status.PUBLISHED
    draft.publish_at = timezone.now()
    draft.save()
    html = client.get(region.get_absolute_url()).content.decode()
    assert "Embargoed measure" in html and "777" in html


def partner_names(html: str) -> list[str]:
    section = html.split('id="partners-heading"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<a href="/partners/[^"]+/">([^<]+)</a>', section)


def test_the_lead_organisation_stays_in_the_partner_list_once_partners_are_added(client):
    campaign = CampaignFactory(lead_organisation__name="Helpline Charity")
    CampaignPartnerFactory(campaign=campaign, organisation__name="County Police")

    html = client.get(campaign.get_absolute_url()).text

    assert partner_names(html) == ["Helpline Charity", "County Police"]


def test_a_lead_listed_as_a_partner_is_named_once_with_its_own_role(client):
    campaign = CampaignFactory(lead_organisation__name="Helpline Charity")
    CampaignPartnerFactory(
        campaign=campaign, organisation=campaign.lead_organisation, role="Runs the helpline"
    )

    html = client.get(campaign.get_absolute_url()).text

    assert partner_names(html) == ["Helpline Charity"]
    assert "Runs the helpline" in html


@pytest.mark.parametrize(
    ("launch_in_days", "end_in_days", "expected"),
    [
        (-400, -30, ["Launched", "Ran until"]),
        (-30, 60, ["Launched", "Runs until"]),
        (10, 100, ["Launches", "Runs until"]),
    ],
)
def test_launch_and_end_dates_are_told_in_the_right_tense(
    client, launch_in_days, end_in_days, expected
):
    today = timezone.localdate()
    campaign = CampaignFactory(
        launch_date=today + datetime.timedelta(days=launch_in_days),
        end_date=today + datetime.timedelta(days=end_in_days),
    )

    meta = client.get(campaign.get_absolute_url()).text.split('<p class="meta">', 1)[1]
    meta = meta.split("</p>", 1)[0]

    for word in expected:
        assert word in meta
    for word in {"Launched", "Launches", "Ran until", "Runs until"} - set(expected):
        assert word not in meta


def test_a_metric_without_a_small_number_threshold_does_not_promise_one(client):
    campaign, regions, _ = build_campaign(3)
    campaign.metrics.update(small_number_threshold=0)

    pages = [campaign.get_absolute_url(), regions[0].get_absolute_url()]
    for url in pages:
        html = client.get(url).text
        assert "fewer than 0" not in html
        assert "below 0" not in html

    campaign.metrics.update(small_number_threshold=5)
    for url in pages:
        assert "'fewer than 5'" in client.get(url).text


def test_pages_show_the_latest_periods_and_downloads_keep_them_all(client):
    """A file of many short periods must not make the page huge: the period table shows the
    latest twelve, the before-and-after table and the chart still compare the launch periods."""
    metric = MetricFactory()
    region = RegionFactory(name="North Wales")
    campaign = CampaignFactory(launch_date=datetime.date(2018, 1, 1))
    campaign.regions.set([region])
    campaign.metrics.set([metric])
    months = [datetime.date(2017 + (m // 12), m % 12 + 1, 1) for m in range(30)]  # Jan 2017 on
    for number, start in enumerate(months):
        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        StatisticFactory(
            metric=metric, region=region, period_start=start, period_end=end, value=100 + number
        )

    html = client.get(campaign.get_absolute_url()).text

    periods_table = html.split('class="periods-table"', 1)[1].split("</table>", 1)[0]
    assert periods_table.count('<th scope="col" class="num">') == 12
    assert "The latest 12 periods, with the change from the period before (of 30;" in html
    assert "June 2019" in periods_table  # the last month
    assert "May 2018" not in periods_table  # the 13th from last
    chart = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert chart.count('<rect class="chart-bar"') == 1  # one change, not a bar a period
    assert ">111 → 112</text>" in chart  # December 2017 to January 2018
    summary = html.split('id="summary-', 1)[1].split("</table>", 1)[0]
    assert "December 2017" in summary and "January 2018" in summary  # launch comparison kept
    csv_text = client.get(
        reverse("campaigns:campaign_statistics", args=[campaign.slug, "csv"])
    ).text
    assert "2017-01-01" in csv_text and "2019-06-30" in csv_text

    region_html = client.get(region.get_absolute_url()).text
    history = region_html.split('id="figures-heading"', 1)[1]
    assert "(the latest 12 of 30 periods;" in history
    assert "June 2019" in history and "May 2018" not in history


def test_the_helpline_comes_first_and_again_at_the_end_of_the_campaign_page(client, demo):
    html = client.get(demo.get_absolute_url()).text
    statement_html = client.get(demo.statements.get(slug=STATEMENT_SLUG).get_absolute_url()).text

    for page in (html, statement_html):
        assert page.index('class="helpline-phone"') < page.index("<header")
        assert page.index('class="helpline-phone"') < page.index("Demonstration content")
    assert html.count('class="helpline"') == 2 and html.count('<section class="helpline"') == 1
    assert html.rindex('class="helpline"') > html.index('id="partners-heading"')
    assert statement_html.count('class="helpline"') == 1


def test_an_area_no_campaign_covers_still_says_where_to_get_help(client):
    CampaignFactory(helpline_name="Stop it Now", helpline_phone="0808 1000 900")
    CampaignFactory(helpline_name="Stop it Now", helpline_phone="0808 1000 900")  # same line
    CampaignFactory(status=Status.DRAFT, publish_at=None, helpline_phone="0800 000 0000")
    uncovered = RegionFactory(name="England", kind=Region.Kind.NATION)

    html = client.get(uncovered.get_absolute_url()).text

    assert html.count('href="tel:08081000900"') == 1
    assert "tel:08000000000" not in html


def test_region_and_partner_pages_with_demo_figures_say_they_are_demonstration_content(
    client, demo
):
    north_wales = Region.objects.get(slug="north-wales")
    police = demo.partners.get(slug="north-wales-police")

    assert "Demonstration content" in client.get(north_wales.get_absolute_url()).text
    assert "Demonstration content" in client.get(police.get_absolute_url()).text
    other = CampaignFactory()
    assert (
        "Demonstration content" not in client.get(other.lead_organisation.get_absolute_url()).text
    )


def test_region_codes_come_after_the_figures(client, demo):
    html = client.get(Region.objects.get(slug="north-wales").get_absolute_url()).text

    assert html.index("W15000001") > html.index('id="figures-heading"')
    assert html.index('id="about-heading"') > html.index('href="tel:')


def test_pages_ask_for_no_icon_and_promise_only_what_is_true(client, demo):
    html = client.get(demo.get_absolute_url()).text

    assert '<link rel="icon" href="data:,">' in html
    assert "no one else learns that you visited" in html
    assert "not tracked" not in html
