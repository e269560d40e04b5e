"""A read that checks its own connection.

With CONN_HEALTH_CHECKS on, Django makes sure a connection kept from an earlier request still
works before its first query of a request: one more round trip (`SELECT 1`) to the database for
every request that uses it. The public pages' version reads are the first query of every
request, and the only one of a page served from the cache, so that check doubled their cost on
PostgreSQL. `read` lets the read itself be the check: if the connection kept from an earlier
request turns out to be dead (the database restarted, a proxy dropped it), it is closed, as a
failed health check closes it, and the read is made once more on a new connection. If the
database cannot be reached at all, that second attempt raises as before.
"""

from django.db import InterfaceError, OperationalError, connection


def read(sql: str, params: tuple = ()) -> list[tuple]:
    """The rows of one read-only statement, made on a connection it checks itself."""
    if (
        connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
        and not connection.in_atomic_block
    ):
        # This read is the connection's check for this request.
        connection.health_check_done = True
        try:
            return _rows(sql, params)
        except (OperationalError, InterfaceError):
            connection.close()  # as a failed health check does; then once more, anew
    return _rows(sql, params)


def _rows(sql: str, params: tuple) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
