"""What every public page carries: the helpline box first, a meta description, the footer's links
to the accessibility statement and the privacy notice; the 500 page too, with the database down."""

import re
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse

from campaigns.demo import STATEMENT_SLUG
from regions.models import Organisation, Region

pytestmark = pytest.mark.django_db

HOURS = "Monday to Thursday 9am to 9pm, Friday 9am to 5pm"
TEL_LINK = '<a class="helpline-phone" href="tel:08081000900">0808 1000 900</a>'


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def pages(demo) -> dict[str, str]:
    """Every kind of public page, by name: its address."""
    demo.helpline_hours = HOURS
    demo.save()
    return {
        "home": reverse("campaigns:home"),
        "campaign": demo.get_absolute_url(),
        "statement": demo.statements.get(slug=STATEMENT_SLUG).get_absolute_url(),
        "region": Region.objects.get(slug="north-wales").get_absolute_url(),
        "grouping": Region.objects.get(slug="north-west-and-north-wales").get_absolute_url(),
        "partner": Organisation.objects.get(slug="north-wales-police").get_absolute_url(),
        "accessibility": reverse("accessibility"),
        "privacy": reverse("privacy"),
        "not found": "/no-such-page/",
    }


def helpline_boxes(html: str) -> list[str]:
    return re.findall(r'<(?:section|div) class="helpline".*?</(?:section|div)>', html, re.DOTALL)


def server_error_with_the_database_down(settings) -> str:
    """The 500 page as a visitor gets it when every query fails."""
    settings.DEBUG = False
    with mock.patch.object(
        BaseDatabaseWrapper, "ensure_connection", side_effect=OperationalError("database down")
    ):
        response = Client(raise_request_exception=False).get(reverse("campaigns:home"))
    assert response.status_code == 500
    return response.content.decode()


def assert_a_whole_helpline_box(box: str) -> None:
    assert TEL_LINK in box
    assert "Call free and in confidence" in box
    assert "You can call in English or Welsh." in box
    assert "Information that identifies a child at risk" in box  # the confidentiality notice


def test_every_public_page_opens_with_the_helpline_box(client, pages):
    for name, url in pages.items():
        html = client.get(url).content.decode()
        boxes = helpline_boxes(html)
        assert boxes, name
        assert_a_whole_helpline_box(boxes[0])
        assert HOURS in boxes[0], name
        # First after the skip link: before the header, the page's heading and every other link.
        first_link = re.search(r'<a (?!class="skip-link")[^>]*href="([^"]+)"', html)
        assert first_link.group(1) == "tel:08081000900", name
        assert html.index(boxes[0]) < html.index("<header") < html.index("<h1"), name


def test_the_campaign_page_gives_the_helpline_again_at_its_end(client, pages):
    html = client.get(pages["campaign"]).content.decode()
    boxes = helpline_boxes(html)

    assert len(boxes) == 2
    top_box = boxes[0].replace("section", "div").replace(' aria-labelledby="helpline-top"', "")
    assert top_box.replace("helpline-top", "helpline-end") == boxes[1]
    assert html.index(boxes[1]) > html.index('id="partners-heading"')


def test_the_welsh_line_shows_only_for_a_helpline_that_takes_welsh_calls(client, demo):
    url = demo.get_absolute_url()
    assert "You can call in English or Welsh." in client.get(url).content.decode()

    demo.helpline_welsh = False
    demo.save()

    assert "You can call in English or Welsh." not in client.get(url).content.decode()


def test_pages_about_no_campaign_give_the_current_campaigns_helplines(client, pages, settings):
    settings.HELPLINE = {**settings.HELPLINE, "phone": "0800 111 222", "name": "Fallback line"}
    html = client.get(pages["privacy"]).content.decode()

    assert "Fallback line" not in html
    assert TEL_LINK in helpline_boxes(html)[0]


def test_with_no_current_campaign_pages_give_the_sites_own_helpline(client, settings):
    settings.HELPLINE = {**settings.HELPLINE, "phone": "0800 111 222", "name": "Fallback line"}
    for url in [reverse("campaigns:home"), reverse("privacy"), "/no-such-page/"]:
        (box,) = helpline_boxes(client.get(url).content.decode())
        assert "Get help: Fallback line" in box
        assert 'href="tel:0800111222"' in box


def test_the_500_page_gives_the_helpline_without_the_database(client, pages, settings):
    client.get(pages["home"])  # the current helplines, remembered as any page shows them

    html = server_error_with_the_database_down(settings)

    assert "Something went wrong" in html
    assert_a_whole_helpline_box(helpline_boxes(html)[0])
    assert 'name="description"' in html
    assert f'href="{reverse("accessibility")}"' in html


def test_the_500_page_gives_the_sites_own_helpline_when_none_is_remembered(settings):
    settings.HELPLINE = {**settings.HELPLINE, "phone": "0800 111 222", "name": "Fallback line"}

    html = server_error_with_the_database_down(settings)

    (box,) = helpline_boxes(html)
    assert "Get help: Fallback line" in box and 'href="tel:0800111222"' in box


def test_every_page_has_a_meta_description_and_links_to_the_statements(client, pages):
    for name, url in pages.items():
        html = client.get(url).content.decode()
        description = re.search(r'<meta name="description" content="([^"]*)">', html)
        assert description and len(description.group(1)) > 20, name
        footer = html[html.index("<footer") :]
        assert f'href="{reverse("accessibility")}">Accessibility statement</a>' in footer, name
        assert f'href="{reverse("privacy")}">Privacy notice</a>' in footer, name


def test_the_accessibility_statement_and_privacy_notice_are_public_pages(client, pages, settings):
    settings.CONTACT_EMAIL = "access@example.org"
    accessibility = client.get(pages["accessibility"])
    privacy = client.get(pages["privacy"])

    for response in (accessibility, privacy):
        assert response.status_code == 200
        assert response.cookies == {}
        assert 'href="mailto:access@example.org"' in response.content.decode()
    statement = accessibility.content.decode()
    assert "partially compliant with the Web Content Accessibility Guidelines version 2.2" in (
        statement
    )
    assert "What we have not tested" in statement and "screen reader" in statement
    assert "Equality and Human Rights Commission" in statement
    notice = privacy.content.decode()
    assert "It sets no cookies on your device." in notice
    assert "It runs no analytics and no tracking" in notice


def test_the_statement_and_notice_are_served_through_the_page_cache(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    for name in ["accessibility", "privacy"]:
        assert client.get(reverse(name))["X-Page-Cache"] == "miss"
        assert client.get(reverse(name))["X-Page-Cache"] == "hit"
