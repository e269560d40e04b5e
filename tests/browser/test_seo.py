"""Lighthouse's SEO audit, in Debian's Chromium, passes in full on every public page, in English
and in Welsh (the page-not-found page aside: answering 404 is its job, and the audit counts
that against it). `.ci/web-checkers.sh` installs Lighthouse under var/."""

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, LIGHTHOUSE
from tests.browser.test_public_pages import ALL_PAGES

SEARCHED_PAGES = [path for path in ALL_PAGES if not path.endswith("/no-such-page/")]
AT_ONCE = 2  # Lighthouses running at once: about 5 s a page on two cores


def seo_failures(url: str, report) -> list[str]:
    """Lighthouse's SEO audits of one page, in a Chromium of its own: those that did not pass."""
    ran = subprocess.run(  # noqa: S603 (fixed arguments)
        [
            str(LIGHTHOUSE),
            url,
            "--only-categories=seo",
            f"--chrome-path={CHROMIUM}",
            "--chrome-flags=" + " ".join(["--headless", *CHROMIUM_FLAGS]),
            "--disable-full-page-screenshot",
            "--output=json",
            f"--output-path={report}",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if ran.returncode != 0:
        return [f"{url}: Lighthouse failed: {ran.stderr[-2000:]}"]
    result = json.loads(report.read_text())
    seo = result["categories"]["seo"]
    failed = [result["audits"][ref["id"]] for ref in seo["auditRefs"] if ref["weight"] > 0]
    failed = [audit for audit in failed if audit["score"] != 1]
    lines = [f"{url}: {a['title']}: {json.dumps(a.get('details'))[:1000]}" for a in failed]
    if seo["score"] != 1 and not lines:
        lines.append(f"{url}: SEO score {seo['score']}")
    return lines


def test_every_seo_audit_passes_on_every_public_page(site, tmp_path):
    if not LIGHTHOUSE.exists():
        pytest.fail(f"No Lighthouse at {LIGHTHOUSE}: run `bash .ci/web-checkers.sh` to install it.")
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        found = pool.map(
            lambda item: seo_failures(site + item[1], tmp_path / f"report-{item[0]}.json"),
            enumerate(SEARCHED_PAGES),
        )
        failures = [line for lines in found for line in lines]
    assert not failures, "\n".join(failures)
