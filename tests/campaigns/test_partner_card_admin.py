"""The campaign card in the admin: the websites allowed to frame it, edited by campaign managers;
the code to copy, the plain snippet and a live preview, for managers and for the partner's own
data officers (who may only read their own organisation)."""

import html
import re

import pytest
from django.core.cache import cache

from regions.models import Organisation
from tests.bilingual import english
from tests.regions.factories import data_officer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def change_url(organisation: Organisation) -> str:
    return f"/admin/regions/organisation/{organisation.pk}/change/"


def form_data(organisation: Organisation, **changes) -> dict:
    data = {
        "name": organisation.name,
        "short_name": organisation.short_name,
        "slug": organisation.slug,
        "kind": organisation.kind,
        "description": organisation.description,
        "website": organisation.website,
        "press_email": organisation.press_email,
        "card_origins": organisation.card_origins,
        "regions": [region.pk for region in organisation.regions.all()],
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        **changes,
    }
    return english(data, "regions")


def textareas(page: str) -> dict[str, str]:
    """Each read-only textarea's text, by its id, as a person copying it gets it."""
    return {
        found.group(1): html.unescape(found.group(2))
        for found in re.finditer(
            r'<textarea id="([^"]+)" readonly[^>]*>(.*?)</textarea>', page, re.S
        )
    }


def test_a_manager_registers_websites_written_one_way(manager_client, demo):
    police = Organisation.objects.get(slug="north-wales-police")
    typed = "HTTPS://www.NorthWales.police.uk/\nhttps://www.northwales.police.uk\n\nhttps://a.example:8443"
    response = manager_client.post(change_url(police), form_data(police, card_origins=typed))
    assert response.status_code == 302, response.context["adminform"].form.errors
    police.refresh_from_db()
    assert police.card_origins == "https://www.northwales.police.uk\nhttps://a.example:8443"
    card = manager_client.get("/partners/north-wales-police/card/")
    assert (
        "https://www.northwales.police.uk https://a.example:8443" in card["Content-Security-Policy"]
    )


def test_a_wrong_address_is_refused_beside_the_field_and_nothing_changes(manager_client, demo):
    police = Organisation.objects.get(slug="north-wales-police")
    police.card_origins = "https://www.northwales.police.uk"
    police.save()
    response = manager_client.post(
        change_url(police),
        form_data(
            police,
            name="Renamed",
            card_origins="https://www.northwales.police.uk/campaign/\n*.police.uk",
        ),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["card_origins"]
    assert errors == [
        "Line 1, “https://www.northwales.police.uk/campaign/”: give the website's address "
        "only, without a page's path: https://www.northwales.police.uk. The card may then be "
        "shown on any page of that website.",
        "Line 2, “*.police.uk”: wildcards are not allowed: list each website address in full, "
        "one a line.",
    ]
    police.refresh_from_db()
    assert (police.name, police.card_origins) == (
        "North Wales Police",
        "https://www.northwales.police.uk",
    )


def test_the_manager_sees_the_code_the_snippet_and_a_preview(manager_client, demo, settings):
    settings.SITE_URL = "https://campaigns.example"
    police = Organisation.objects.get(slug="north-wales-police")
    page = manager_client.get(change_url(police)).content.decode()
    assert "Campaign card for your website" in page
    codes = textareas(page)
    assert codes["card-frame-en-gb"] == (
        '<iframe src="https://campaigns.example/partners/north-wales-police/card/" '
        'title="Where to get help in confidence, from Campaigns" width="100%" height="600" '
        'loading="lazy"></iframe>'
    )
    assert codes["card-frame-cy"].startswith(
        '<iframe src="https://campaigns.example/cy/partners/north-wales-police/card/" '
        'title="Ble i gael help yn gyfrinachol, gan Ymgyrchoedd"'
    )
    snippet = codes["card-snippet-en-gb"]
    assert snippet.startswith('<section class="campaign-card" lang="en-gb">')
    assert '<a href="tel:08081000900">0808 1000 900</a>' in snippet
    assert "84 (July to December 2017) to 139 (January to June 2018), up 65%" in snippet
    assert "Figures as published on" in snippet
    assert f'href="https://campaigns.example{demo.get_absolute_url()}"' in snippet
    assert not re.search(r"<script|<style|style=|<img|<iframe", snippet)
    welsh_line = "Gogledd Cymru</strong>: 84 (Gorffennaf – Rhagfyr 2017) i 139"
    assert welsh_line in codes["card-snippet-cy"]
    assert "does not update itself" in page
    # The preview is the live card itself, from this site, which may always frame it.
    assert re.search(r'<iframe class="card-preview" src="/partners/north-wales-police/card/"', page)
    assert "No website is listed above yet" in page


def test_the_panel_names_the_websites_that_may_frame_the_card(manager_client, demo):
    police = Organisation.objects.get(slug="north-wales-police")
    police.card_origins = "https://www.northwales.police.uk"
    police.save()
    page = manager_client.get(change_url(police)).content.decode()
    assert (
        "on these websites only (and in the preview below): https://www.northwales.police.uk"
        in (page)
    )


def test_a_partners_data_officer_reads_its_own_card_but_changes_nothing(client, demo):
    police = Organisation.objects.get(slug="north-wales-police")
    client.force_login(data_officer(police))
    page = client.get(change_url(police))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="card-frame-en-gb"' in text and 'class="card-preview"' in text
    assert 'name="card_origins"' not in text  # read only: managers register the websites
    refused = client.post(
        change_url(police), form_data(police, card_origins="https://evil.example")
    )
    assert refused.status_code == 403
    police.refresh_from_db()
    assert police.card_origins == ""


def test_a_data_officer_sees_no_other_organisation(client, demo):
    client.force_login(data_officer(Organisation.objects.get(slug="north-wales-police")))
    listed = client.get("/admin/regions/organisation/").content.decode()
    assert "North Wales Police" in listed and "Merseyside Police" not in listed
    other = Organisation.objects.get(slug="merseyside-police")
    assert client.get(change_url(other)).status_code in (302, 404)
