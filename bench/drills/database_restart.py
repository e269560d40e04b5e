"""Database restart drill: PostgreSQL restarted while wrk loads the site.

gunicorn (production settings, the HTTP bench's helpers) serves the demo from a throwaway
database on the PostgreSQL server DATABASE_URL names. Two wrk processes load it for
DURATION seconds, one on the demo campaign page (from the page cache), one on a page that is
never in the cache (the accessibility statement with a new query string on every request, so
every request is built from the database). RESTART_AT seconds in, the cluster is restarted
with `pg_ctlcluster <version> main restart` (a fast shutdown: open connections are ended).
Meanwhile a prober asks for both pages every PROBE_INTERVAL seconds to time the recovery.

It passes when the cached page never failed (it is served stale while the database is down),
the uncached page failed only with the plain 503 page or, for requests in flight when the
server went, a 500 (no more than the connections wrk holds), no response anywhere carried a
traceback, and both pages were fresh again within RECOVERY_LIMIT seconds of the restart
command returning. Writes the counts and times into docs/drills.md.

    DATABASE_URL=$(bash .ci/postgres.sh) .venv/bin/python -m bench.drills.database_restart

Needs root (pg_ctlcluster), wrk (apt-get install -y wrk) and a role allowed to create
databases (.ci/postgres.sh's is).
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
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from bench.drills.report import check_lines, publish
from bench.http_bench import BASE_DIR, DEMO_PAGE, database, manage, production_environment, server

DURATION = 20
RESTART_AT = 6
PROBE_INTERVAL = 0.1
RECOVERY_LIMIT = 10.0
CONNECTIONS = 20  # per wrk process
UNCACHED_PAGE = "/accessibility/"

# wrk counts responses by status and looks for tracebacks in each body; a request number in
# the query string makes every request of the uncached script a page the cache has not seen.
LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  statuses = {}
  tracebacks = 0
  counter = 0
  unique = args[1] == "unique"
  prefix = tostring(math.random(1, 1000000000))
end
function request()
  if unique then
    counter = counter + 1
    return wrk.format("GET", wrk.path .. "?drill=" .. prefix .. "-" .. counter)
  end
  return wrk.format("GET", wrk.path)
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if body and (string.find(body, "Traceback", 1, true) or
               string.find(body, "OperationalError", 1, true)) then
    tracebacks = tracebacks + 1
  end
end
function done(summary, latency, requests)
  local total = {}
  local found = 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[tostring(status)] = (total[tostring(status)] or 0) + count
    end
    found = found + thread:get("tracebacks")
  end
  local parts = {}
  for status, count in pairs(total) do
    table.insert(parts, string.format('"%s": %d', status, count))
  end
  io.write("DRILL {\\"statuses\\": {" .. table.concat(parts, ", ") .. "}, \\"tracebacks\\": "
           .. found .. ", \\"socket_errors\\": " .. (summary.errors.connect + summary.errors.read
           + summary.errors.write + summary.errors.timeout) .. "}\\n")
end
"""


def cluster_version(database_url: str) -> str:
    """The version of the local cluster listening on the URL's port."""
    port = str(urlsplit(database_url).port or 5432)
    listing = subprocess.run(  # noqa: S603, S607
        ["pg_lsclusters", "-h"], capture_output=True, text=True, check=True
    ).stdout
    for line in listing.splitlines():
        version, name, cluster_port, *_rest = line.split()
        if name == "main" and cluster_port == port:
            return version
    sys.exit(f"No local PostgreSQL cluster 'main' on port {port} (pg_lsclusters: {listing!r})")


class Prober(threading.Thread):
    """Asks for both pages every PROBE_INTERVAL seconds and records (time, page, status,
    X-Page-Cache)."""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base = base
        self.stopped = threading.Event()
        self.seen: list[tuple[float, str, int, str]] = []

    def run(self) -> None:
        number = 0
        while not self.stopped.is_set():
            number += 1
            for name, path in (("cached", DEMO_PAGE), ("uncached", f"{UNCACHED_PAGE}?p={number}")):
                try:
                    with urllib.request.urlopen(self.base + path, timeout=5) as answer:  # noqa: S310
                        status, marker = answer.status, answer.headers.get("X-Page-Cache", "")
                except urllib.error.HTTPError as error:
                    status, marker = error.code, error.headers.get("X-Page-Cache", "")
                except (urllib.error.URLError, OSError):
                    status, marker = 0, ""
                self.seen.append((time.monotonic(), name, status, marker))
            time.sleep(PROBE_INTERVAL)


def recovered_at(seen: list[tuple[float, str, int, str]], after: float) -> float | None:
    """When both pages were last seen failing or stale after `after`, then fresh ever since:
    the moment the site was whole again."""
    last_bad = after
    for moment, _name, status, marker in seen:
        if moment >= after and (status != 200 or marker == "stale"):
            last_bad = moment
    if not any(moment > last_bad for moment, *_ in seen):
        return None
    return last_bad


def main() -> None:
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server: DATABASE_URL=$(bash .ci/postgres.sh)")
    if os.geteuid() != 0:
        sys.exit("Run as root: the drill restarts the PostgreSQL cluster with pg_ctlcluster.")
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk")
    version = cluster_version(server_url)

    with tempfile.TemporaryDirectory(prefix="drill-") as folder_name:
        folder = Path(folder_name)
        script = folder / "drill.lua"
        script.write_text(LUA)
        with database("postgresql", folder, server_url) as url:
            environment = production_environment(url, folder)
            manage(environment, "collectstatic", "--no-input")
            manage(environment, "migrate", "--no-input")
            manage(environment, "load_demo")
            with server(environment, DEMO_PAGE) as base:
                prober = Prober(base)
                prober.start()
                loads = {
                    name: subprocess.Popen(  # noqa: S603 (fixed arguments)
                        [
                            "wrk",
                            "-t1",
                            f"-c{CONNECTIONS}",
                            f"-d{DURATION}s",
                            "--timeout",
                            "10s",
                            "-s",
                            str(script),
                            base + path,
                            "--",
                            mode,
                        ],  # fmt: skip
                        stdout=subprocess.PIPE,
                        text=True,
                    )
                    for name, path, mode in (
                        ("cached", DEMO_PAGE, "same"),
                        ("uncached", UNCACHED_PAGE, "unique"),
                    )
                }
                time.sleep(RESTART_AT)
                restart_started = time.monotonic()
                subprocess.run(  # noqa: S603, S607
                    ["pg_ctlcluster", version, "main", "restart"], check=True
                )
                restart_done = time.monotonic()
                outputs = {name: process.communicate()[0] for name, process in loads.items()}
                prober.stopped.set()
                prober.join()

    counts = {}
    for name, output in outputs.items():
        found = re.search(r"^DRILL (\{.*\})$", output, re.MULTILINE)
        if found is None:
            sys.exit(f"wrk gave no counts for the {name} page:\n{output}")
        counts[name] = json.loads(found.group(1))
        counts[name]["requests_per_second"] = float(
            re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)
        )
    whole_again = recovered_at(prober.seen, restart_started)
    recovery = None if whole_again is None else max(0.0, whole_again - restart_done)
    during = [
        (status, marker)
        for moment, name, status, marker in prober.seen
        if name == "cached" and moment >= restart_started and moment <= (whole_again or 0)
    ]
    stale_served = sum(1 for status, marker in during if status == 200 and marker == "stale")

    cached, uncached = counts["cached"], counts["uncached"]
    cached_failures = sum(n for status, n in cached["statuses"].items() if status != "200")
    in_flight = uncached["statuses"].get("500", 0)
    unexpected = {
        status: n
        for status, n in uncached["statuses"].items()
        if status not in {"200", "503", "500"}
    }
    checks = {
        "the cached page never failed": cached_failures == 0 and cached["socket_errors"] == 0,
        "the uncached page answered 200, 503 or (in flight) 500 only": not unexpected
        and uncached["socket_errors"] == 0,
        f"at most {CONNECTIONS} requests in flight failed with 500": in_flight <= CONNECTIONS,
        "no traceback in any body": cached["tracebacks"] == 0 and uncached["tracebacks"] == 0,
        f"whole again within {RECOVERY_LIMIT:.0f} s by itself": recovery is not None
        and recovery <= RECOVERY_LIMIT,
    }
    ok = all(checks.values())

    def statuses(found: dict) -> str:
        return ", ".join(f"{status}: {n:,}" for status, n in sorted(found["statuses"].items()))

    section = "\n".join(
        [
            "## The database restarted under load",
            "",
            f"Last run: {datetime.datetime.now(tz=datetime.UTC).strftime('%Y-%m-%d %H:%M UTC')}, "
            f"PostgreSQL {version}, Python {platform.python_version()}, "
            f"`python -m bench.drills.database_restart`. Result: **{'PASS' if ok else 'FAIL'}**.",
            "",
            f"gunicorn (3 sync workers, production settings) under two wrk processes "
            f"({CONNECTIONS} connections each, {DURATION} s); `pg_ctlcluster {version} main "
            f"restart` {RESTART_AT} s in took {restart_done - restart_started:.1f} s.",
            "",
            "| Page | Requests/s | Responses by status | Tracebacks |",
            "| --- | ---: | --- | ---: |",
            f"| campaign page (page cache) | {cached['requests_per_second']:,.0f} | "
            f"{statuses(cached)} | {cached['tracebacks']} |",
            f"| accessibility statement, never cached | {uncached['requests_per_second']:,.0f} | "
            f"{statuses(uncached)} | {uncached['tracebacks']} |",
            "",
            "- Recovery: both pages fresh again "
            + (
                f"{whole_again - restart_started:.1f} s after the restart began, "
                f"{recovery:.1f} s after the restart command returned"
                if recovery is not None and whole_again is not None
                else "**never** within the run"
            )
            + f" (probed every {PROBE_INTERVAL} s; the campaign page was served stale "
            f"{stale_served} times by the prober meanwhile).",
            *check_lines(checks),
        ]
    )
    publish("database-restart", section, ok)


if __name__ == "__main__":
    os.chdir(BASE_DIR)
    main()
