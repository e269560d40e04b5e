"""Soak drill: the cached campaign page under load while a partner imports and a manager edits.

gunicorn (production settings, the HTTP bench's helpers) serves the demo from a throwaway
database on the PostgreSQL server DATABASE_URL names. For DURATION seconds wrk loads the demo
campaign page with CONNECTIONS connections, while, at the same time:

- a partner's data officer imports IMPORT_ROWS statistics (500 areas x 200 months, the import
  benchmark's file) with `manage.py import_statistics --user`, the admin's own code path with
  the partner's permissions;
- a campaign manager saves EDITS changes to an area's description, one every EDIT_INTERVAL
  seconds, each a save as the admin makes it (a version recorded, the page cache told).

Every save changes what public pages show, so the page cache is emptied again and again while
the load runs: the page is built afresh after each one.

It passes when every response was a 200 (no socket errors, no traceback in any body), and
afterwards every imported row and every edit is there: IMPORT_ROWS figures from one import
batch, EDITS new versions of the area, its page showing the last edit. Writes the counts into
docs/drills.md.

    DATABASE_URL=$(bash .ci/postgres.sh) .venv/bin/python -m bench.drills.soak

Needs wrk (apt-get install -y wrk) and a role allowed to create databases (.ci/postgres.sh's
is).
"""

import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import import_bench
from bench.drills.database_restart import LUA
from bench.drills.report import check_lines, publish
from bench.http_bench import (
    BASE_DIR,
    DEMO_PAGE,
    database,
    database_version,
    fetch,
    production_environment,
    server,
)
from bench.http_bench import manage as run_manage

DURATION = 60
CONNECTIONS = 50
IMPORT_ROWS = 100_000
EDITS = 20
EDIT_INTERVAL = 2.0
EDITED_AREA = "north-wales"
MARK = "Soak drill edit"

# Run inside Django (manage.py shell): the partner, its 500 areas and the metric it imports,
# beside the demo; then the file of IMPORT_ROWS rows.
SEED = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from bench import import_bench as bench
from core.roles import PARTNER_DATA_OFFICERS
from regions.models import Metric, Organisation, PartnerMembership, Region

grouping = Region.objects.create(
    name="Soak partnership area", slug="soak-partnership", kind=Region.Kind.GROUPING
)
count = bench.COVERED_ONS_REGIONS * bench.AUTHORITIES_PER_ONS_REGION
areas = Region.objects.bulk_create(
    Region(
        name=f"Soak area {n}",
        slug=f"soak-area-{n}",
        kind=Region.Kind.LOCAL_AUTHORITY,
        gss_code=bench.authority_code(n),
    )
    for n in range(1, count + 1)
)
through = Region.groupings.through
through.objects.bulk_create(
    through(from_region_id=area.pk, to_region_id=grouping.pk) for area in areas
)
partner = Organisation.objects.create(
    name="Soak helpline partner", slug="soak-partner", kind=Organisation.Kind.CHARITY
)
partner.regions.add(grouping)
Metric.objects.create(
    name="Soak contacts", slug=bench.METRIC_SLUG, description="Contacts.", owner=partner
)
officer = get_user_model().objects.create_user(bench.OFFICER, is_staff=True)
officer.groups.add(Group.objects.get(name=PARTNER_DATA_OFFICERS))
PartnerMembership.objects.create(user=officer, organisation=partner)
with open(%(file)r, "wb") as out:
    out.write(bench.csv_bytes(bench.make_rows(%(rows)d)))
"""

# A manager's edits, each saved as the admin saves it: with the manager recorded as its author
# in the area's versions.
EDIT = """
import time
from django.contrib.auth import get_user_model
from simple_history.utils import update_change_reason
from regions.models import Region

manager = get_user_model().objects.get(username="manager")
for number in range(1, %(edits)d + 1):
    area = Region.objects.get(slug="%(area)s")
    area.description_en_gb = f"%(mark)s {number}."
    area._history_user = manager
    area.save()
    update_change_reason(area, f"%(mark)s {number}")
    time.sleep(%(interval)s)
"""

# Afterwards: what was written.
CHECK = """
import json
from bench import import_bench as bench
from regions.models import ImportBatch, Region, Statistic

area = Region.objects.get(slug="%(area)s")
batches = list(
    ImportBatch.objects.filter(kind=ImportBatch.Kind.STATISTICS).values_list(
        "rows_created", "rows_updated"
    )
)
print("CHECK " + json.dumps({
    "figures": Statistic.objects.filter(metric__slug=bench.METRIC_SLUG).count(),
    "batches": batches,
    "edits": area.history.filter(history_change_reason__startswith="%(mark)s").count(),
    "description": area.description_en_gb,
}))
"""


def shell(environment: dict[str, str], code: str, **popen) -> subprocess.Popen:
    """manage.py shell running `code`."""
    return subprocess.Popen(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env=environment,
        **popen,
    )


def finished(process: subprocess.Popen, what: str) -> str:
    output, _ = process.communicate()
    if process.returncode != 0:
        sys.exit(f"{what} failed (exit {process.returncode}):\n{output or ''}")
    return output or ""


def main() -> None:
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server: DATABASE_URL=$(bash .ci/postgres.sh)")
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk")
    format_values = {
        "rows": IMPORT_ROWS,
        "edits": EDITS,
        "area": EDITED_AREA,
        "mark": MARK,
        "interval": EDIT_INTERVAL,
    }

    with tempfile.TemporaryDirectory(prefix="soak-") as folder_name:
        folder = Path(folder_name)
        script = folder / "drill.lua"
        script.write_text(LUA)
        figures_file = folder / "figures.csv"
        with database("postgresql", folder, server_url) as url:
            environment = production_environment(url, folder)
            run_manage(environment, "collectstatic", "--no-input")
            run_manage(environment, "migrate", "--no-input")
            run_manage(environment, "load_demo")
            seed = SEED % {**format_values, "file": str(figures_file)}
            finished(shell(environment, seed), "Seeding")
            with server(environment, DEMO_PAGE) as base:
                load = subprocess.Popen(  # noqa: S603 (fixed arguments)
                    [
                        "wrk",
                        "-t2",
                        f"-c{CONNECTIONS}",
                        f"-d{DURATION}s",
                        "--timeout",
                        "10s",
                        "-H",
                        "Accept-Encoding: gzip",
                        "-s",
                        str(script),
                        base + DEMO_PAGE,
                        "--",
                        "same",
                    ],  # fmt: skip
                    stdout=subprocess.PIPE,
                    text=True,
                )
                time.sleep(2)
                started = time.monotonic()
                importing = subprocess.Popen(  # noqa: S603 (our own manage.py)
                    [
                        sys.executable,
                        "manage.py",
                        "import_statistics",
                        str(figures_file),
                        "--metric",
                        import_bench.METRIC_SLUG,
                        "--user",
                        import_bench.OFFICER,
                    ],  # fmt: skip
                    cwd=BASE_DIR,
                    env=environment,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
                editing = shell(
                    environment,
                    EDIT % format_values,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
                import_output = finished(importing, "The import")
                import_seconds = time.monotonic() - started
                finished(editing, "The edits")
                edits_seconds = time.monotonic() - started
                wrk_output = load.communicate()[0]
                _status, _headers, region_page = fetch(f"{base}/regions/{EDITED_AREA}/")
            checked = finished(
                shell(environment, CHECK % format_values, stdout=subprocess.PIPE, text=True),
                "The check",
            )
            version = database_version("postgresql", url)

    found = re.search(r"^DRILL (\{.*\})$", wrk_output, re.MULTILINE)
    if found is None:
        sys.exit(f"wrk gave no counts:\n{wrk_output}")
    counts = json.loads(found.group(1))
    requests_per_second = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk_output).group(1))
    written = json.loads(re.search(r"^CHECK (\{.*\})$", checked, re.MULTILINE).group(1))
    last_edit = f"{MARK} {EDITS}."
    failures = sum(n for status, n in counts["statuses"].items() if status != "200")
    checks = {
        "every response a 200, no socket error": failures == 0 and counts["socket_errors"] == 0,
        "no traceback in any body": counts["tracebacks"] == 0,
        f"all {IMPORT_ROWS:,} imported figures present, from one import": written["figures"]
        == IMPORT_ROWS
        and written["batches"] == [[IMPORT_ROWS, 0]],
        f"all {EDITS} edits saved as versions, the last one current": written["edits"] == EDITS
        and written["description"] == last_edit,
        "the area's public page shows the last edit": last_edit.encode() in region_page,
        "the import and the edits ended while the load ran": max(import_seconds, edits_seconds)
        < DURATION - 2,
    }
    ok = all(checks.values())
    statuses = ", ".join(f"{status}: {n:,}" for status, n in sorted(counts["statuses"].items()))
    section = "\n".join(
        [
            "## Soak: load, an import and edits at once",
            "",
            f"Last run: {datetime.datetime.now(tz=datetime.UTC).strftime('%Y-%m-%d %H:%M UTC')}, "
            f"{version}, Python {platform.python_version()}, `python -m bench.drills.soak`. "
            f"Result: **{'PASS' if ok else 'FAIL'}**.",
            "",
            f"gunicorn (3 sync workers, production settings) under wrk ({CONNECTIONS} "
            f"connections, {DURATION} s, gzip) on the demo campaign page, while a partner's data "
            f"officer imported {IMPORT_ROWS:,} figures (`import_statistics --user`, done "
            f"{import_seconds:.1f} s after it started) and a manager saved {EDITS} edits of an "
            f"area, one every {EDIT_INTERVAL:.0f} s (done after {edits_seconds:.1f} s). Each "
            "save and the import empty the page cache, so the page was built afresh again and "
            "again during the load.",
            "",
            f"- Responses: {statuses} ({requests_per_second:,.0f} a second); socket errors "
            f"{counts['socket_errors']}; tracebacks {counts['tracebacks']}.",
            f"- Written: {written['figures']:,} figures, import batches (created, updated) "
            f"{written['batches']}, {written['edits']} versions of the area's edits.",
            f"- The import said: {import_output.strip().splitlines()[-1] if import_output else ''}",
            *check_lines(checks),
        ]
    )
    publish("soak", section, ok)


if __name__ == "__main__":
    os.chdir(BASE_DIR)
    main()
