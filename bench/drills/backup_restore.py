"""Backup and restore drill on PostgreSQL: load the demo into a database of its own, dump it
with pg_dump, restore the dump into a fresh database with pg_restore, and check that every
public page (all the sitemap lists, in both languages, with the feeds) is the same, byte for
byte, from the restored database as from the original. Writes the result to
docs/backup-drill.md.

    DATABASE_URL=$(bash .ci/postgres.sh) .venv/bin/python -m bench.drills.backup_restore

The role in DATABASE_URL must be allowed to create databases (.ci/postgres.sh's is). Run by CI.
"""

import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parents[2]
RESULT = BASE_DIR / "docs" / "backup-drill.md"
SOURCE, RESTORED = "campaigns_drill_source", "campaigns_drill_restored"

# Run inside a site process: every public page as bytes (status, type, body).
SNAPSHOT = """
import json, re, sys
import django
django.setup()
from django.test import Client
client = Client()
pages = {}
todo = ["/sitemap.xml", "/", "/cy/", "/robots.txt"]
while todo:
    path = todo.pop(0)
    if path in pages:
        continue
    response = client.get(path)
    pages[path] = [response.status_code, response["Content-Type"], response.content.hex()]
    if path == "/sitemap.xml":
        todo += [re.sub(r"^https?://[^/]+", "", u) for u in re.findall(r"<loc>([^<]+)</loc>",
                 response.content.decode())]
        todo += [re.sub(r"^https?://[^/]+", "", u) for u in re.findall(r'href="([^"]+)"',
                 response.content.decode()) if "://" in u]
json.dump(pages, sys.stdout)
"""


def run(*command: str, **environment: str) -> str:
    result = subprocess.run(  # noqa: S603 (fixed programs)
        command,
        cwd=BASE_DIR,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"{' '.join(command[:3])} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def site(url: str, *arguments: str) -> str:
    return run(
        sys.executable,
        *arguments,
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="campaign_site.settings_test",
        DJANGO_PAGE_CACHE_SECONDS="0",
        DJANGO_ALLOWED_HOSTS="testserver",
    )


def main() -> None:
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server: DATABASE_URL=$(bash .ci/postgres.sh)")
    maintenance = database(server, "postgres")
    for name in (SOURCE, RESTORED):
        run("psql", maintenance, "-qc", f'DROP DATABASE IF EXISTS "{name}"')
    run("psql", maintenance, "-qc", f'CREATE DATABASE "{SOURCE}"')
    source = database(server, SOURCE)
    site(source, "manage.py", "migrate", "--no-input", "--verbosity", "0")
    site(source, "manage.py", "load_demo")
    before = json.loads(site(source, "-c", SNAPSHOT))

    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / "campaigns.dump"
        run("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source)
        run("psql", maintenance, "-qc", f'CREATE DATABASE "{RESTORED}"')
        restored = database(server, RESTORED)
        run("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump))
        size = dump.stat().st_size
    after = json.loads(site(restored, "-c", SNAPSHOT))

    differing = sorted(
        path for path in before.keys() | after.keys() if before.get(path) != after.get(path)
    )
    failing = sorted(path for path, page in before.items() if page[0] != 200)
    for name in (SOURCE, RESTORED):
        run("psql", maintenance, "-qc", f'DROP DATABASE IF EXISTS "{name}"')
    version = run("pg_dump", "--version").strip()
    ok = not differing and not failing and len(before) > 10
    RESULT.write_text(
        "# Backup and restore drill\n\n"
        "Written by `bench/drills/backup_restore.py` (run by CI, `.ci/run`): the demo loaded into "
        "PostgreSQL, dumped with `pg_dump --format=custom`, restored into a fresh database with "
        "`pg_restore`, and every public page the sitemap lists (both languages, feeds, "
        "robots.txt) fetched from each database and compared byte for byte.\n\n"
        f"- Run: {datetime.datetime.now(tz=datetime.UTC).date().isoformat()}, {version}, Python "
        f"{platform.python_version()}\n"
        f"- Dump: {size:,} bytes\n"
        f"- Pages compared: {len(before)}; differing: {len(differing)}; not 200: {len(failing)}\n"
        f"- Result: **{'identical' if ok else 'FAILED'}**\n"
        + "".join(f"  - differs: `{path}`\n" for path in differing)
        + "".join(f"  - not 200: `{path}`\n" for path in failing)
    )
    print(RESULT.read_text())
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
