"""Database connections are kept between requests and checked before reuse."""

import json
import os
import subprocess
import sys

from tests.test_site import BASE_DIR

PRINT_CONNECTION_SETTINGS = (
    "import json; from campaign_site import settings as s; d = s.DATABASES['default']; "
    "print(json.dumps([d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS']]))"
)


def connection_settings(**environment: str) -> list:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    env.update(environment)
    done = subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "-c", PRINT_CONNECTION_SETTINGS],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_connections_persist_and_are_health_checked_by_default():
    assert connection_settings() == [60, True]


def test_the_environment_sets_both():
    assert connection_settings(DJANGO_CONN_MAX_AGE="0", DJANGO_CONN_HEALTH_CHECKS="false") == [
        0,
        False,
    ]


def test_a_lifetime_in_the_database_url_wins():
    assert connection_settings(
        DATABASE_URL="postgres://u:p@db.example:5432/site?conn_max_age=5",
        DJANGO_CONN_MAX_AGE="100",
    ) == [5, True]
