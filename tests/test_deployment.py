"""Production settings as a server runs them, each in a fresh process: Django's deployment check
finds nothing to warn about, and the admin moves wholly to DJANGO_ADMIN_URL."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def production_env(tmp_path: Path, **extra: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="campaign_site.settings",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="campaigns.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **extra,
    )
    return env


def deploy_check(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_deployment_check_finds_nothing_with_production_settings(tmp_path):
    result = deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_hsts_preload_may_be_turned_off_and_the_check_stays_clean(tmp_path):
    result = deploy_check(tmp_path, DJANGO_SECURE_HSTS_PRELOAD="false")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


MOVED_ADMIN = """
import django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
from django.urls import reverse
setup_test_environment()
settings.ALLOWED_HOSTS = ["testserver"]
# The 404 page's stylesheet without collectstatic's manifest.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
client = Client(HTTP_X_FORWARDED_PROTO="https")
print(reverse("admin:index"))
print(reverse("admin:login"))
print(reverse("calendar_feed", args=["abc"]))
print(client.get("/admin/").status_code)
print(client.get("/staff-x7/login/").status_code)
print("Content-Security-Policy" in client.get("/staff-x7/login/"))
print(client.get("/robots.txt").text.splitlines()[1])
"""


def test_the_admin_moves_to_its_configured_address(tmp_path):
    env = production_env(tmp_path, DJANGO_ADMIN_URL="/staff-x7/")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    result = subprocess.run(  # noqa: S603 (a script of this module's own)
        [sys.executable, "-c", MOVED_ADMIN],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()[-7:]
    assert lines == [
        "/staff-x7/",
        "/staff-x7/login/",
        "/staff-x7/calendar/feed/abc.ics",
        "404",  # nothing left at /admin/
        "200",
        "False",  # the admin runs its own scripts: outside the public pages' policy
        "Disallow: /staff-x7/",
    ]


@pytest.mark.parametrize("value", ["", "/"])
def test_an_empty_admin_address_is_refused(tmp_path, value):
    result = deploy_check(tmp_path, DJANGO_ADMIN_URL=value)
    assert result.returncode != 0
    assert "DJANGO_ADMIN_URL may not be empty" in result.stderr
