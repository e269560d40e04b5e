"""What every public page says about itself in its <head>: canonical address, description,
Open Graph and Twitter card, feed links and schema.org JSON-LD, in English and Welsh; and what
previews and the page-not-found page leave out."""

import json
from html.parser import HTMLParser

import feedparser
import pytest
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from PIL import Image

from campaigns.demo import STATEMENT_SLUG
from campaigns.publishing import Status
from regions.models import Organisation, Region
from tests.campaigns.factories import (
    CampaignFactory,
    PersonFactory,
    PressStatementFactory,
    QuoteFactory,
)
from tests.conftest import png_bytes
from tests.regions.factories import OrganisationFactory, manager_user
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

SERVER = "http://testserver"


class Head(HTMLParser):
    """The <head>'s meta tags (by name or property), links and JSON-LD blocks."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict[str, str]] = []
        self.json_ld: list[str] = []
        self._in_json_ld = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "meta" and ("property" in attributes or "name" in attributes):
            name = attributes.get("property") or attributes["name"]
            self.meta.setdefault(name, []).append(attributes["content"])
        elif tag == "link":
            self.links.append(attributes)
        elif tag == "script" and attributes.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_json_ld:
            self.json_ld[-1] += data

    def one(self, name: str) -> str:
        (value,) = self.meta[name]
        return value

    @property
    def canonical(self) -> list[str]:
        return [link["href"] for link in self.links if link.get("rel") == "canonical"]

    @property
    def structured_data(self) -> list[dict]:
        return [json.loads(block) for block in self.json_ld]

    def typed(self, kind: str) -> dict:
        (found,) = [data for data in self.structured_data if data["@type"] == kind]
        return found


def head(client: Client, address: str, status: int = 200) -> Head:
    response = client.get(address)
    assert response.status_code == status, address
    return Head(response.content.decode())


@pytest.fixture
def pages(demo) -> dict[str, str]:
    """Every kind of public page, by name: its address."""
    return {
        "home": reverse("campaigns:home"),
        "campaign": demo.get_absolute_url(),
        "statement": demo.statements.get(slug=STATEMENT_SLUG).get_absolute_url(),
        "region": Region.objects.get(slug="north-wales").get_absolute_url(),
        "grouping": Region.objects.get(slug="north-west-and-north-wales").get_absolute_url(),
        "partner": Organisation.objects.get(slug="north-wales-police").get_absolute_url(),
        "accessibility": reverse("accessibility"),
        "privacy": reverse("privacy"),
    }


@pytest.mark.parametrize(
    ("prefix", "locale", "other"), [("", "en_GB", "cy_GB"), ("/cy", "cy_GB", "en_GB")]
)
def test_every_public_page_names_its_own_address_and_describes_itself(
    client, pages, prefix, locale, other
):
    for name, path in pages.items():
        address = f"{SERVER}{prefix}{path}"
        # A query string is not part of the page's address.
        page = head(client, f"{prefix}{path}?utm_source=newsletter")

        assert page.canonical == [address], name
        assert page.one("og:url") == address, name
        assert page.one("og:type") == ("article" if name == "statement" else "website"), name
        for field in ["og:title", "og:description", "twitter:title", "twitter:description"]:
            assert len(page.one(field)) > 3, (name, field)
        assert page.one("og:title") == page.one("twitter:title"), name
        assert page.one("description") == page.one("og:description"), name
        assert page.one("og:site_name") == ("Ymgyrchoedd" if prefix else "Campaigns"), name
        assert (page.one("og:locale"), page.meta["og:locale:alternate"]) == (locale, [other])
        assert page.one("og:image").startswith(f"{SERVER}/static/img/share-"), name
        assert page.one("og:image:alt") == page.one("twitter:image:alt"), name
        assert page.one("twitter:card") == "summary_large_image", name


def test_pages_in_welsh_give_their_welsh_texts_and_share_card(client, pages):
    english = head(client, pages["statement"])
    welsh = head(client, f"/cy{pages['statement']}")

    assert welsh.one("og:title").startswith("Mwy o bobl yn ceisio help")
    assert english.one("og:title").startswith("More people seek help")
    assert welsh.one("og:image") == f"{SERVER}/static/img/share-cy.png"
    assert welsh.one("og:image:alt") == "Help cyfrinachol"
    assert english.one("og:image") == f"{SERVER}/static/img/share-en-gb.png"
    assert english.one("og:image:alt") == "Help in confidence"
    assert (english.one("og:image:width"), english.one("og:image:height")) == ("1200", "630")


def test_the_share_cards_are_pictures_of_the_size_they_are_announced_at():
    for language in ["en-gb", "cy"]:
        with Image.open(finders.find(f"img/share-{language}.png")) as card:
            assert (card.format, card.size) == ("PNG", (1200, 630))


def test_a_described_hero_image_is_the_share_picture_and_a_decorative_one_is_not(
    client, stored_png
):
    described = CampaignFactory(
        slug="described",
        hero_image=stored_png,
        hero_image_alt="Volunteers answering phones",
        hero_image_width=1200,
        hero_image_height=600,
    )
    statement = PressStatementFactory(campaign=described)
    decorative = CampaignFactory(
        slug="decorative", hero_image=stored_png, hero_image_decorative=True
    )

    # A rendition made when the campaign was saved, never the stored picture.
    shared = described.hero_share_picture
    assert shared.url.startswith("/media/CACHE/images/campaigns/hero")
    assert default_storage.exists(shared.url.removeprefix("/media/"))
    for address in [described.get_absolute_url(), statement.get_absolute_url()]:
        page = head(client, address)
        assert page.one("og:image") == f"{SERVER}{shared.url}"
        assert page.one("og:image:alt") == "Volunteers answering phones"
        assert page.one("twitter:image:alt") == "Volunteers answering phones"
        assert (page.one("og:image:width"), page.one("og:image:height")) == ("1200", "600")
    article = head(client, statement.get_absolute_url()).typed("NewsArticle")
    assert article["image"] == f"{SERVER}{shared.url}"
    page = head(client, decorative.get_absolute_url())
    assert page.one("og:image") == f"{SERVER}/static/img/share-en-gb.png"
    assert page.one("og:image:alt") == "Help in confidence"


def test_the_page_not_found_names_no_address_but_describes_itself(client, demo):
    page = head(client, "/no-such-page/", status=404)

    assert page.canonical == []
    assert "og:url" not in page.meta
    assert page.json_ld == []
    assert page.one("og:title") == "Page not found"
    assert page.one("description").startswith("There is no page at this address.")


def test_previews_describe_the_page_but_name_no_address_and_stay_out_of_indexes(client):
    campaign = CampaignFactory(status=Status.DRAFT, publish_at=None, title="Draft campaign")
    statement = PressStatementFactory(campaign=campaign, status=Status.DRAFT, publish_at=None)
    sign_in(client, manager_user())

    for address in [
        reverse("campaigns:campaign_preview", args=[campaign.pk]),
        reverse("campaigns:statement_preview", args=[statement.pk]),
    ]:
        page = head(client, address)
        assert page.meta["robots"] == ["noindex, nofollow"]
        assert page.canonical == []
        assert "og:url" not in page.meta
        assert page.json_ld == []
        assert [link for link in page.links if link.get("type", "").endswith("+xml")] == []
    assert head(client, address).one("og:type") == "article"


def test_every_json_ld_block_on_every_page_is_schema_org_json(client, pages):
    for prefix in ["", "/cy"]:
        for name, path in pages.items():
            page = head(client, f"{prefix}{path}")
            for data in page.structured_data:
                assert data["@context"] == "https://schema.org", name
    kinds = {
        name: [data["@type"] for data in head(client, path).structured_data]
        for name, path in pages.items()
    }
    assert kinds == {
        "home": ["WebSite"],
        "campaign": ["ContactPoint"],
        "statement": ["NewsArticle"],
        "region": [],
        "grouping": [],
        "partner": ["Organization"],
        "accessibility": [],
        "privacy": [],
    }


def test_a_statement_is_a_news_article_with_its_quotes(client, pages, demo):
    article = head(client, pages["statement"]).typed("NewsArticle")
    address = f"{SERVER}{pages['statement']}"

    assert article["headline"].startswith("More people seek help")
    assert article["description"] == demo.statements.get(slug=STATEMENT_SLUG).summary
    assert article["datePublished"] == "2018-08-01T08:00:00+00:00"
    assert article["dateModified"] >= article["datePublished"]
    assert article["inLanguage"] == "en-GB"
    assert article["url"] == article["mainEntityOfPage"] == address
    assert article["publisher"] == {
        "@type": "Organization",
        "name": "Campaigns",
        "url": f"{SERVER}/",
    }
    assert {author["name"] for author in article["author"]} == {
        "North West Regional Organised Crime Unit",
        "The Lucy Faithfull Foundation",
    }
    assert all(author["url"].startswith(f"{SERVER}/partners/") for author in article["author"])
    assert article["isPartOf"]["url"] == f"{SERVER}{pages['campaign']}"
    first, second = article["hasPart"]
    foundation = Organisation.objects.get(name="The Lucy Faithfull Foundation")
    assert first["@type"] == "Quotation" and len(first["text"]) > 20
    assert first["spokenByCharacter"] == {
        "@type": "Person",
        "name": "Donald Findlater",
        "jobTitle": "Director of the Stop it Now! Helpline, The Lucy Faithfull Foundation",
        "worksFor": {
            "@type": "Organization",
            "name": "The Lucy Faithfull Foundation",
            "url": f"{SERVER}{foundation.get_absolute_url()}",
            "sameAs": foundation.website,
        },
    }
    assert second["spokenByCharacter"]["name"] == "Alan Barr"
    assert "creativeWorkStatus" not in article

    welsh = head(client, f"/cy{pages['statement']}").typed("NewsArticle")
    assert welsh["inLanguage"] == "cy"
    assert welsh["headline"].startswith("Mwy o bobl yn ceisio help")
    assert welsh["url"] == f"{SERVER}/cy{pages['statement']}"


def test_a_withdrawn_statement_says_so_and_when_it_changed(client):
    statement = PressStatementFactory(
        status=Status.WITHDRAWN,
        withdrawn_at="2019-02-03T10:30:00+00:00",
        withdrawal_reason="Corrected.",
    )

    article = head(client, statement.get_absolute_url()).typed("NewsArticle")

    assert article["creativeWorkStatus"] == "Withdrawn"
    assert article["dateModified"] == "2019-02-03T10:30:00+00:00"


def test_the_campaign_page_describes_its_helpline(client, pages, demo):
    demo.helpline_hours = "Monday to Thursday 9am to 9pm"
    demo.save()

    helpline = head(client, pages["campaign"]).typed("ContactPoint")

    assert helpline["name"] == demo.helpline_name
    assert helpline["telephone"] == "+44 808 100 0900"
    assert helpline["contactOption"] == "https://schema.org/TollFree"
    assert helpline["hoursAvailable"] == {
        "@type": "OpeningHoursSpecification",
        "description": "Monday to Thursday 9am to 9pm",
    }
    assert [language["name"] for language in helpline["availableLanguage"]] == [
        "English",
        "Welsh",
    ]
    areas = {area["name"]: area.get("identifier") for area in helpline["areaServed"]}
    assert areas["North Wales"] == "W15000001"
    assert "North West and North Wales" in areas and len(areas) == 7
    assert helpline["description"] == demo.helpline_confidentiality

    demo.helpline_welsh = False
    demo.helpline_phone = "0161 496 0000"
    demo.save()
    helpline = head(client, pages["campaign"]).typed("ContactPoint")
    assert [language["name"] for language in helpline["availableLanguage"]] == ["English"]
    assert "contactOption" not in helpline
    assert helpline["telephone"] == "+44 161 496 0000"


def test_a_partner_page_describes_the_organisation(client):
    organisation = OrganisationFactory(
        name="Gwent Police",
        short_name="GP",
        slug="gwent-police",
        website="https://www.gwent.police.uk/",
        description="The police force for Gwent.",
    )
    organisation.logo.save("gwent.png", ContentFile(png_bytes()))

    data = head(client, "/partners/gwent-police/").typed("Organization")
    assert default_storage.exists(organisation.logo_share_picture.url.removeprefix("/media/"))

    assert data == {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": "Gwent Police",
        "alternateName": "GP",
        "url": f"{SERVER}/partners/gwent-police/",
        "sameAs": "https://www.gwent.police.uk/",
        "description": "The police force for Gwent.",
        # A rendition, made when the logo was saved: not the stored file.
        "logo": f"{SERVER}{organisation.logo_share_picture.url}",
    }


def test_no_text_can_break_out_of_a_json_ld_block(client):
    title = 'Help </script><script>alert("x")</script> & <!-- more'
    statement = PressStatementFactory(title=title)

    html = client.get(statement.get_absolute_url()).content.decode()

    assert Head(html).typed("NewsArticle")["headline"] == title
    assert "<script>" not in html and "<!--" not in html
    assert html.count("</script>") == 2  # the JSON-LD block's and the site's script's
    assert "Help \\u003C/script\\u003E\\u003Cscript\\u003Ealert" in html


def test_nothing_unpublished_is_in_any_head(client, pages, demo):
    draft = PressStatementFactory(
        campaign=demo, title="Secret draft headline", status=Status.DRAFT, publish_at=None
    )
    QuoteFactory(statement=draft, person=PersonFactory(name="Unreleased Speaker"))
    hidden = CampaignFactory(status=Status.IN_REVIEW, publish_at=None, title="Unreleased campaign")
    hidden.regions.set(Region.objects.all())

    for prefix in ["", "/cy"]:
        for name, path in pages.items():
            html = client.get(f"{prefix}{path}").content.decode()
            page_head = html[: html.index("</head>")]
            for secret in ["Secret draft headline", "Unreleased Speaker", "Unreleased campaign"]:
                assert secret not in page_head, (name, secret)


def test_the_statement_page_costs_no_more_queries_for_more_quotes(
    client, django_assert_num_queries
):
    statement = PressStatementFactory()
    QuoteFactory(statement=statement, person=PersonFactory(organisation=OrganisationFactory()))
    client.get(statement.get_absolute_url())
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(statement.get_absolute_url())
    for _ in range(4):
        QuoteFactory(statement=statement, person=PersonFactory(organisation=OrganisationFactory()))
    with django_assert_num_queries(len(few)):
        client.get(statement.get_absolute_url())


def feed_links(html: str) -> dict[str, str]:
    """The page's feed links: type → address."""
    return {
        link["type"]: link["href"]
        for link in Head(html).links
        if link.get("rel") == "alternate" and link.get("type", "").endswith("+xml")
    }


def test_pages_link_to_their_feeds(client):
    campaign = CampaignFactory(slug="early")
    statement = PressStatementFactory(campaign=campaign, slug="rose")

    home = feed_links(client.get("/").text)
    welsh_home = feed_links(client.get("/cy/").text)
    campaign_page = feed_links(client.get(campaign.get_absolute_url()).text)
    statement_page = feed_links(client.get(statement.get_absolute_url()).text)

    assert home == {
        "application/rss+xml": f"{SERVER}/feeds/statements.rss",
        "application/atom+xml": f"{SERVER}/feeds/statements.atom",
    }
    assert welsh_home == {
        "application/rss+xml": f"{SERVER}/cy/feeds/statements.rss",
        "application/atom+xml": f"{SERVER}/cy/feeds/statements.atom",
    }
    assert (
        campaign_page
        == statement_page
        == {
            "application/rss+xml": f"{SERVER}/campaigns/early/statements.rss",
            "application/atom+xml": f"{SERVER}/campaigns/early/statements.atom",
        }
    )
    for link in [*home.values(), *welsh_home.values(), *campaign_page.values()]:
        response = client.get(link.removeprefix(SERVER))
        assert response.status_code == 200
        assert feedparser.parse(response.content).bozo == 0
