"""English at /, Welsh at /cy/: each page's language comes from its address alone, each page
links to itself in the other language and announces it to search engines, and the sitemap lists
both."""

import html
import re

import pytest
from django.urls import reverse

from campaigns import signoff
from campaigns.demo import REVIEW_STATEMENT_SLUG, STATEMENT_SLUG

pytestmark = pytest.mark.django_db


def public_paths(demo) -> list[str]:
    statement = demo.statements.get(slug=STATEMENT_SLUG)
    return [
        "/",
        demo.get_absolute_url(),
        statement.get_absolute_url(),
        "/regions/north-wales/",
        "/partners/north-wales-police/",
    ]


def test_every_public_page_is_at_the_same_address_under_cy_in_welsh(client, demo):
    for path in public_paths(demo):
        english, welsh = client.get(path), client.get(f"/cy{path}")
        assert (english.status_code, welsh.status_code) == (200, 200), path
        assert '<html lang="en-gb">' in english.text, path
        assert '<html lang="cy">' in welsh.text, path
        assert (english["Content-Language"], welsh["Content-Language"]) == ("en-gb", "cy")


def test_each_page_links_to_itself_in_the_other_language_in_that_language(client, demo):
    for path in public_paths(demo):
        english, welsh = client.get(path).text, client.get(f"/cy{path}").text
        assert (
            f'<a class="language-link" href="/cy{path}" hreflang="cy" lang="cy">Cymraeg</a>'
            in english
        ), path
        assert (
            f'<a class="language-link" href="{path}" hreflang="en-gb" lang="en-gb">English</a>'
            in welsh
        ), path
        for page in (english, welsh):
            alternates = dict(
                re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', page)
            )
            assert alternates == {
                "en-gb": f"http://testserver{path}",
                "cy": f"http://testserver/cy{path}",
                "x-default": f"http://testserver{path}",
            }, path


def test_the_browsers_language_does_not_change_an_addresss_language(client, demo):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="cy")
    assert '<html lang="en-gb">' in response.text
    assert "Accept-Language" not in response.get("Vary", "")
    admin = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="cy")
    assert admin["Content-Language"] == "en-gb"


def test_cached_pages_keep_their_language(client, demo):
    assert '<html lang="cy">' in client.get("/cy/").text
    assert '<html lang="en-gb">' in client.get("/").text
    assert '<html lang="cy">' in client.get("/cy/").text


def test_welsh_pages_write_dates_the_welsh_way(client, demo):
    statement = demo.statements.get(slug=STATEMENT_SLUG)
    assert "1 August 2018" in client.get(statement.get_absolute_url()).text
    assert "1 Awst 2018" in client.get(f"/cy{statement.get_absolute_url()}").text


def test_the_sitemap_lists_both_languages_with_alternates(client, demo):
    sitemap = client.get("/sitemap.xml").text
    campaign = demo.get_absolute_url()
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert f"http://testserver{campaign}" in locations
    assert f"http://testserver/cy{campaign}" in locations
    assert (
        f'<xhtml:link rel="alternate" hreflang="cy" href="http://testserver/cy{campaign}"/>'
        in sitemap
    )


# The interface in Welsh (locale/cy); the campaign's own texts stay as entered until they have
# a Welsh version, so only the site's own words are checked here.
WELSH_ON_EVERY_PAGE = [
    "Neidio i'r prif gynnwys",
    "Nid yw'r wefan hon yn gosod cwcis",
    "Pob ymgyrch",
]
WELSH_ON_PAGE = {
    "home": ["<h1>Ymgyrchoedd</h1>", "Help cyfrinachol: "],
    "campaign": [
        "Ffoniwch am ddim ac yn gyfrinachol",
        "Lansiwyd ym mis Ionawr 2018 gan The Lucy Faithfull Foundation.",
        "Ffigurau ar gyfer eich ardal",
        "Cyn ac ar ôl lansio'r ymgyrch, fesul ardal",
        '<th scope="col">Ardal</th>',
        '<th scope="col">Newid</th>',
        "cynnydd o 65%",
        "tua 590 y mis",
        "Lawrlwytho'r ffigurau hyn:",
        "Partneriaid",
    ],
    "statement": ["Datganiad i'r wasg", "Cyhoeddwyd gan", "Beth ddywedon nhw", "bron 600 y mis"],
    "region": [
        "Ardal heddlu",
        "Pob ffigur ar gyfer yr ardal hon",
        '<th scope="col">Cyfnod</th>',
        '<th scope="col">Cyfradd fisol</th>',
        "Newid ers y cyfnod blaenorol",
        "Ionawr – Mehefin 2018",
    ],
    "partner": ["Ardaloedd dan sylw", "(partner)"],
    "not found": ["Heb ddod o hyd i'r dudalen"],
}
ENGLISH_INTERFACE = [
    "Skip to main content",
    "This site sets no cookies",
    "Confidential help:",
    "Call free and in confidence",
    "Before and after the campaign launched",
    "Figures for your area",
    "Every figure for this area",
    "Changes are worked out here",
    "Page not found",
    "All campaigns",
]


def test_the_interface_of_every_public_page_under_cy_is_in_welsh(client, demo):
    names = ["home", "campaign", "statement", "region", "partner"]
    pages = dict(zip(names, public_paths(demo), strict=True))
    pages["not found"] = "/no-such-page/"
    english_pages = []
    for name, path in pages.items():
        response = client.get(f"/cy{path}")
        assert response.status_code == (404 if name == "not found" else 200), name
        welsh_page = html.unescape(response.text)
        for welsh in WELSH_ON_EVERY_PAGE + WELSH_ON_PAGE[name]:
            assert welsh in welsh_page, (name, welsh)
        for english in ENGLISH_INTERFACE:
            assert english not in welsh_page, (name, english)
        english_pages.append(html.unescape(client.get(path).text))
    # Each English text looked for is one these pages show in English.
    for english in ENGLISH_INTERFACE:
        assert any(english in page for page in english_pages), english


def test_a_partner_signs_off_in_welsh_under_cy(client, demo):
    statement = demo.statements.get(slug=REVIEW_STATEMENT_SLUG)
    path = signoff.demo_link_url(statement, "http://testserver").removeprefix("http://testserver")
    page = html.unescape(client.get(f"/cy{path}").text)
    for welsh in ["Eich penderfyniad ar y dyfyniad gan", "Eich enw", "Gofyn am newid"]:
        assert welsh in page, welsh
    assert "Your decision on the quote from" not in page and "Ask for a change" not in page
    refused = html.unescape(client.get("/cy/sign-off/not-a-token/").text)
    assert "Nid yw'r ddolen gymeradwyo hon yn gweithio" in refused
    assert "This sign-off link does not work" not in refused


def test_the_site_is_named_in_the_pages_language(client, demo):
    assert '<a class="site-name" href="/cy/">Ymgyrchoedd</a>' in client.get("/cy/").text
    assert '<a class="site-name" href="/">Campaigns</a>' in client.get("/").text


def test_open_data_carries_both_languages_labels_whichever_page_it_comes_from(client, demo):
    import csv
    import io

    url = reverse("campaigns:campaign_statistics", kwargs={"slug": demo.slug, "format": "csv"})
    english = client.get(url).content
    rows = list(csv.DictReader(io.StringIO(english.decode())))
    north_wales = next(row for row in rows if row["region_code"] == "W15000001")
    assert (north_wales["region_name"], north_wales["region_name_cy"]) == (
        "North Wales",
        "Gogledd Cymru",
    )
    assert north_wales["metric_name_cy"]
    # The same rows from the Welsh page (listed in the order of the Welsh names).
    welsh = client.get(f"/cy{url}").content
    assert sorted(welsh.splitlines()) == sorted(english.splitlines())

    data = client.get(url.replace(".csv", ".json")).json()
    assert data["campaign"]["title_cy"]
    assert all(figure["label_cy"] for figure in data["reported_figures"])
    assert "region_name_cy" in data["fields"]
    assert data["fields"]["region_name"] == "the area's name"
    assert data["fields_cy"]["region_name"] == "enw'r ardal"
    assert data["reported_fields_cy"]["label"] == "beth yw'r ffigur, fel y'i cyhoeddwyd"
