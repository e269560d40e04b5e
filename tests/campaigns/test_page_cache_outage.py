"""While the database cannot be reached, the page cache degrades instead of failing: a page
cached under the last content version seen is served (marked stale, kept by no one), any other
page is a plain 503 with the helplines and Retry-After, never a traceback; once the database
answers again, everything works as before, by itself.

Requests go through Django's own WSGI handler (not the test client), so the connection
handling a server does between requests (CONN_MAX_AGE, CONN_HEALTH_CHECKS, closing a connection
that failed) runs as it does in production."""

import io
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.test import RequestFactory

from campaigns import page_cache

pytestmark = pytest.mark.django_db(transaction=True)

ABOUT = "/accessibility/"
# Every public response carries these, from the cache or not.
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Permissions-Policy",
)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    settings.PUBLIC_SHARED_CACHE_SECONDS = 60
    settings.DEBUG = False
    cache.clear()
    page_cache.PageCacheMiddleware.last_version = None
    yield
    cache.clear()
    page_cache.PageCacheMiddleware.last_version = None


class Answer:
    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status_code = int(status.split()[0])
        self.headers = dict(headers)
        self.content = body
        self.text = body.decode()

    def __getitem__(self, name: str) -> str:
        return self.headers[name]


def get(path: str, **extra: str) -> Answer:
    """One request through the WSGI handler, as gunicorn makes it: request_started and
    request_finished close connections that failed or grew old."""
    environ = RequestFactory().get(path, **extra).environ
    environ["wsgi.input"] = io.BytesIO(b"")
    environ["wsgi.errors"] = io.StringIO()
    started = {}

    def start_response(status, headers, exc_info=None):
        started.update(status=status, headers=headers)

    iterable = WSGIHandler()(environ, start_response)
    try:
        body = b"".join(iterable)
    finally:
        iterable.close()  # sends request_finished
    return Answer(started["status"], started["headers"], body)


@contextmanager
def database_unreachable():
    """The database server stops answering: the open connection is gone and new ones are
    refused, until the block ends. On PostgreSQL the server itself ends the connection (as a
    restart does), so the health check has to notice it."""
    real_connect = connection.get_new_connection
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        backend = connection.connection.info.backend_pid
        with connection.get_new_connection(connection.get_connection_params()) as killer:
            killer.execute("SELECT pg_terminate_backend(%s)", [backend])
    else:
        connection.close()

    def refused(params):
        raise connection.Database.OperationalError("connection refused (the server is down)")

    connection.get_new_connection = refused
    try:
        yield
    finally:
        connection.get_new_connection = real_connect


def test_a_cached_page_is_served_stale_with_its_security_headers(demo):
    url = demo.get_absolute_url()
    fresh = get(url)
    assert fresh["X-Page-Cache"] == "miss"

    with database_unreachable():
        served = get(url)
        revalidated = get(url, HTTP_IF_NONE_MATCH=fresh["ETag"])

    assert served.status_code == 200
    assert served.content == fresh.content
    assert served["X-Page-Cache"] == "stale"
    assert served["Cache-Control"] == "no-store"
    for name in SECURITY_HEADERS:
        assert served[name] == fresh[name], name
    assert revalidated.status_code == 304
    assert revalidated["Content-Security-Policy"] == fresh["Content-Security-Policy"]


def test_a_page_not_in_the_cache_is_a_plain_503_with_the_helpline(demo):
    get(demo.get_absolute_url())  # the process has seen a version, but not this page

    with database_unreachable():
        answer = get(ABOUT)

    assert answer.status_code == 503
    assert answer["Retry-After"] == "10"
    assert answer["Cache-Control"] == "no-store"
    assert "Something went wrong" in answer.text
    assert "0808 1000 900" in answer.text  # the helpline, from settings or as remembered
    assert 'href="tel:' in answer.text
    assert "Traceback" not in answer.text and "OperationalError" not in answer.text
    assert "Set-Cookie" not in answer.headers
    for name in SECURITY_HEADERS:
        assert name in answer.headers, name


def test_before_any_version_was_read_every_page_is_a_503():
    with database_unreachable():
        answer = get("/")
    assert answer.status_code == 503
    assert "Something went wrong" in answer.text


def test_the_503_page_under_cy_is_in_welsh(demo):
    with database_unreachable():
        answer = get("/cy/")
    assert answer.status_code == 503
    assert answer["Content-Language"] == "cy"
    assert '<html lang="cy">' in answer.text
    assert "Aeth rhywbeth o'i le" in answer.text


def test_a_process_started_during_the_outage_serves_what_another_one_cached(demo):
    url = demo.get_absolute_url()
    fresh = get(url)
    page_cache.PageCacheMiddleware.last_version = None  # a new process, sharing the cache

    with database_unreachable():
        served = get(url)

    assert served["X-Page-Cache"] == "stale"
    assert served.content == fresh.content


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_any_connection_error_reading_the_version_degrades(demo, monkeypatch, error):
    url = demo.get_absolute_url()
    get(url)

    def failing():
        raise error("server closed the connection unexpectedly")

    monkeypatch.setattr(page_cache, "content_version", failing)
    assert get(url)["X-Page-Cache"] == "stale"
    assert get(ABOUT).status_code == 503


def test_the_site_recovers_by_itself_and_an_edit_shows_at_once(demo):
    url = demo.get_absolute_url()
    get(url)
    with database_unreachable():
        assert get(url)["X-Page-Cache"] == "stale"

    # The database answers again: the next request reconnects and reads the version.
    assert get(url)["X-Page-Cache"] == "hit"
    assert get(ABOUT).status_code == 200
    demo.title_en_gb = "Back after the outage"
    demo.save()
    edited = get(url)
    assert edited["X-Page-Cache"] == "miss"
    assert "Back after the outage" in edited.text


def test_connections_are_kept_and_checked_before_reuse(settings):
    """Persistent connections (one per process, not one per request), each checked at the
    start of a request, so a database restarted between requests fails none of them."""
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
