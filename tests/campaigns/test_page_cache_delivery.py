"""How the page cache sends a page: compressed once when it is stored (Brotli where accepted,
gzip otherwise), with the same headers from the cache as when it was made, no cookies, and
nothing from inside the middleware stack touched on a hit."""

import datetime
import gzip

import brotli
import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.utils import timezone

from campaigns import page_cache
from campaigns.public import public

pytestmark = pytest.mark.django_db(transaction=True)

CARD = "/partners/north-wales-police/card/"
# Headers that say how this one response was served, not what the page is.
PER_RESPONSE = {"x-page-cache"}


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    settings.PUBLIC_SHARED_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def decoded(response) -> bytes:
    encoding = response.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(response.content)
    if encoding == "gzip":
        return gzip.decompress(response.content)
    assert encoding is None
    return response.content


def headers(response) -> dict[str, str]:
    return {
        name.lower(): value for name, value in response.items() if name.lower() not in PER_RESPONSE
    }


def test_brotli_is_sent_where_accepted_and_every_encoding_is_the_same_page(client, demo):
    url = demo.get_absolute_url()
    plain = client.get(url)  # the miss; no Accept-Encoding: sent as it is
    assert plain["X-Page-Cache"] == "miss" and "Content-Encoding" not in plain

    for accept, encoding in [("gzip, deflate, br", "br"), ("gzip", "gzip"), ("", None)]:
        response = client.get(url, HTTP_ACCEPT_ENCODING=accept)
        assert response["X-Page-Cache"] == "hit"
        assert response.get("Content-Encoding") == encoding
        assert response["Content-Length"] == str(len(response.content))
        assert decoded(response) == plain.content
        assert response["Vary"] == "Accept-Encoding"


def test_a_page_built_afresh_is_compressed_for_the_browser_too(client, demo, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    url = demo.get_absolute_url()
    plain = client.get(url)

    compressed = client.get(url, HTTP_ACCEPT_ENCODING="br")

    assert compressed["Content-Encoding"] == "br"
    assert brotli.decompress(compressed.content) == plain.content
    assert "X-Page-Cache" not in compressed


def test_a_page_is_compressed_once_when_stored_not_on_every_request(client, demo, monkeypatch):
    made = []
    real_compress = page_cache.compress

    def counting(body, encoding):
        made.append(encoding)
        return real_compress(body, encoding)

    monkeypatch.setattr(page_cache, "compress", counting)
    url = demo.get_absolute_url()

    client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert sorted(made) == ["br", "gzip", "identity"]
    for accept in ["gzip", "br", "", "gzip, br"] * 3:
        assert client.get(url, HTTP_ACCEPT_ENCODING=accept)["X-Page-Cache"] == "hit"

    assert len(made) == 3


@pytest.mark.parametrize("accept", ["gzip, br", "gzip", ""])
def test_a_hit_carries_the_same_headers_as_the_miss_that_stored_it(client, demo, accept):
    url = demo.get_absolute_url()
    welsh = f"/cy{url}"
    for address in (url, welsh, CARD):
        miss = client.get(address, HTTP_ACCEPT_ENCODING=accept)
        hit = client.get(address, HTTP_ACCEPT_ENCODING=accept)

        assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
        assert headers(hit) == headers(miss), address
        assert hit.content == miss.content
    assert hit["Content-Security-Policy"] != client.get(url)["Content-Security-Policy"]
    assert client.get(welsh)["Content-Language"] == "cy"
    for name in ("Content-Security-Policy", "Permissions-Policy", "X-Content-Type-Options"):
        assert name in hit


def test_revalidating_from_the_cache_answers_304_with_the_security_headers(client, demo):
    url = demo.get_absolute_url()
    first = client.get(url, HTTP_ACCEPT_ENCODING="br")
    assert client.get(url)["X-Page-Cache"] == "hit"

    again = client.get(url, HTTP_ACCEPT_ENCODING="br", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    for name in ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy", "Vary"):
        assert again[name] == first[name]


def test_a_hit_touches_no_session_and_sets_no_cookie_even_for_a_signed_in_editor(
    manager_client, demo
):
    url = demo.get_absolute_url()
    Client().get(url)  # stored by an anonymous visit

    with CaptureQueriesContext(connection) as queries:
        response = manager_client.get(url)

    assert response["X-Page-Cache"] == "hit"
    assert len(queries) == 1  # the content version: no session, no user
    assert not response.cookies
    assert "Vary" in response and "Cookie" not in response["Vary"]


def test_an_entry_past_its_time_is_never_served_even_if_the_cache_still_has_it(
    client, demo, monkeypatch
):
    url = demo.get_absolute_url()
    client.get(url)
    now = timezone.now()
    # Only the site's clock moves on: the cache's own clock has not, so it still has the entry,
    # as a shared cache that drops entries a moment late would.
    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(seconds=601))

    assert client.get(url)["X-Page-Cache"] == "miss"


def cookie_page(request):
    response = HttpResponse("<p>Chosen</p>" * 50)
    response.set_cookie("choice", "1")
    return response


def session_page(request):
    request.session.get("seen")  # a page that reads the session differs by cookie
    return HttpResponse("<p>Seen</p>" * 50)


urlpatterns = [
    path("cookie/", public(cookie_page)),
    path("session/", public(session_page)),
]


@pytest.mark.parametrize("address", ["/cookie/", "/session/"])
def test_nothing_with_a_cookie_or_varying_by_cookie_is_stored(client, settings, address):
    settings.ROOT_URLCONF = __name__

    first = client.get(address, HTTP_ACCEPT_ENCODING="gzip")
    second = client.get(address, HTTP_ACCEPT_ENCODING="gzip")

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "miss")
    assert second["Content-Encoding"] == "gzip"  # still compressed
