"""HTTP throughput of the demo campaign page against a bare Django view, over real sockets.

Run it with `make bench` (or `.venv/bin/python -m bench.http_bench`). It needs wrk
(`apt-get install -y wrk`) and gunicorn (in requirements.txt), and installs nothing itself: it
says what is missing and stops. For each database (a throwaway SQLite file always; PostgreSQL
too when DATABASE_URL names a server, in a throwaway database it creates there and drops
afterwards, so the role needs CREATEDB, as .ci/postgres.sh's has) it migrates, loads the demo
and collects the static files, then serves, one after the other in the same run, with gunicorn
(3 sync workers, production settings: DJANGO_ENV=production, no debug, a secret key, allowed
hosts, no HTTPS redirect since this is plain loopback):

- the demo campaign page from the page cache (the settings as they are);
- the same page built afresh for every request (DJANGO_PAGE_CACHE_SECONDS=0 turns the page
  cache off: every request runs the view and its templates, taking unchanged sections from the
  section cache, campaigns/sections.py);
- the same page built from nothing (DJANGO_SECTION_CACHE_SECONDS=0 as well: every query and
  every template node, every time);
- a bare Django view returning the demo page's own HTML (the same size, and the same work to
  compress) with only SecurityMiddleware, GZipMiddleware and CommonMiddleware
  (bench/bare_settings.py).

Each is loaded with `wrk -t2 -c50 -d10s --latency -H "Accept-Encoding: gzip"` after a
2-second warm-up (which also fills each worker's own in-memory cache). Requests/s and latency
percentiles go to bench/results/http.json and into docs/performance.md (between the
http-bench markers), with the machine, its load and the method.
"""

import argparse
import datetime
import gzip
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_FILE = BASE_DIR / "bench" / "results" / "http.json"
DOCS_FILE = BASE_DIR / "docs" / "performance.md"
START_MARK = "<!-- http-bench:start (written by bench/http_bench.py) -->"
END_MARK = "<!-- http-bench:end -->"

WORKERS = 3
# wrk gives up on a response after 2 s by default and leaves it out of the latencies: a page
# built afresh on a busy machine takes longer under 50 connections, so it waits up to 30 s.
WRK = ["-t2", "-c50", "-d10s", "--latency", "--timeout", "30s", "-H", "Accept-Encoding: gzip"]
WARM_UP = ["-t2", "-c50", "-d2s", "-H", "Accept-Encoding: gzip"]
DEMO_PAGE = "/campaigns/stop-it-now-north-west-and-north-wales/"
# Share of the bare view's requests/s each page must reach (issue 12).
TARGETS = {"cached": 0.70, "afresh": 0.30}
LABELS = {
    "bare": "bare Django view",
    "cached": "campaign page, from the page cache",
    "afresh": "campaign page, built afresh from its cached sections",
    "cold": "campaign page, built from nothing (every cache off)",
}
SECRET_KEY = secrets.token_urlsafe(50)


def missing_tools() -> list[str]:
    """What this benchmark needs and cannot find, each with how to install it."""
    missing = []
    if shutil.which("wrk") is None:
        missing.append("wrk: apt-get install -y wrk (or your system's package manager)")
    if not (Path(sys.executable).parent / "gunicorn").exists():
        missing.append("gunicorn: .venv/bin/pip install -r requirements.txt")
    return missing


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_environment(database_url: str, folder: Path, **extra: str) -> dict[str, str]:
    """The environment of a production server on loopback."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    environment.update(
        DJANGO_ENV="production",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on loopback: production redirects it to HTTPS otherwise.
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_STATIC_ROOT=str(folder / "static"),
        DJANGO_MEDIA_ROOT=str(folder / "media"),
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
    )
    environment.update(extra)
    return environment


def manage(environment: dict[str, str], *arguments: str) -> None:
    subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def fetch(url: str, accept_encoding: str = "") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": accept_encoding})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        return response.status, dict(response.headers), response.read()


@contextmanager
def server(environment: dict[str, str], probe_path: str):
    """A gunicorn server with WORKERS sync workers; yields its base URL once it answers."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 (fixed arguments)
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "campaign_site.wsgi",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=environment,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch(base + probe_path)
                break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"gunicorn did not start ({environment.get('DJANGO_SETTINGS_MODULE')})"
                    ) from None
                time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def _milliseconds(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def parse_wrk(output: str) -> dict:
    """Requests/s, latency percentiles (ms), requests and errors from wrk --latency's report."""
    result = {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
    }
    for percentile in ("50", "90", "99"):
        found = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
        result[f"p{percentile}_ms"] = _milliseconds(*found.groups())
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    result["socket_errors"] = sum(map(int, socket_errors.groups())) if socket_errors else 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["non_2xx"] = int(non_2xx.group(1)) if non_2xx else 0
    return result


def wrk(url: str) -> dict:
    subprocess.run(["wrk", *WARM_UP, url], check=True, capture_output=True)  # noqa: S603, S607
    load = os.getloadavg()[0]
    done = subprocess.run(["wrk", *WRK, url], check=True, capture_output=True, text=True)  # noqa: S603, S607
    return {**parse_wrk(done.stdout), "load_average_before": round(load, 2)}


@contextmanager
def database(kind: str, folder: Path, server_url: str | None):
    """A throwaway database: an SQLite file in `folder`, or a fresh PostgreSQL database on the
    server DATABASE_URL names (dropped afterwards)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'http-bench.sqlite3'}"
        return
    import psycopg

    name = f"http_bench_{os.getpid()}"
    parts = urlsplit(server_url)
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_version(kind: str, database_url: str) -> str:
    if kind == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    import psycopg

    with psycopg.connect(database_url) as connection:
        return connection.execute("SHOW server_version").fetchone()[0].join(("PostgreSQL ", ""))


def same_page(body: bytes, base: str, page: bytes, page_base: str) -> bool:
    """Whether two servers (each on its own port: absolute addresses differ) sent one page."""
    return body.replace(base.encode(), b"BASE") == page.replace(page_base.encode(), b"BASE")


def measure(kind: str, database_url: str, folder: Path) -> dict:
    """Prepare the database, then load the three servers one after the other."""
    environment = production_environment(database_url, folder)
    manage(environment, "migrate", "--no-input")
    manage(environment, "load_demo")
    result: dict = {"database": database_version(kind, database_url), "runs": {}}

    with server(environment, DEMO_PAGE) as base:
        cached_base = base
        url = base + DEMO_PAGE
        status, _headers, page = fetch(url)
        _status, headers, compressed = fetch(url, "gzip")
        _status, brotli_headers, brotli_body = fetch(url, "br")
        assert status == 200 and headers.get("X-Page-Cache") in ("hit", "miss"), headers
        result["page"] = {
            "bytes": len(page),
            "gzip_bytes": len(compressed),
            "br_bytes": len(brotli_body),
            "headers": {k: v for k, v in headers.items() if k.lower() != "date"},
        }
        assert gzip.decompress(compressed) == page
        assert brotli_headers.get("Content-Encoding") == "br"
        result["runs"]["cached"] = wrk(url)
    body_file = folder / "page.html"
    body_file.write_bytes(page)

    afresh = production_environment(database_url, folder, DJANGO_PAGE_CACHE_SECONDS="0")
    with server(afresh, DEMO_PAGE) as base:
        _status, headers, body = fetch(base + DEMO_PAGE, "gzip")
        assert "X-Page-Cache" not in headers, headers  # built afresh: the page cache is off
        assert same_page(gzip.decompress(body), base, page, cached_base)  # from its sections
        result["runs"]["afresh"] = wrk(base + DEMO_PAGE)

    cold = production_environment(
        database_url, folder, DJANGO_PAGE_CACHE_SECONDS="0", DJANGO_SECTION_CACHE_SECONDS="0"
    )
    with server(cold, DEMO_PAGE) as base:
        _status, headers, body = fetch(base + DEMO_PAGE, "gzip")
        assert same_page(gzip.decompress(body), base, page, cached_base)
        result["runs"]["cold"] = wrk(base + DEMO_PAGE)

    bare = production_environment(
        database_url,
        folder,
        DJANGO_SETTINGS_MODULE="bench.bare_settings",
        BENCH_BARE_BODY=str(body_file),
    )
    with server(bare, "/") as base:
        _status, headers, body = fetch(base + "/", "gzip")
        assert headers.get("Content-Encoding") == "gzip" and gzip.decompress(body) == page
        result["runs"]["bare"] = wrk(base + "/")

    bare_rate = result["runs"]["bare"]["requests_per_second"]
    for name, run in result["runs"].items():
        run["of_bare"] = round(run["requests_per_second"] / bare_rate, 3)
        if name in TARGETS:
            run["target"] = TARGETS[name]
            run["passed"] = run["of_bare"] >= TARGETS[name]
    return result


def machine() -> dict:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        cpu = found.group(1).strip() if found else cpu
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)  # noqa: S603, S607
    import django
    import gunicorn

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "wrk": (wrk_version.stdout or wrk_version.stderr).split("[")[0].strip(),
    }


def table(results: dict) -> list[str]:
    lines = [
        "| Database | Response | Requests/s | p50 ms | p99 ms | Of the bare view | Target |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for kind in results["databases"]:
        measured = results["databases"][kind]
        for name in ("bare", "cached", "afresh", "cold"):
            run = measured["runs"][name]
            target = ""
            if name in TARGETS:
                verdict = "PASS" if run["passed"] else "FAIL"
                target = f"≥ {TARGETS[name]:.0%}: {verdict}"
            errors = run["socket_errors"] + run["non_2xx"]
            note = f" ({errors} errors)" if errors else ""
            lines.append(
                f"| {measured['database']} | {LABELS[name]}{note} | "
                f"{run['requests_per_second']:,.0f} | {run['p50_ms']:.1f} | "
                f"{run['p99_ms']:.1f} | {run['of_bare']:.0%} | {target} |"
            )
    return lines


def report(results: dict) -> str:
    about = results["machine"]
    first = next(iter(results["databases"].values()))["page"]
    lines = [
        START_MARK,
        f"**Last run: {results['started']}** (`make bench`; raw numbers in "
        "`bench/results/http.json`).",
        "",
        *table(results),
        "",
        f"- **Page:** the demo campaign page, {first['bytes']:,} bytes of HTML, "
        f"{first['gzip_bytes']:,} gzip-compressed, {first['br_bytes']:,} in Brotli.",
        f"- **Machine:** {about['cpu']}, {about['cores']} cores, {about['system']}, Python "
        f"{about['python']}, Django {about['django']}, gunicorn {about['gunicorn']}, "
        f"{about['wrk']}; load average {results['load_average_start']} at the start and "
        f"{results['load_average_end']} at the end (each run's in bench/results/http.json).",
        "- **Method:** gunicorn, 3 sync workers, production settings (DJANGO_ENV=production, "
        "no debug, no HTTPS redirect on loopback), wrk on the same machine: "
        f"`wrk {' '.join(WRK[:-2])} -H 'Accept-Encoding: gzip'`, after a 2 s warm-up. "
        "Built afresh means DJANGO_PAGE_CACHE_SECONDS=0: every request runs the view and "
        "renders the page, taking each section whose kinds of content have not changed (and "
        "which published campaign the address names) from the section cache "
        "(campaigns/sections.py), as the first request after an edit does for all the edit "
        "did not touch; it reads the kinds' versions, one query. Built "
        "from nothing also sets DJANGO_SECTION_CACHE_SECONDS=0: every query and every "
        "template node, as on the first request for a page in a new process. The "
        "bare view returns the page's own HTML through SecurityMiddleware, GZipMiddleware "
        "and CommonMiddleware only (bench/bare_settings.py). wrk shares the cores with the "
        "server, as every number here does.",
        END_MARK,
    ]
    return "\n".join(lines)


def write_docs(section: str) -> None:
    text = DOCS_FILE.read_text()
    if START_MARK in text and END_MARK in text:
        before, rest = text.split(START_MARK, 1)
        _old, after = rest.split(END_MARK, 1)
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n# HTTP throughput\n\n" + section + "\n"
    DOCS_FILE.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--no-docs",
        action="store_true",
        help="Print the results without writing them into docs/performance.md.",
    )
    arguments = parser.parse_args()
    missing = missing_tools()
    if missing:
        sys.stderr.write("The HTTP benchmark needs:\n" + "".join(f"  {m}\n" for m in missing))
        return 2
    database_url = os.environ.get("DATABASE_URL", "")
    kinds = ["sqlite"]
    if database_url.startswith(("postgres://", "postgresql://")):
        kinds.append("postgresql")
    else:
        sys.stdout.write(
            "PostgreSQL not measured: run with DATABASE_URL naming a server "
            "(DATABASE_URL=$(bash .ci/postgres.sh) make bench).\n"
        )
    results: dict = {
        "started": datetime.datetime.now().astimezone().strftime("%-d %B %Y, %H:%M %Z"),
        "machine": machine(),
        "load_average_start": round(os.getloadavg()[0], 2),
        "databases": {},
    }
    with tempfile.TemporaryDirectory(prefix="http-bench-") as folder_name:
        folder = Path(folder_name)
        manage(production_environment("sqlite://:memory:", folder), "collectstatic", "--no-input")
        for kind in kinds:
            with database(kind, folder, database_url) as url:
                results["databases"][kind] = measure(kind, url, folder)
    results["load_average_end"] = round(os.getloadavg()[0], 2)
    RESULTS_FILE.write_text(json.dumps(results, indent=2) + "\n")
    section = report(results)
    sys.stdout.write("\n".join(table(results)) + "\n")
    if not arguments.no_docs:
        write_docs(section)
        sys.stdout.write(f"Written into {DOCS_FILE.relative_to(BASE_DIR)}.\n")
    failed = [
        f"{kind} {name}"
        for kind, measured in results["databases"].items()
        for name, run in measured["runs"].items()
        if run.get("passed") is False
    ]
    if failed:
        sys.stdout.write("Below target: " + ", ".join(failed) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
