"""RSS and Atom feeds of the published statements: valid (parsed by feedparser), for the whole
site and per campaign, in English and in Welsh, holding nothing the pages do not, withdrawn
statements marked, served through the page cache."""

import datetime

import feedparser
import pytest
from django.core.cache import cache
from django.test import Client

from campaigns.publishing import Status
from campaigns.selectors import FEED_ITEMS
from tests.campaigns.factories import CampaignFactory, PressStatementFactory
from tests.regions.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

PAST = datetime.datetime(2018, 1, 1, 9, 0, tzinfo=datetime.UTC)
FUTURE = datetime.datetime(2099, 1, 1, 9, 0, tzinfo=datetime.UTC)
FEEDS = ["/feeds/statements.rss", "/feeds/statements.atom"]


def parse(client: Client, address: str) -> feedparser.FeedParserDict:
    response = client.get(address)
    assert response.status_code == 200, address
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, (address, parsed.get("bozo_exception"))
    return parsed


def titles(feed: feedparser.FeedParserDict) -> list[str]:
    return [entry.title for entry in feed.entries]


@pytest.fixture
def campaign():
    return CampaignFactory(title="Get help early", title_cy="Cael help yn gynnar", slug="early")


@pytest.mark.parametrize("address", FEEDS)
def test_the_site_feed_lists_published_statements_newest_first(client, campaign, address):
    issuer = OrganisationFactory(name="North Wales Police")
    older = PressStatementFactory(
        campaign=campaign, title="Calls rose by 65%", slug="rose", publish_at=PAST
    )
    older.issuing_organisations.set([issuer])
    PressStatementFactory(
        campaign=campaign,
        title="A year on",
        slug="a-year-on",
        summary="More people & more calls.",
        publish_at=PAST + datetime.timedelta(days=365),
    )

    feed = parse(client, address)

    assert feed.feed.title == "Campaigns: press statements"
    assert feed.feed.link == "http://testserver/"
    assert titles(feed) == ["A year on", "Calls rose by 65%"]
    newest, oldest = feed.entries
    assert newest.link == "http://testserver/campaigns/early/statements/a-year-on/"
    assert "More people &amp; more calls." in newest.summary
    assert oldest.published_parsed[:5] == (2018, 1, 1, 9, 0)
    assert oldest.author == "North Wales Police"
    # Without issuers, the campaign's lead organisation speaks for it.
    assert newest.author == campaign.lead_organisation.name
    assert [tag.term for tag in oldest.tags] == ["Get help early"]


@pytest.mark.parametrize("address", FEEDS)
def test_nothing_unpublished_is_in_a_feed(client, campaign, address):
    PressStatementFactory(campaign=campaign, title="Public one")
    PressStatementFactory(campaign=campaign, title="A draft", status=Status.DRAFT, publish_at=None)
    PressStatementFactory(campaign=campaign, title="In review", status=Status.IN_REVIEW)
    PressStatementFactory(campaign=campaign, title="Under embargo", publish_at=FUTURE)
    hidden_campaign = CampaignFactory(status=Status.DRAFT, publish_at=None)
    PressStatementFactory(campaign=hidden_campaign, title="Of a draft campaign")
    embargoed_campaign = CampaignFactory(publish_at=FUTURE)
    PressStatementFactory(campaign=embargoed_campaign, title="Of an embargoed campaign")

    assert titles(parse(client, address)) == ["Public one"]


@pytest.mark.parametrize("address", FEEDS)
def test_a_withdrawn_statement_stays_in_the_feed_marked_with_when_and_why(
    client, campaign, address
):
    withdrawn_at = datetime.datetime(2019, 2, 3, 10, 30, tzinfo=datetime.UTC)
    PressStatementFactory(
        campaign=campaign,
        title="Old figures",
        status=Status.WITHDRAWN,
        withdrawn_at=withdrawn_at,
        withdrawal_reason="The figures were corrected <by the force>.",
    )
    PressStatementFactory(campaign=campaign, title="Archived one", status=Status.ARCHIVED)

    feed = parse(client, address)

    by_title = {entry.title: entry for entry in feed.entries}
    assert set(by_title) == {"Withdrawn: Old figures", "Archived one"}
    withdrawn = by_title["Withdrawn: Old figures"]
    assert "This statement was withdrawn on 3 February 2019." in withdrawn.summary
    assert "The figures were corrected &lt;by the force&gt;." in withdrawn.summary
    assert "no longer current" in withdrawn.summary
    assert withdrawn.updated_parsed[:5] == (2019, 2, 3, 10, 30)
    # Archived statements read as their pages do: unmarked.
    assert "withdrawn" not in by_title["Archived one"].summary


def test_statements_of_a_withdrawn_campaign_are_marked_in_its_feed_and_the_sites(client):
    campaign = CampaignFactory(
        slug="gone",
        status=Status.WITHDRAWN,
        withdrawn_at=datetime.datetime(2019, 5, 6, 12, 0, tzinfo=datetime.UTC),
        withdrawal_reason="Replaced by a new campaign.",
    )
    PressStatementFactory(campaign=campaign, title="Launch")

    for address in ["/feeds/statements.atom", "/campaigns/gone/statements.rss"]:
        (entry,) = parse(client, address).entries
        assert entry.title == "Withdrawn: Launch"
        assert "Its campaign was withdrawn on 6 May 2019." in entry.summary
        assert "Replaced by a new campaign." in entry.summary


@pytest.mark.parametrize("suffix", ["rss", "atom"])
def test_a_campaigns_feed_holds_its_own_statements_only(client, campaign, suffix):
    PressStatementFactory(campaign=campaign, title="Ours")
    PressStatementFactory(title="Another campaign's")

    feed = parse(client, f"/campaigns/early/statements.{suffix}")

    assert titles(feed) == ["Ours"]
    assert feed.feed.title == "Get help early: press statements"
    assert feed.feed.link == "http://testserver/campaigns/early/"


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.APPROVED])
def test_the_feed_of_a_campaign_that_is_not_public_is_not_found(client, status):
    CampaignFactory(slug="hidden", status=status, publish_at=None)
    CampaignFactory(slug="embargoed", publish_at=FUTURE)

    for slug in ["hidden", "embargoed", "no-such-campaign"]:
        for suffix in ["rss", "atom"]:
            assert client.get(f"/campaigns/{slug}/statements.{suffix}").status_code == 404


def test_the_welsh_feeds_are_in_welsh_with_english_where_welsh_is_missing(client, campaign):
    PressStatementFactory(
        campaign=campaign,
        title="Calls rose",
        title_cy="Cynyddodd galwadau",
        summary="More calls.",
        summary_cy="Mwy o alwadau.",
        slug="rose",
    )
    PressStatementFactory(
        campaign=campaign,
        title="Not translated yet",
        slug="later",
        publish_at=PAST + datetime.timedelta(days=1),
    )
    PressStatementFactory(
        campaign=campaign,
        title="Old figures",
        title_cy="Hen ffigurau",
        slug="old",
        status=Status.WITHDRAWN,
        withdrawn_at=PAST + datetime.timedelta(days=3),
        publish_at=PAST + datetime.timedelta(days=2),
    )

    rss = parse(client, "/cy/feeds/statements.rss")
    atom = parse(client, "/cy/campaigns/early/statements.atom")

    for feed in (rss, atom):
        assert feed.feed.language == "cy"
        assert titles(feed) == [
            "Tynnwyd yn ôl: Hen ffigurau",
            "Not translated yet",
            "Cynyddodd galwadau",
        ]
        assert feed.entries[2].link == "http://testserver/cy/campaigns/early/statements/rose/"
        assert "Mwy o alwadau." in feed.entries[2].summary
    assert rss.feed.title == "Ymgyrchoedd: datganiadau i'r wasg"
    assert atom.feed.title == "Cael help yn gynnar: datganiadau i'r wasg"
    assert parse(client, "/feeds/statements.rss").feed.language == "en-gb"


def test_a_feed_holds_the_latest_statements_only(client, campaign):
    for day in range(FEED_ITEMS + 2):
        PressStatementFactory(campaign=campaign, publish_at=PAST + datetime.timedelta(days=day))

    entries = parse(client, "/feeds/statements.rss").entries

    assert len(entries) == FEED_ITEMS
    assert entries[0].published_parsed[:3] == (2018, 2, 21)  # the latest: 1 January + 51 days
    assert entries[-1].published_parsed[:3] == (2018, 1, 3)


def test_a_feed_costs_the_same_few_queries_however_many_statements(
    client, campaign, django_assert_max_num_queries
):
    issuers = [OrganisationFactory(), OrganisationFactory()]
    for _ in range(10):
        PressStatementFactory(campaign=campaign).issuing_organisations.set(issuers)
    PressStatementFactory(title="Elsewhere")

    with django_assert_max_num_queries(2):
        client.get("/feeds/statements.atom")
    with django_assert_max_num_queries(3):
        client.get("/campaigns/early/statements.rss")


@pytest.mark.django_db(transaction=True)  # the content version is bumped once a save commits
def test_feeds_go_through_the_page_cache_and_show_an_edit_at_once(settings, campaign):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    cache.clear()
    statement = PressStatementFactory(campaign=campaign, title="Before the edit")
    client = Client()

    first = client.get("/feeds/statements.rss")
    second = client.get("/feeds/statements.rss")
    statement.title = "After the edit"
    statement.save()
    third = client.get("/feeds/statements.rss")

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert first["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert "public" in second["Cache-Control"] and second.cookies == {}
    assert titles(feedparser.parse(third.content)) == ["After the edit"]
    cache.clear()


def test_a_change_to_a_feed_without_a_newer_entry_is_not_answered_not_modified(client, campaign):
    PressStatementFactory(campaign=campaign)
    first = client.get("/campaigns/early/statements.atom")
    campaign.title = "Get help early, in confidence"
    campaign.save()

    # Asked again as feed readers ask: by the old feed's tag, or by a date after its entries'.
    by_tag = client.get("/campaigns/early/statements.atom", HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(
        "/campaigns/early/statements.atom", HTTP_IF_MODIFIED_SINCE="Tue, 01 Jan 2030 00:00:00 GMT"
    )

    assert "Last-Modified" not in first
    assert (by_tag.status_code, by_date.status_code) == (200, 200)
    assert parse(client, "/campaigns/early/statements.atom").feed.title.startswith(
        "Get help early, in confidence"
    )
    assert (
        client.get(
            "/campaigns/early/statements.atom", HTTP_IF_NONE_MATCH=by_tag["ETag"]
        ).status_code
        == 304
    )
