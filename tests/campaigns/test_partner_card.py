"""A partner's campaign card: what it shows, who may frame it, and what it never does (scripts,
cookies, requests to other sites, more than 10 KB)."""

import datetime
import html
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache

from campaigns.publishing import Status
from regions.models import Organisation, Region
from tests.campaigns.factories import CampaignFactory, CampaignPartnerFactory
from tests.regions.factories import (
    MetricFactory,
    OrganisationFactory,
    RegionFactory,
    StatisticFactory,
)

pytestmark = pytest.mark.django_db

CARD = "/partners/north-wales-police/card/"
LIMIT = 10 * 1024  # bytes, the card and its stylesheet together


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def policy(response) -> dict[str, list[str]]:
    """The content security policy's directives, each with its sources."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def text_of(response) -> str:
    """The page's text as read: words inside a line's inline elements kept together."""
    page = re.sub(r"</?(strong|span|a)\b[^>]*>", "", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def register(slug: str, origins: str) -> Organisation:
    organisation = Organisation.objects.get(slug=slug)
    organisation.card_origins = origins
    organisation.full_clean()
    organisation.save()
    return organisation


def test_the_card_shows_the_campaigns_message_helpline_and_the_partners_figures(client, demo):
    response = client.get(CARD)
    assert response.status_code == 200
    text = text_of(response)
    assert demo.title in text and demo.summary in text
    assert "Call free and in confidence 0808 1000 900" in text
    assert '<a class="phone" href="tel:08081000900" target="_top">' in response.content.decode()
    assert "North Wales: 84 (July to December 2017) to 139 (January to June 2018), up 65%." in text
    # North Wales Police covers North Wales only: other forces' areas are not on its card.
    assert "Lancashire" not in text and "Merseyside" not in text


def test_the_card_is_in_welsh_at_the_welsh_address(client, demo):
    text = text_of(client.get(f"/cy{CARD}"))
    assert demo.title_cy in text
    assert "Ffoniwch am ddim ac yn gyfrinachol 0808 1000 900" in text
    assert "Gogledd Cymru: 84 (Gorffennaf – Rhagfyr 2017) i 139 (Ionawr – Mehefin 2018)" in text
    assert "cynnydd o 65%" in text
    assert "Call free" not in text


def test_a_partner_covering_no_area_of_the_campaign_gets_its_outermost_areas(client, demo):
    text = text_of(client.get("/partners/lucy-faithfull-foundation/card/"))
    assert "North West and North Wales: 1,747" in text
    assert "3,549" in text and "up 103%" in text


def test_only_registered_websites_and_this_site_may_frame_the_card(client, demo):
    register("north-wales-police", "https://www.northwales.police.uk\nhttps://heddlu.example:8443/")
    response = client.get(CARD)
    assert policy(response)["frame-ancestors"] == [
        "'self'",
        "https://www.northwales.police.uk",
        "https://heddlu.example:8443",
    ]
    assert "X-Frame-Options" not in response
    # The rest of the policy stays as strict as every page's.
    assert policy(response)["script-src"] == ["'self'"]
    assert policy(response)["default-src"] == ["'none'"]


def test_a_partner_without_registered_websites_may_be_framed_by_this_site_only(client, demo):
    response = client.get(CARD)
    assert policy(response)["frame-ancestors"] == ["'self'"]
    assert "X-Frame-Options" not in response


def test_every_other_page_still_refuses_every_frame(client, demo):
    register("north-wales-police", "https://www.northwales.police.uk")
    for address in [
        "/",
        demo.get_absolute_url(),
        "/partners/north-wales-police/",
        f"{demo.get_absolute_url()}statistics.csv",
        "/regions/north-wales/",
    ]:
        response = client.get(address)
        assert policy(response)["frame-ancestors"] == ["'none'"], address
        assert response["X-Frame-Options"] == "DENY", address


def test_text_saved_around_the_checks_never_reaches_the_header(client, demo):
    Organisation.objects.filter(slug="north-wales-police").update(
        card_origins="https://ok.example\nhttps://x.example; script-src *\n*.example.org"
    )
    response = client.get(CARD)
    assert policy(response)["frame-ancestors"] == ["'self'", "https://ok.example"]
    assert "script-src *" not in response["Content-Security-Policy"]


def test_the_card_sets_no_cookie_runs_no_script_and_asks_no_other_site(client, demo):
    for address in [CARD, f"/cy{CARD}"]:
        response = client.get(address)
        assert response.cookies == {} and not response.has_header("Set-Cookie")
        page = response.content.decode()
        assert "<script" not in page
        assert not re.search(r"\son[a-z]+=", page)  # no event handler attributes
        assert "style=" not in page and "<style" not in page
        # Anything the browser loads by itself comes from this site; only links lead away.
        for tag, value in re.findall(r"<(\w+)[^>]*?\s(?:src|href)=\"([^\"]+)\"", page):
            if tag == "a":
                assert value.startswith(("/", "tel:", "https://www.stopitnow.org.uk/"))
                continue
            assert not urlsplit(value).netloc, (tag, value)
            assert value.startswith(("/", "data:")), (tag, value)


def test_every_link_opens_in_the_whole_window(client, demo):
    page = client.get(CARD).content.decode()
    links = re.findall(r"<a [^>]*>", page)
    assert links and all('target="_top"' in link for link in links)


def card_size(client, address: str) -> int:
    """Bytes sent for the card and its stylesheet, uncompressed."""
    page = client.get(address).content
    stylesheets = re.findall(rb'<link rel="stylesheet" href="/static/([^"]+)"', page)
    assert stylesheets == [b"css/card.css"]
    with open(finders.find("css/card.css"), "rb") as stylesheet:
        return len(page) + len(stylesheet.read())


def test_the_card_and_its_stylesheet_stay_under_10_kb(client, demo):
    assert card_size(client, CARD) < LIMIT
    assert card_size(client, f"/cy{CARD}") < LIMIT


def test_a_partner_covering_many_areas_still_gets_a_small_card(client):
    metric = MetricFactory()
    areas = [
        RegionFactory(name=f"A long area name to fill the card number {index}")
        for index in range(40)
    ]
    for area in areas:
        StatisticFactory(metric=metric, region=area, value=500)
        StatisticFactory(
            metric=metric,
            region=area,
            value=700,
            period_start=datetime.date(2018, 1, 1),
            period_end=datetime.date(2018, 6, 30),
        )
    partner = OrganisationFactory(regions=areas, slug="big-partner")
    campaign = CampaignFactory(lead_organisation=partner)
    campaign.regions.set(areas)
    campaign.metrics.set([metric])
    text = text_of(client.get("/partners/big-partner/card/"))
    assert text.count("up 40%") == 6
    assert "The campaign page has 34 more areas." in text
    assert card_size(client, "/partners/big-partner/card/") < LIMIT


def test_small_numbers_are_withheld_on_the_card(client):
    metric = MetricFactory(small_number_threshold=5)
    area = RegionFactory(name="Anglesey")
    StatisticFactory(metric=metric, region=area, value=3)
    StatisticFactory(
        metric=metric,
        region=area,
        value=30,
        period_start=datetime.date(2018, 1, 1),
        period_end=datetime.date(2018, 6, 30),
    )
    StatisticFactory(
        metric=metric,
        region=area,
        value=33,
        period_start=datetime.date(2018, 7, 1),
        period_end=datetime.date(2018, 12, 31),
    )
    partner = OrganisationFactory(regions=[area], slug="anglesey-partner")
    campaign = CampaignFactory(lead_organisation=partner)
    campaign.regions.set([area])
    campaign.metrics.set([metric])
    text = text_of(client.get("/partners/anglesey-partner/card/"))
    assert "before launch: fewer than 5; after launch: 30." in text
    assert " 3 " not in text and "900%" not in text  # neither the count nor a change giving it
    # The latest period, after the one compared, with its change from the period before.
    assert "Latest: 33 (July to December 2018), up 10% on the period before." in text
    assert "small numbers are shown as 'fewer than' a threshold" in text


def test_the_card_shows_the_partners_latest_current_campaign_or_the_one_asked_for(client):
    partner = OrganisationFactory(slug="two-campaigns")
    older = CampaignFactory(title="The first campaign", launch_date=datetime.date(2017, 1, 1))
    newer = CampaignFactory(title="The second campaign", launch_date=datetime.date(2019, 1, 1))
    for campaign in (older, newer):
        CampaignPartnerFactory(campaign=campaign, organisation=partner)
    ended = CampaignFactory(lead_organisation=partner, title="An ended one", status="archived")
    ended.launch_date = datetime.date(2020, 1, 1)
    ended.save()
    assert "The second campaign" in text_of(client.get("/partners/two-campaigns/card/"))
    own = client.get(f"/partners/two-campaigns/card/{older.slug}/")
    assert "The first campaign" in text_of(own)
    assert policy(own)["frame-ancestors"] == ["'self'"]
    # A campaign the partner is not in, or not public, has no card of the partner's.
    other = CampaignFactory()
    draft = CampaignFactory(lead_organisation=partner, status=Status.DRAFT, publish_at=None)
    for campaign in (other, draft):
        assert client.get(f"/partners/two-campaigns/card/{campaign.slug}/").status_code == 404
    assert client.get("/partners/no-such-partner/card/").status_code == 404


def test_a_partner_in_no_current_campaign_gets_a_card_that_says_where_to_get_help(client, demo):
    OrganisationFactory(slug="quiet-partner")
    response = client.get("/partners/quiet-partner/card/")
    assert response.status_code == 200
    text = text_of(response)
    assert "Get help in confidence" in text
    assert "Call free and in confidence 0808 1000 900" in text
    assert "What changed" not in text


@pytest.mark.django_db(transaction=True)  # the page cache moves on when a save commits
def test_the_cached_card_keeps_its_policy_and_a_change_of_websites_shows_at_once(
    client, demo, settings
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    register("north-wales-police", "https://one.example")
    first = client.get(CARD)
    cached = client.get(CARD)
    assert (first["X-Page-Cache"], cached["X-Page-Cache"]) == ("miss", "hit")
    assert policy(cached)["frame-ancestors"] == ["'self'", "https://one.example"]
    assert "X-Frame-Options" not in cached

    register("north-wales-police", "https://two.example")
    changed = client.get(CARD)
    assert changed["X-Page-Cache"] == "miss"
    assert policy(changed)["frame-ancestors"] == ["'self'", "https://two.example"]
    # The page is the same but its policy is not: a browser or CDN revalidating its copy
    # with the old tag is sent the new response, not "304 Not Modified".
    assert changed.content == first.content
    assert changed["ETag"] != first["ETag"]
    assert client.get(CARD, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    assert client.get(CARD, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 304


def test_an_area_covered_through_a_grouping_is_shown_as_the_grouping(client, demo):
    titan = Organisation.objects.get(slug="titan")
    assert [region.slug for region in titan.regions.all()] == [
        Region.objects.get(slug="north-west-and-north-wales").slug
    ]
    text = text_of(client.get("/partners/titan/card/"))
    assert "North West and North Wales: 1,747" in text
