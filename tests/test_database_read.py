"""core.database.read: the public pages' version reads check their own connection, instead of
Django's health check making a round trip of its own first."""

from contextlib import contextmanager

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections

from campaigns.page_cache import content_version
from core import database

# Outside a transaction, as a request's first query is.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def kept_connection(monkeypatch):
    """A connection kept from an earlier request, at the start of the next (CONN_MAX_AGE with
    CONN_HEALTH_CHECKS); counts Django's health checks."""
    wrapper = connections[DEFAULT_DB_ALIAS]  # the object itself, not the proxy
    wrapper.ensure_connection()
    monkeypatch.setattr(wrapper, "health_check_enabled", True)
    wrapper.health_check_done = False
    checks = []
    real_is_usable = wrapper.is_usable

    def counted():
        checks.append(1)
        return real_is_usable()

    monkeypatch.setattr(wrapper, "is_usable", counted)
    return checks


def test_django_checks_a_kept_connection_before_its_first_query(kept_connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")

    assert kept_connection == [1]  # the round trip a version read saves


def test_the_version_read_is_the_connections_check(kept_connection):
    assert content_version() >= 0

    assert kept_connection == []
    assert connection.health_check_done
    with connection.cursor() as cursor:  # the request's later queries: checked already
        cursor.execute("SELECT 1")
    assert kept_connection == []


@contextmanager
def connection_ended_by_the_server():
    """The server ends the kept connection (as a restart does). SQLite has no server: the
    first statement fails as a dead PostgreSQL connection's does."""
    if connection.vendor == "postgresql":
        backend = connection.connection.info.backend_pid
        with connection.get_new_connection(connection.get_connection_params()) as killer:
            killer.execute("SELECT pg_terminate_backend(%s)", [backend])
        yield
        return
    failed = []

    def dead(execute, sql, params, many, context):
        if not failed:
            failed.append(sql)
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(dead):
        yield


def test_a_dead_kept_connection_is_replaced_and_the_read_made_again(kept_connection):
    before = connection.connection

    with connection_ended_by_the_server():
        rows = database.read("SELECT 41 + 1")

    assert rows == [(42,)]
    assert connection.connection is not before  # a new connection
    assert kept_connection == []


def test_when_the_database_is_down_the_read_fails_as_before(kept_connection, monkeypatch):
    def refused(params):
        raise connection.Database.OperationalError("connection refused")

    with connection_ended_by_the_server():
        monkeypatch.setattr(connections[DEFAULT_DB_ALIAS], "get_new_connection", refused)
        with pytest.raises(OperationalError):
            database.read("SELECT 1")
    monkeypatch.undo()
    connection.close()
