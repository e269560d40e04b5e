"""Nothing leaves before its publish time, on any public channel: pages, lists, region and
partner pages, the sitemap, the downloads, the feeds, the pages' structured data (JSON-LD) and
the page cache, each checked with the clock frozen a minute either side of the publish time."""

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from campaigns.publishing import Status
from tests.campaigns.factories import CampaignFactory, PressStatementFactory
from tests.regions.factories import MetricFactory, OrganisationFactory, RegionFactory

pytestmark = pytest.mark.django_db(transaction=True)

LAUNCH = datetime.datetime(2031, 3, 4, 9, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def embargoed():
    """A campaign and its statement, both to be released at LAUNCH."""
    region = RegionFactory(name="Gwent", slug="gwent")
    partner = OrganisationFactory(name="Gwent Police", slug="gwent-police")
    campaign = CampaignFactory(
        title="Embargoed campaign",
        slug="embargoed",
        lead_organisation=partner,
        status=Status.PUBLISHED,
        publish_at=LAUNCH,
    )
    campaign.regions.set([region])
    campaign.metrics.set([MetricFactory()])
    statement = PressStatementFactory(
        campaign=campaign,
        title="Embargoed headline",
        slug="embargoed-headline",
        status=Status.PUBLISHED,
        publish_at=LAUNCH,
    )
    statement.issuing_organisations.set([partner])
    return campaign, statement


JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)

CHANNELS = {
    # name: (address, what would give the item away there[, only in the page's JSON-LD])
    "home": ("/", "Embargoed campaign"),
    "campaign page": ("/campaigns/embargoed/", "Embargoed campaign"),
    "statement page": ("/campaigns/embargoed/statements/embargoed-headline/", "Embargoed headline"),
    "region page": ("/regions/gwent/", "Embargoed campaign"),
    "partner page": ("/partners/gwent-police/", "Embargoed headline"),
    "partner's card": ("/partners/gwent-police/card/", "Embargoed campaign"),
    "sitemap": ("/sitemap.xml", "/campaigns/embargoed/"),
    "CSV download": ("/campaigns/embargoed/statistics.csv", "metric"),
    "JSON download": ("/campaigns/embargoed/statistics.json", "Embargoed campaign"),
    "CSV metadata": ("/campaigns/embargoed/statistics.csv-metadata.json", "Embargoed campaign"),
    "RSS feed": ("/feeds/statements.rss", "Embargoed headline"),
    "Atom feed": ("/feeds/statements.atom", "Embargoed headline"),
    "Welsh RSS feed": ("/cy/feeds/statements.rss", "Embargoed headline"),
    "campaign's RSS feed": ("/campaigns/embargoed/statements.rss", "Embargoed headline"),
    "campaign's Atom feed": ("/cy/campaigns/embargoed/statements.atom", "Embargoed headline"),
    "statement's JSON-LD": (
        "/campaigns/embargoed/statements/embargoed-headline/",
        '"headline": "Embargoed headline"',
        JSON_LD,
    ),
    "campaign's JSON-LD": ("/cy/campaigns/embargoed/", '"name": "Gwent"', JSON_LD),
}


def shown(client: Client, address: str, giveaway: str, part: re.Pattern | None = None) -> bool:
    response = client.get(address)
    assert response.status_code in (200, 404), address
    text = response.content.decode()
    if part is not None:
        text = "".join(part.findall(text))
    return response.status_code == 200 and giveaway in text


@pytest.mark.parametrize("channel", CHANNELS)
def test_nothing_is_shown_before_the_publish_time_and_everything_after(embargoed, channel):
    with time_machine.travel(LAUNCH - MINUTE, tick=False):
        assert not shown(Client(), *CHANNELS[channel])
    with time_machine.travel(LAUNCH + MINUTE, tick=False):
        assert shown(Client(), *CHANNELS[channel])


@pytest.mark.parametrize("channel", CHANNELS)
def test_the_page_cache_keeps_nothing_past_the_publish_time(embargoed, channel, settings):
    """A page cached a minute before the launch (without the item) is not served after it."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    cache.clear()
    client = Client()
    with time_machine.travel(LAUNCH - MINUTE, tick=False):
        assert not shown(client, *CHANNELS[channel])
        assert not shown(client, *CHANNELS[channel])  # now from the cache, where cached
    with time_machine.travel(LAUNCH + MINUTE, tick=False):
        assert shown(client, *CHANNELS[channel])
    cache.clear()
