"""English at /, Welsh at /cy/: each page's language comes from its address alone, each page
links to itself in the other language and announces it to search engines, and the sitemap lists
both."""

import re

import pytest

from campaigns.demo import STATEMENT_SLUG

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
