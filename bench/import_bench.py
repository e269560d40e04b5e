"""The statistics import benchmark: our column-wise import against the library's default path.

Run it with `make bench` (or `.venv/bin/python -m bench.import_bench`). It builds a throwaway
SQLite database in a temporary folder, imports a 100,000-row partner file through the same code
the admin uses, measures the comparisons listed in docs/performance.md, prints a table with
PASS/FAIL per target and writes the raw numbers to bench/results/latest.json.

Every timed step starts from the same database state (a copy of a freshly migrated and seeded
template file) and runs `--repeat` times, interleaved, so the ratios compare runs made close
together on a shared, noisy machine. The best time of each step is reported.
"""

import argparse
import csv
import datetime
import gc
import html.parser
import io
import json
import os
import platform
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_FILE = BASE_DIR / "bench" / "results" / "latest.json"

# The data: local authorities in ONS regions, a partner covering five ONS regions through one
# custom grouping (so its data officer may import for 500 local authorities and no others).
ONS_REGIONS = 10
COVERED_ONS_REGIONS = 5
AUTHORITIES_PER_ONS_REGION = 100
PERIODS = 200  # months, January 2008 to August 2024
FIRST_MONTH = datetime.date(2008, 1, 1)
SOURCES = ("Helpline log", "Web chat log", "Referrals")
UK_DATE_SHARE = 0.4  # rows written with UK day-first dates (the rest ISO)
SEED = 20240501

OFFICER = "bench-officer"
METRIC_SLUG = "helpline-contacts"
FILE_NAME = "helpline-contacts-2008-2024.csv"
HEADER = ["region_code", "period_start", "period_end", "value", "source"]

# Targets from the issue.
TARGET_ROWS_PER_SECOND = 20_000
TARGET_LIBRARY_SPEEDUP = 20
TARGET_BULK_CREATE_FACTOR = 2
TARGET_PEAK_MB = 150
TARGET_ADMIN_SECONDS = 5
TARGET_PREVIEW_BYTES = 100_000  # "tens of KB, not MB"

MB = 1024 * 1024


# --- Django --------------------------------------------------------------------------------------


def setup_django(db_path: Path) -> None:
    """Point the real settings at a throwaway SQLite file and start Django."""
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "campaign_site.settings"
    # A local, non-debug process: DEBUG would record every query and distort time and memory.
    os.environ["DJANGO_ENV"] = "local"
    os.environ["DJANGO_DEBUG"] = "false"
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()

    from django.conf import settings
    from django.test.utils import override_settings

    # Admin pages link static files; the production storage needs a collectstatic manifest
    # that a throwaway run does not have. The plain storage only changes the links' names.
    # The test client's host is "testserver".
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
    ).enable()


def seed() -> None:
    """Regions, two partners, two metrics and the data officer who imports."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from core.roles import PARTNER_DATA_OFFICERS
    from regions.models import Metric, Organisation, PartnerMembership, Region

    nation = Region(name="England", slug="england", kind=Region.Kind.NATION, gss_code="E92000001")
    ons = [
        Region(
            name=f"ONS region {i}",
            slug=f"ons-region-{i}",
            kind=Region.Kind.ONS_REGION,
            gss_code=f"E12{i:06d}",
        )
        for i in range(1, ONS_REGIONS + 1)
    ]
    authorities = [
        Region(
            name=f"Local authority {n}",
            slug=f"local-authority-{n}",
            kind=Region.Kind.LOCAL_AUTHORITY,
            gss_code=authority_code(n),
        )
        for n in range(1, ONS_REGIONS * AUTHORITIES_PER_ONS_REGION + 1)
    ]
    grouping = Region(
        name="Helpline partnership area", slug="helpline-partnership", kind=Region.Kind.GROUPING
    )
    Region.objects.bulk_create([nation, *ons, *authorities, grouping])
    ids = dict(Region.objects.values_list("slug", "pk"))
    nation_id, grouping_id = ids["england"], ids["helpline-partnership"]
    ons_ids = [ids[f"ons-region-{i}"] for i in range(1, ONS_REGIONS + 1)]

    through = Region.groupings.through  # from_region: the member; to_region: the grouping
    edges = [through(from_region_id=ons_id, to_region_id=nation_id) for ons_id in ons_ids]
    edges += [
        through(from_region_id=ons_id, to_region_id=grouping_id)
        for ons_id in ons_ids[:COVERED_ONS_REGIONS]
    ]
    for n in range(1, ONS_REGIONS * AUTHORITIES_PER_ONS_REGION + 1):
        edges.append(
            through(
                from_region_id=ids[f"local-authority-{n}"],
                to_region_id=ons_ids[(n - 1) // AUTHORITIES_PER_ONS_REGION],
            )
        )
    through.objects.bulk_create(edges)

    partner = Organisation.objects.create(
        name="Example Helpline Partnership",
        slug="example-helpline",
        kind=Organisation.Kind.CHARITY,
    )
    partner.regions.add(grouping_id)  # covers the grouping only: members come through it
    other = Organisation.objects.create(
        name="Other Police Force", slug="other-police", kind=Organisation.Kind.POLICE_FORCE
    )
    other.regions.add(*ons_ids[COVERED_ONS_REGIONS:])
    Metric.objects.create(
        name="People contacting the helpline",
        slug=METRIC_SLUG,
        description="People contacting the helpline, by the area they contacted from.",
        owner=partner,
    )
    Metric.objects.create(
        name="Reports to the police",
        slug="police-reports",
        description="Reports made to the police, by the area of the report.",
        owner=other,
    )

    officer = get_user_model().objects.create_user(OFFICER, is_staff=True)
    officer.groups.add(Group.objects.get(name=PARTNER_DATA_OFFICERS))
    PartnerMembership.objects.create(user=officer, organisation=partner)


def authority_code(n: int) -> str:
    return f"E07{n:06d}"


class Database:
    """A migrated, seeded template file, copied over the working file to reset state."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "bench.sqlite3"
        self.template = folder / "template.sqlite3"

    def create(self) -> None:
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        seed()
        connections.close_all()
        shutil.copyfile(self.path, self.template)

    def reset(self) -> None:
        from django.db import connections

        connections.close_all()
        shutil.copyfile(self.template, self.path)

    def copy_to(self, target: Path) -> None:
        shutil.copyfile(self.template, target)


# --- The file ------------------------------------------------------------------------------------


def months(count: int) -> list[tuple[datetime.date, datetime.date]]:
    periods = []
    start = FIRST_MONTH
    for _ in range(count):
        following = datetime.date(start.year + start.month // 12, start.month % 12 + 1, 1)
        periods.append((start, following - datetime.timedelta(days=1)))
        start = following
    return periods


def make_rows(total: int) -> list[tuple]:
    """(region code, start, end, value, source, UK dates?) for regions x PERIODS months."""
    if total % PERIODS or total // PERIODS > COVERED_ONS_REGIONS * AUTHORITIES_PER_ONS_REGION:
        raise SystemExit(
            f"--rows must be a multiple of {PERIODS} and at most "
            f"{PERIODS * COVERED_ONS_REGIONS * AUTHORITIES_PER_ONS_REGION}"
        )
    rng = random.Random(SEED)
    periods = months(PERIODS)
    rows = []
    for n in range(1, total // PERIODS + 1):
        code = authority_code(n)
        for start, end in periods:
            value = rng.randint(0, 9) if rng.random() < 0.1 else rng.randint(10, 2500)
            uk = rng.random() < UK_DATE_SHARE
            rows.append((code, start, end, value, rng.choice(SOURCES), uk))
    return rows


def show_date(day: datetime.date, uk: bool) -> str:
    return day.strftime("%d/%m/%Y") if uk else day.isoformat()


def csv_bytes(rows: list[tuple]) -> bytes:
    """The file as Excel's 'CSV UTF-8' saves it: byte order mark, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for code, start, end, value, source, uk in rows:
        writer.writerow([code, show_date(start, uk), show_date(end, uk), value, source])
    return "\ufeff".encode() + buffer.getvalue().encode()


def library_dataset(rows: list[tuple]):
    """The same rows as a tablib Dataset for the library's resource (with a metric column)."""
    import tablib

    dataset = tablib.Dataset(
        headers=["metric", "region", "period_start", "period_end", "value", "source"]
    )
    for code, start, end, value, source, uk in rows:
        dataset.append(
            [METRIC_SLUG, code, show_date(start, uk), show_date(end, uk), str(value), source]
        )
    return dataset


# --- Measuring -----------------------------------------------------------------------------------


class QueryCounter:
    """Counts SQL statements, and the time spent executing them, through Django's execute
    wrapper (no query log, no DEBUG). The rest of a step's time is Python: reading, checking,
    and the ORM building instances and SQL."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


@dataclass
class Timing:
    seconds: float
    queries: int | None = None
    sql_seconds: float | None = None


def timed(step) -> tuple[Timing, object]:
    """Run step() once: its timing and its return value."""
    from django.db import connection

    gc.collect()
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        value = step()
        seconds = time.perf_counter() - started
    return Timing(seconds, counter.count, counter.seconds), value


class Step:
    """Every run of one measured step."""

    def __init__(self, name: str, rows: int) -> None:
        self.name = name
        self.rows = rows
        self.runs: list[Timing] = []
        self.extra: dict = {}

    def add(self, timing: Timing) -> None:
        self.runs.append(timing)

    @property
    def seconds(self) -> list[float]:
        return [run.seconds for run in self.runs]

    @property
    def best_run(self) -> Timing:
        return min(self.runs, key=lambda run: run.seconds)

    @property
    def best(self) -> float:
        return self.best_run.seconds

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.best

    def as_json(self) -> dict:
        best = self.best_run
        return {
            "rows": self.rows,
            "runs_s": [round(s, 4) for s in self.seconds],
            "best_s": round(best.seconds, 4),
            "rows_per_s": round(self.rows_per_second),
            "queries": best.queries,
            "best_run_in_sql_s": None if best.sql_seconds is None else round(best.sql_seconds, 4),
            **self.extra,
        }


def statistics_state() -> dict:
    from django.db.models import Count, Max

    from regions.models import ImportBatch, Statistic

    state = Statistic.objects.aggregate(rows=Count("id"), max_id=Max("id"), last=Max("updated_at"))
    state["batches"] = ImportBatch.objects.count()
    return state


def import_ours(data: bytes, user, metric, file_name: str = FILE_NAME):
    """What the admin's confirmation does: read the bytes, then the resource's import_data."""
    from regions.imports.formats import dataset_from_bytes
    from regions.imports.statistics import StatisticResource

    dataset = dataset_from_bytes(data, file_name)
    return StatisticResource().import_data(
        dataset, dry_run=False, user=user, file_name=file_name, metric=metric
    )


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"Benchmark check failed: {message}")


def measure_ours(db: Database, data: bytes, rows: int, user, metric, steps: dict) -> None:
    """First import into an empty table, then re-import of the unchanged file."""
    db.reset()
    timing, result = timed(lambda: import_ours(data, user, metric))
    check(not result.failed, f"our import failed: {result.problems[:3]} {result.file_problems}")
    check(result.created == rows, f"our import created {result.created}, expected {rows}")
    after_first = statistics_state()
    check(after_first["rows"] == rows, "our import did not store every row")
    steps["ours"].add(timing)

    timing, result = timed(lambda: import_ours(data, user, metric))
    after_second = statistics_state()
    check(not result.failed, "re-import failed")
    untouched = (
        after_second["rows"] == after_first["rows"]
        and after_second["max_id"] == after_first["max_id"]
        and after_second["last"] == after_first["last"]
    )
    steps["reimport"].add(timing)
    steps["reimport"].extra = {
        "result_new": result.created,
        "result_updated": result.updated,
        "result_unchanged": result.unchanged,
        "rows_unchanged_verified": untouched,
        "max_id_before_after": [after_first["max_id"], after_second["max_id"]],
        "max_updated_at_before_after": [str(after_first["last"]), str(after_second["last"])],
        "import_batches_recorded": after_second["batches"] - after_first["batches"],
    }
    check(untouched and result.created == 0 and result.updated == 0, "re-import wrote rows")


def measure_reject(db: Database, bad_data: bytes, bad_row: int, user, metric, step: Step) -> None:
    db.reset()
    timing, result = timed(lambda: import_ours(bad_data, user, metric))
    state = statistics_state()
    check(result.failed, "the file with a bad row was accepted")
    check(state["rows"] == 0 and state["batches"] == 0, "the rejected file wrote something")
    step.add(timing)
    step.extra = {
        "problems": [str(problem) for problem in result.problems],
        "bad_spreadsheet_row": bad_row,
        "rows_written": state["rows"],
        "batches_written": state["batches"],
    }
    check([p.row for p in result.problems] == [bad_row], "expected exactly the one bad row")


def measure_bulk_create(db: Database, rows: list[tuple], metric, step: Step) -> None:
    from django.db import transaction

    from regions.models import Region, Statistic

    db.reset()
    region_ids = dict(Region.objects.exclude(gss_code=None).values_list("gss_code", "pk"))
    objects = [
        Statistic(
            metric_id=metric.pk,
            region_id=region_ids[code],
            period_start=start,
            period_end=end,
            value=value,
            source=source,
        )
        for code, start, end, value, source, _uk in rows
    ]

    def create() -> None:
        with transaction.atomic():
            Statistic.objects.bulk_create(objects, batch_size=2000)

    timing, _ = timed(create)
    check(Statistic.objects.count() == len(rows), "bulk_create did not store every row")
    step.add(timing)


def library_resource_class():
    """The library's default path: a plain ModelResource keyed on the figure's identity."""
    from import_export import fields, resources, widgets

    from regions.models import Metric, Region, Statistic

    class DayFirstOrIsoDateWidget(widgets.DateWidget):
        """The library's DateWidget, told the file's two date formats (its default list reads
        01/02/2024 month first)."""

        def __init__(self) -> None:
            super().__init__()
            self.formats = ("%Y-%m-%d", "%d/%m/%Y")

    class LibraryStatisticResource(resources.ModelResource):
        metric = fields.Field(
            attribute="metric",
            column_name="metric",
            widget=widgets.ForeignKeyWidget(Metric, field="slug"),
        )
        region = fields.Field(
            attribute="region",
            column_name="region",
            widget=widgets.ForeignKeyWidget(Region, field="gss_code"),
        )
        period_start = fields.Field(
            attribute="period_start", column_name="period_start", widget=DayFirstOrIsoDateWidget()
        )
        period_end = fields.Field(
            attribute="period_end", column_name="period_end", widget=DayFirstOrIsoDateWidget()
        )

        class Meta:
            model = Statistic
            fields = ("metric", "region", "period_start", "period_end", "value", "source")
            import_id_fields = ("metric", "region", "period_start", "period_end")
            use_transactions = True

    return LibraryStatisticResource


def measure_library(db: Database, rows: list[tuple], step: Step) -> None:
    from regions.models import Statistic

    resource_class = library_resource_class()
    db.reset()
    dataset = library_dataset(rows)
    timing, result = timed(
        lambda: resource_class().import_data(dataset, dry_run=False, use_transactions=True)
    )
    check(not result.has_errors() and not result.has_validation_errors(), "library import failed")
    check(Statistic.objects.count() == len(rows), "the library import did not store every row")
    step.add(timing)
    step.extra = {"result_new": result.totals["new"]}


def measure_phases(db: Database, data: bytes, user, metric) -> dict:
    """One extra run split into the functions import_data_inner calls, to show where time goes."""
    from regions.imports.formats import dataset_from_bytes
    from regions.imports.statistics import statistics_plan, statistics_write

    db.reset()
    gc.collect()
    started = time.perf_counter()
    dataset = dataset_from_bytes(data, FILE_NAME)
    read = time.perf_counter()
    plan = statistics_plan(dataset.table, user=user, metric=metric)
    planned = time.perf_counter()
    statistics_write(plan, user=user, file_name=FILE_NAME, checksum=dataset.checksum)
    written = time.perf_counter()
    return {
        "read_csv_s": round(read - started, 4),
        "check_and_plan_s": round(planned - read, 4),
        "write_s": round(written - planned, 4),
        "total_s": round(written - started, 4),
    }


# --- The admin flow ------------------------------------------------------------------------------


class ConfirmFormParser(html.parser.HTMLParser):
    """The named inputs of the form that posts to `action`."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.found = False
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        if tag == "form" and attributes.get("action") == self.action:
            self.inside = self.found = True
        elif tag == "input" and self.inside and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag) -> None:
        if tag == "form":
            self.inside = False


def measure_admin(db: Database, data: bytes, rows: int, user, metric, step: Step) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from regions.models import ImportBatch, PendingImport, Statistic

    db.reset()
    client = Client()
    client.force_login(user)
    upload_url = reverse("admin:regions_statistic_import")
    confirm_url = reverse("admin:regions_statistic_process_import")
    file_name = f"helpline-contacts-{rows}.csv"
    gc.collect()

    started = time.perf_counter()
    preview = client.post(
        upload_url,
        {
            "resource": "0",
            "format": "0",
            "metric": str(metric.pk),
            "import_file": SimpleUploadedFile(file_name, data, content_type="text/csv"),
        },
    )
    previewed = time.perf_counter()
    check(preview.status_code == 200, f"upload answered {preview.status_code}")
    parser = ConfirmFormParser(confirm_url)
    parser.feed(preview.content.decode())
    check(parser.found, "the preview has no confirmation form")
    confirmed_response = client.post(confirm_url, parser.fields)
    confirmed = time.perf_counter()
    check(confirmed_response.status_code == 302, "confirmation did not redirect")
    check(Statistic.objects.count() == rows, "the admin import did not store every row")
    check(ImportBatch.objects.count() == 1 and not PendingImport.objects.exists(), "leftovers")

    changelist_started = time.perf_counter()
    changelist = client.get(confirmed_response["Location"])
    changelist_seconds = time.perf_counter() - changelist_started
    check(changelist.status_code == 200, "the changelist after the import failed")

    step.add(Timing(confirmed - started))
    step.extra.setdefault("upload_and_preview_s", []).append(round(previewed - started, 4))
    step.extra.setdefault("confirm_s", []).append(round(confirmed - previewed, 4))
    step.extra.setdefault("changelist_after_s", []).append(round(changelist_seconds, 4))
    step.extra["preview_bytes"] = len(preview.content)
    step.extra["file_bytes"] = len(data)
    step.extra["confirm_fields"] = sorted(parser.fields)


# --- Memory, in a fresh process ------------------------------------------------------------------


def proc_status(field: str) -> int | None:
    """A memory figure from /proc/self/status (VmRSS, VmHWM), in bytes; None off Linux."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return None


def reset_peak_rss() -> bool:
    """Set this process's peak RSS (VmHWM) to its current RSS (Linux 4.0+)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


def max_rss() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # Linux reports KiB


def memory_child(mode: str, csv_path: Path, db_path: Path) -> None:
    """Import the file once in this fresh process and print memory use above its baseline.

    The baseline is taken after Django has started, the import modules are loaded and the
    database connection is open, just before the file is read: what one import adds.
    """
    setup_django(db_path)
    from django.contrib.auth import get_user_model

    from regions.models import Metric, Statistic
    from regions.permissions import regions_for_user

    user = get_user_model().objects.get(username=OFFICER)
    metric = Metric.objects.get(slug=METRIC_SLUG)
    list(regions_for_user(user)[:1])  # warm: connection open, permission modules imported
    from regions.imports import formats, statistics  # noqa: F401 (imported before the baseline)

    gc.collect()
    baseline_rss = proc_status("VmRSS")
    baseline_max_rss = max_rss()
    peak_was_reset = reset_peak_rss()
    if mode == "tracemalloc":
        tracemalloc.start()
    started = time.perf_counter()
    result = import_ours(csv_path.read_bytes(), user, metric)
    seconds = time.perf_counter() - started
    report = {"mode": mode, "seconds": round(seconds, 4), "created": result.created}
    if mode == "tracemalloc":
        report["tracemalloc_peak_bytes"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    else:
        peak_rss = proc_status("VmHWM")
        report["baseline_rss_bytes"] = baseline_rss
        report["peak_rss_bytes"] = peak_rss
        report["peak_was_reset_at_baseline"] = peak_was_reset
        if peak_rss is not None and baseline_rss is not None:
            report["rss_peak_above_baseline_bytes"] = peak_rss - baseline_rss
        report["baseline_ru_maxrss_bytes"] = baseline_max_rss
        report["ru_maxrss_delta_bytes"] = max_rss() - baseline_max_rss
    report["rows_stored"] = Statistic.objects.count()
    print(json.dumps(report))


# On Linux a process's ru_maxrss starts at the size of the process that forked it, so a child
# forked from this (large) process would report a meaningless baseline. The child is therefore
# started by a tiny Python process in between, whose small size is all the child inherits.
LAUNCHER = "import subprocess, sys; sys.exit(subprocess.call(sys.argv[1:]))"


def measure_memory(db: Database, folder: Path, data: bytes) -> dict:
    csv_path = folder / FILE_NAME
    csv_path.write_bytes(data)
    reports = {}
    for mode in ("rss", "tracemalloc"):
        child_db = folder / f"memory-{mode}.sqlite3"
        db.copy_to(child_db)
        completed = subprocess.run(
            [
                sys.executable,
                "-c",
                LAUNCHER,
                sys.executable,
                "-m",
                "bench.import_bench",
                "--memory-child",
                mode,
                "--csv",
                str(csv_path),
                "--db",
                str(child_db),
            ],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode:
            raise SystemExit(f"memory child failed:\n{completed.stderr}")
        reports[mode] = json.loads(completed.stdout.strip().splitlines()[-1])
        check(reports[mode]["rows_stored"] == len(data.splitlines()) - 1, "memory run incomplete")
    return reports


# --- Report --------------------------------------------------------------------------------------


def machine() -> dict:
    import django
    import import_export

    model = ""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            names = (line.split(":", 1)[1] for line in cpuinfo if line.startswith("model name"))
            model = next(names, "").strip()
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "django_import_export": import_export.__version__,
        "sqlite": sqlite3.sqlite_version,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def print_table(steps: dict, phases: dict, memory: dict, admin: Step) -> None:
    print()
    print(
        f"{'step':<48} {'rows':>8} {'best s':>7} {'rows/s':>8} {'SQL':>6} {'in SQL s':>8}  runs (s)"
    )
    print("-" * 104)
    for step in steps.values():
        best = step.best_run
        queries = "-" if best.queries is None else str(best.queries)
        in_sql = "-" if best.sql_seconds is None else f"{best.sql_seconds:.2f}"
        runs = ", ".join(f"{s:.2f}" for s in step.seconds)
        print(
            f"{step.name:<48} {step.rows:>8,} {step.best:>7.2f} {step.rows_per_second:>8,.0f} "
            f"{queries:>6} {in_sql:>8}  {runs}"
        )
    print("(SQL: statements run; in SQL s: time inside cursor.execute, the rest is Python.)")
    print()
    print(
        "Our import, split (one extra run): read CSV {read_csv_s:.3f} s, check and plan "
        "{check_and_plan_s:.3f} s, write {write_s:.3f} s, total {total_s:.3f} s".format(**phases)
    )
    print(
        "Peak memory of one import above the process baseline (fresh process): "
        + ", ".join(f"{name} {value / MB:.1f} MB" for name, value in memory_measures(memory))
    )
    print(
        f"Admin flow ({admin.rows:,} rows, best run): upload+preview "
        f"{min(admin.extra['upload_and_preview_s']):.3f} s, confirm "
        f"{min(admin.extra['confirm_s']):.3f} s; preview page {admin.extra['preview_bytes']:,} "
        f"bytes; changelist after redirect {min(admin.extra['changelist_after_s']):.3f} s"
    )


def memory_measures(memory: dict) -> list[tuple[str, int]]:
    rss, traced = memory["rss"], memory["tracemalloc"]
    measures = []
    if rss.get("peak_was_reset_at_baseline") and "rss_peak_above_baseline_bytes" in rss:
        measures.append(("RSS peak (VmHWM) - baseline RSS", rss["rss_peak_above_baseline_bytes"]))
    measures.append(("ru_maxrss delta", rss["ru_maxrss_delta_bytes"]))
    measures.append(("tracemalloc peak", traced["tracemalloc_peak_bytes"]))
    return measures


def evaluate(steps: dict, memory: dict) -> list[dict]:
    ours, reimport, bulk = steps["ours"], steps["reimport"], steps["bulk_create"]
    library, admin = steps["library"], steps["admin"]
    peak_bytes = max(value for _name, value in memory_measures(memory))
    speedup = ours.rows_per_second / library.rows_per_second
    factor = ours.best / bulk.best
    reimport_ok = (
        reimport.best <= ours.best
        and reimport.extra["rows_unchanged_verified"]
        and reimport.extra["result_new"] == 0
        and reimport.extra["result_updated"] == 0
    )
    return [
        target(
            f"ours >= {TARGET_ROWS_PER_SECOND:,} rows/s",
            ours.rows_per_second >= TARGET_ROWS_PER_SECOND,
            f"{ours.rows_per_second:,.0f} rows/s",
        ),
        target(
            f"ours >= {TARGET_LIBRARY_SPEEDUP}x library default rows/s",
            speedup >= TARGET_LIBRARY_SPEEDUP,
            f"{speedup:.1f}x ({ours.rows_per_second:,.0f} vs {library.rows_per_second:,.0f})",
        ),
        target(
            f"ours time <= {TARGET_BULK_CREATE_FACTOR}x plain bulk_create time",
            factor <= TARGET_BULK_CREATE_FACTOR,
            f"{factor:.2f}x ({ours.best:.2f} s vs {bulk.best:.2f} s)",
        ),
        target(
            "re-import unchanged: 0 rows written, at least as fast",
            reimport_ok,
            f"{reimport.best:.2f} s vs {ours.best:.2f} s; new {reimport.extra['result_new']}, "
            f"updated {reimport.extra['result_updated']}, unchanged "
            f"{reimport.extra['result_unchanged']:,}; "
            f"max id/updated_at unchanged: {reimport.extra['rows_unchanged_verified']}",
        ),
        target(
            f"peak memory < {TARGET_PEAK_MB} MB above baseline",
            peak_bytes < TARGET_PEAK_MB * MB,
            f"{peak_bytes / MB:.1f} MB (the largest measure)",
        ),
        target(
            f"admin {admin.rows:,}-row flow < {TARGET_ADMIN_SECONDS} s",
            admin.best < TARGET_ADMIN_SECONDS,
            f"{admin.best:.2f} s",
        ),
        target(
            f"preview page small (< {TARGET_PREVIEW_BYTES // 1000} KB)",
            admin.extra["preview_bytes"] < TARGET_PREVIEW_BYTES,
            f"{admin.extra['preview_bytes']:,} bytes",
        ),
    ]


def target(name: str, passed: bool, measured: str) -> dict:
    return {"target": name, "passed": passed, "measured": measured}


# --- Main ----------------------------------------------------------------------------------------


def run(options) -> int:
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="campaign-import-bench-"))
    try:
        db = Database(folder)
        setup_django(db.path)
        from django.conf import settings
        from django.contrib.auth import get_user_model

        from regions.models import Metric
        from regions.permissions import regions_for_user, sees_all_regions

        info = machine()
        print(
            f"Import benchmark: {info['cpus']} CPUs ({info['cpu_model']}), Python "
            f"{info['python']}, Django {info['django']}, django-import-export "
            f"{info['django_import_export']}, SQLite {info['sqlite']} (file in {folder})"
        )
        db.create()
        user = get_user_model().objects.get(username=OFFICER)
        metric = Metric.objects.get(slug=METRIC_SLUG)
        covered = regions_for_user(user).count()
        check(not sees_all_regions(user), "the officer must not see every region")

        rows = make_rows(options.rows)
        data = csv_bytes(rows)
        bad_index = len(rows) // 2
        uncovered = authority_code(COVERED_ONS_REGIONS * AUTHORITIES_PER_ONS_REGION + 1)
        bad_rows = list(rows)
        bad_rows[bad_index] = (uncovered, *rows[bad_index][1:])
        bad_data = csv_bytes(bad_rows)
        admin_data = csv_bytes(rows[: options.admin_rows])
        check(
            len(data) <= settings.IMPORT_MAX_FILE_BYTES,
            f"the file ({len(data):,} bytes) is over IMPORT_MAX_FILE_BYTES",
        )
        uk = sum(1 for row in rows if row[5])
        print(
            f"File: {len(rows):,} rows = {len(rows) // PERIODS} local authorities x {PERIODS} "
            f"months, {uk:,} rows with UK dates, {len(data):,} bytes "
            f"(limit {settings.IMPORT_MAX_FILE_BYTES:,}); officer covers {covered} regions "
            f"through one grouping. Best of {options.repeat} runs per step."
        )

        steps = {
            "ours": Step("ours: first import (read, check, write)", len(rows)),
            "reimport": Step("ours: re-import unchanged file (0 written)", len(rows)),
            "reject": Step("ours: 1 bad row, rejected (0 written)", len(rows)),
            "bulk_create": Step("plain bulk_create, prebuilt objects", len(rows)),
            "library": Step("library default ModelResource", options.library_rows),
            "admin": Step("admin: upload + preview + confirm", options.admin_rows),
        }
        for attempt in range(options.repeat):
            print(f"  round {attempt + 1} of {options.repeat}...", flush=True)
            measure_ours(db, data, len(rows), user, metric, steps)
            measure_bulk_create(db, rows, metric, steps["bulk_create"])
            measure_reject(db, bad_data, bad_index + 2, user, metric, steps["reject"])
            measure_library(db, rows[: options.library_rows], steps["library"])
            measure_admin(db, admin_data, options.admin_rows, user, metric, steps["admin"])
        phases = measure_phases(db, data, user, metric)
        print("  memory, in fresh processes...", flush=True)
        memory = measure_memory(db, folder, data)

        print_table(steps, phases, memory, steps["admin"])
        targets = evaluate(steps, memory)
        print()
        for item in targets:
            verdict = "PASS" if item["passed"] else "FAIL"
            print(f"{verdict}  {item['target']:<56} {item['measured']}")
        elapsed = time.perf_counter() - started
        print(f"\nBenchmark took {elapsed:.0f} s.")

        results = {
            "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "machine": info,
            "database": "SQLite file in a temporary folder",
            "data": {
                "rows": len(rows),
                "regions": len(rows) // PERIODS,
                "periods": PERIODS,
                "uk_date_rows": uk,
                "file_bytes": len(data),
                "import_max_file_bytes": settings.IMPORT_MAX_FILE_BYTES,
                "columns": HEADER,
                "regions_covered_by_officer": covered,
                "library_rows": options.library_rows,
                "admin_rows": options.admin_rows,
            },
            "repeat": options.repeat,
            "steps": {key: step.as_json() for key, step in steps.items()},
            "ours_phases_one_run": phases,
            "memory": memory,
            "targets": targets,
            "elapsed_s": round(elapsed, 1),
        }
        output = Path(options.output)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results, indent=2) + "\n")
        print(f"Raw numbers written to {output}.")
        return 1 if options.strict and not all(item["passed"] for item in targets) else 0
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--library-rows", type=int, default=5_000)
    parser.add_argument("--admin-rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--output", default=str(RESULTS_FILE))
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 when a target is missed"
    )
    parser.add_argument("--memory-child", choices=["rss", "tracemalloc"], help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.memory_child:
        memory_child(options.memory_child, options.csv, options.db)
        return 0
    return run(options)


if __name__ == "__main__":
    sys.exit(main())
