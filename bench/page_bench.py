"""Public page cost against data size: the campaign page and its downloads, from a campaign of
6 areas x 2 periods up to 300 areas x 10 periods.

Run it with `make bench` (or `.venv/bin/python -m bench.page_bench`). It builds a throwaway
SQLite database in a temporary folder, seeds one campaign per size, and for each page records the
SQL statements, the best render time of several requests through Django's test client, and the
bytes sent (plain and gzip-compressed). Results go to `bench/results/pages.json`; the method and
the last results are in docs/performance.md. Timings on a shared machine move between runs;
compare sizes within one run.
"""

import argparse
import datetime
import gzip
import json
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.import_bench import BASE_DIR, setup_django

SIZES = [(6, 2), (60, 4), (300, 10)]
PAGES = {
    "campaign page": "",
    "statistics.csv": "statistics.csv",
    "statistics.json": "statistics.json",
}


def half_year(index: int) -> tuple[datetime.date, datetime.date]:
    year = 2014 + index // 2
    if index % 2 == 0:
        return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
    return datetime.date(year, 7, 1), datetime.date(year, 12, 31)


def seed_campaign(areas: int, periods: int, owner) -> str:
    """A published campaign over `areas` local authorities and their grouping; returns its URL."""
    from campaigns.models import Campaign
    from regions.models import Metric, Region, Statistic

    tag = f"{areas}x{periods}"
    metric = Metric.objects.create(name=f"People {tag}", slug=f"people-{tag}", owner=owner)
    grouping = Region.objects.create(name=f"All areas {tag}", slug=f"all-{tag}", kind="grouping")
    regions = Region.objects.bulk_create(
        Region(name=f"Area {tag} {i:03d}", slug=f"area-{tag}-{i}", kind="local_authority")
        for i in range(areas)
    )
    Region.groupings.through.objects.bulk_create(
        Region.groupings.through(from_region=region, to_region=grouping) for region in regions
    )
    Statistic.objects.bulk_create(
        Statistic(
            metric=metric,
            region=region,
            period_start=half_year(j)[0],
            period_end=half_year(j)[1],
            # Some small numbers, so suppression and withheld totals are part of the work.
            value=(3 if (i + j) % 17 == 0 else 40 + 7 * i + 3 * j),
        )
        for i, region in enumerate(regions)
        for j in range(periods)
    )
    campaign = Campaign.objects.create(
        title=f"Campaign {tag}",
        slug=f"campaign-{tag}",
        summary="Get help early, in confidence.",
        lead_organisation=owner,
        launch_date=half_year(periods // 2)[0],
        helpline_name="Helpline",
        helpline_phone="0808 1000 900",
        helpline_confidentiality="Calls are confidential.",
        status="published",
        publish_at=datetime.datetime(2014, 1, 1, tzinfo=datetime.UTC),
    )
    campaign.regions.set([*regions, grouping])
    campaign.metrics.set([metric])
    return campaign.get_absolute_url()


def measure(client, url: str, repeat: int) -> dict:
    from django.db import connection

    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    times = []
    for _ in range(repeat):
        statements.clear()
        with connection.execute_wrapper(count):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, url
    body = response.content
    return {
        "url": url,
        "queries": len(statements),
        "best_s": round(min(times), 4),
        "times_s": [round(t, 4) for t in times],
        "bytes": len(body),
        "gzip_bytes": len(gzip.compress(body)),
        "svg_bytes": (body.find(b"</svg>") - body.find(b"<svg")) if b"<svg" in body else 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="requests per page (best is kept)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="page-bench-"))
    try:
        setup_django(folder / "bench.sqlite3")
        from django.core.management import call_command
        from django.test import Client

        from regions.models import Organisation

        call_command("migrate", verbosity=0)
        owner = Organisation.objects.create(name="Charity", slug="charity", kind="charity")
        urls = {size: seed_campaign(*size, owner) for size in SIZES}
        from django.core.cache import cache
        from django.test import override_settings

        client = Client()
        results = []
        cached = []
        for size, base in urls.items():
            # Built from nothing: no page cache, no cached sections.
            with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0, PUBLIC_SECTION_CACHE_SECONDS=0):
                client.get(base)  # warm up templates
                for page, suffix in PAGES.items():
                    row = {"areas": size[0], "periods": size[1], "page": page}
                    row.update(measure(client, base + suffix, args.repeat))
                    results.append(row)
            # The same pages served from the page cache (filled by the first request).
            with override_settings(PUBLIC_PAGE_CACHE_SECONDS=600):
                cache.clear()
                for page, suffix in PAGES.items():
                    client.get(base + suffix)
                    row = {"areas": size[0], "periods": size[1], "page": page}
                    row.update(measure(client, base + suffix, args.repeat))
                    cached.append(row)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    print("Built afresh (page cache and sections off):")
    print(f"{'size':>8}  {'page':<16} {'queries':>7} {'best s':>7} {'bytes':>10} {'gzip':>8}")
    for row in results:
        size = f"{row['areas']}x{row['periods']}"
        print(
            f"{size:>8}  {row['page']:<16} {row['queries']:>7} {row['best_s']:>7.3f} "
            f"{row['bytes']:>10,} {row['gzip_bytes']:>8,}"
        )
    print("From the page cache:")
    print(f"{'size':>8}  {'page':<16} {'queries':>7} {'best s':>7} {'speed-up':>9}")
    for built, hit in zip(results, cached, strict=True):
        size = f"{hit['areas']}x{hit['periods']}"
        print(
            f"{size:>8}  {hit['page']:<16} {hit['queries']:>7} {hit['best_s']:>7.4f} "
            f"{built['best_s'] / max(hit['best_s'], 1e-6):>8.0f}x"
        )
    fixed = all(len({r["queries"] for r in results if r["page"] == page}) == 1 for page in PAGES)
    print(("PASS" if fixed else "FAIL") + ": query count the same at every size, for every page")
    output = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "results": results,
        "cached_results": cached,
        "queries_fixed": fixed,
    }
    path = BASE_DIR / "bench" / "results" / "pages.json"
    path.write_text(json.dumps(output, indent=1) + "\n")
    print(f"Results written to {path.relative_to(BASE_DIR)}")
    return 0 if fixed else 1


if __name__ == "__main__":
    sys.exit(main())
