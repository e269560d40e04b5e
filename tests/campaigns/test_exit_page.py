"""'Exit this page' on a sensitive campaign's pages, and only there."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.campaigns.factories import CampaignFactory, PressStatementFactory
from tests.regions.factories import OrganisationFactory, RegionFactory

pytestmark = pytest.mark.django_db

EXIT_LINK = re.compile(r'<a class="exit-page-button" href="([^"]+)"')


def exit_links(client, url: str) -> list[str]:
    return EXIT_LINK.findall(client.get(url).content.decode())


def test_a_sensitive_campaigns_pages_offer_a_way_out_to_a_neutral_site(client, settings):
    settings.EXIT_PAGE_URL = "https://neutral.example.org/weather"
    campaign = CampaignFactory(is_sensitive=True)
    statement = PressStatementFactory(campaign=campaign)
    area = RegionFactory()
    campaign.regions.add(area)

    for url in [
        campaign.get_absolute_url(),
        statement.get_absolute_url(),
        area.get_absolute_url(),
    ]:
        assert exit_links(client, url) == ["https://neutral.example.org/weather"], url


def test_other_pages_have_no_exit_button(client):
    sensitive = CampaignFactory(is_sensitive=True)
    campaign = CampaignFactory()
    statement = PressStatementFactory(campaign=campaign)
    area = RegionFactory()
    campaign.regions.add(area)

    for url in [
        campaign.get_absolute_url(),
        statement.get_absolute_url(),
        area.get_absolute_url(),
        OrganisationFactory().get_absolute_url(),
        reverse("privacy"),
        "/no-such-page/",
    ]:
        assert exit_links(client, url) == [], url
    assert exit_links(client, sensitive.get_absolute_url())


def test_the_exit_button_works_by_the_sites_own_script_only(client):
    campaign = CampaignFactory(is_sensitive=True)
    response = client.get(campaign.get_absolute_url())
    html = response.content.decode()

    # Nothing to run inline: the page's JSON-LD is data, which browsers never run.
    scripts = re.findall(
        r"<script(?! type=\"application/ld\+json\")[^>]*>(.*?)</script>", html, re.S
    )
    assert scripts == [""]
    assert re.findall(r"<script(?! type=\"application/ld\+json\")[^>]*>", html) == [
        '<script src="/static/js/site.js">'
    ]
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    # The shortcut is announced once the script can honour it.
    assert 'id="exit-page-shortcut" hidden>Or press Shift 3 times' in html
    assert finders.find("js/site.js")


def test_the_exit_button_comes_after_the_helpline_number(client):
    html = client.get(CampaignFactory(is_sensitive=True).get_absolute_url()).content.decode()
    links = re.findall(r'<a (?!class="skip-link")[^>]*href="([^"]+)"', html)
    assert links[0] == "tel:08081000900"
    assert html.index('class="exit-page-button"') < html.index('class="site-name"')
