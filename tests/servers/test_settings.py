"""The settings for several servers, read from the environment as a server reads them."""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def settings_in(tmp_path: Path, *names: str, **environment: str) -> dict:
    """The named settings of campaign_site.settings imported in a fresh process with this
    environment (and no .env file)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    env.update(DJANGO_ENV="production", DJANGO_SECRET_KEY="k" * 60, DJANGO_ALLOWED_HOSTS="x")
    env.update(environment)
    code = (
        "import json, campaign_site.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}, default=str))"
    )
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_redis_cache_url_means_djangos_own_redis_backend(tmp_path):
    # django-environ picks django-redis whenever it can be imported: make it importable.
    (tmp_path / "django_redis").mkdir()
    (tmp_path / "django_redis" / "__init__.py").write_text("")

    caches = settings_in(
        tmp_path,
        "CACHES",
        DJANGO_CACHE_URL="redis://cache.internal:6379/1",
        PYTHONPATH=str(tmp_path),
    )["CACHES"]

    assert caches["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert caches["default"]["LOCATION"] == "redis://cache.internal:6379/1"


def test_without_a_cache_url_each_process_keeps_its_own_cache(tmp_path):
    caches = settings_in(tmp_path, "CACHES")["CACHES"]

    assert caches["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    # Room for every page in each encoding and its sections, not Django's default 300.
    assert caches["default"]["OPTIONS"]["MAX_ENTRIES"] == 5000


def test_a_cache_url_may_say_how_many_entries_a_process_keeps(tmp_path):
    caches = settings_in(tmp_path, "CACHES", DJANGO_CACHE_URL="locmemcache://?MAX_ENTRIES=800")

    assert caches["CACHES"]["default"]["OPTIONS"]["MAX_ENTRIES"] == 800


def test_each_release_keeps_its_own_entries_in_a_shared_cache(tmp_path):
    from campaign_site.release import release

    named = settings_in(tmp_path, "CACHES", DJANGO_RELEASE="3f2a9c1")["CACHES"]
    digested = settings_in(tmp_path, "CACHES")["CACHES"]

    assert named["default"]["KEY_PREFIX"] == "3f2a9c1"
    assert digested["default"]["KEY_PREFIX"] == release(BASE_DIR)


def test_the_release_changes_with_a_template_and_not_with_anything_else(tmp_path):
    from campaign_site.release import release

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "base.html").write_text("<title>Campaigns</title>")
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "views.py").write_text("VERSION = 1\n")
    first = release(tmp_path)

    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "db.sqlite3").write_bytes(b"data")  # not what pages are made from
    assert release(tmp_path) == first
    (tmp_path / "templates" / "base.html").write_text("<title>Our campaigns</title>")
    assert release(tmp_path) != first
