"""A partner's campaign card in a real browser: shown in a frame on the partner's registered
website and refused on any other; valid, accessible, private and without script."""

import json
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe

from regions.models import Organisation
from tests.browser.conftest import VNU_JAR

CARD = "/partners/north-wales-police/card/"
CARDS = [CARD, f"/cy{CARD}"]


@pytest.fixture
def partner_site():
    """A partner's page framing the card, served from this machine on a port of its own: the
    same server is one website at http://127.0.0.1:<port> and another at
    http://localhost:<port> (an origin is scheme, host and port)."""
    page = {"body": b""}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page["body"])

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield page, server.server_address[1]
    server.shutdown()
    server.server_close()


def card_frame(browser, parent_url: str):
    """The framed card's page and frame, once the parent page has loaded, and what the
    browser's console said."""
    page = browser.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(parent_url)
    page.wait_for_load_state("networkidle")
    (frame,) = [frame for frame in page.frames if frame is not page.main_frame]
    return page, frame, console


def test_the_card_shows_only_on_the_partners_registered_website(browser, site, partner_site):
    page_body, port = partner_site
    Organisation.objects.filter(slug="north-wales-police").update(
        card_origins=f"http://127.0.0.1:{port}"
    )
    page_body["body"] = (
        '<!doctype html><html lang="en"><title>Partner</title><h1>North Wales Police</h1>'
        f'<iframe src="{site}{CARD}" title="Get help" width="400" height="600"></iframe>'
    ).encode()

    registered, frame, console = card_frame(browser, f"http://127.0.0.1:{port}/")
    assert frame.url == site + CARD
    assert not any("frame-ancestors" in line for line in console)
    assert frame.locator("a.phone").inner_text() == "0808 1000 900"
    assert "up 65%" in frame.locator("main").inner_text()
    registered.close()

    refused, frame, console = card_frame(browser, f"http://localhost:{port}/")
    # Chromium shows its own error page in place of the card, and says why.
    assert any("frame-ancestors" in line for line in console), console
    assert frame.locator("a.phone").count() == 0
    assert "0808 1000 900" not in frame.content()
    refused.close()


def test_the_card_reads_alone_with_no_script_no_cookie_and_no_other_site(browser, site):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 700})
    page = context.new_page()
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    axe_page = browser.new_page(viewport={"width": 320, "height": 700})
    for path in CARDS:
        page.goto(site + path)
        page.wait_for_load_state("networkidle")
        assert "0808 1000 900" in page.inner_text("main")
        # The card fits a narrow sidebar without scrolling sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
        axe_page.goto(site + path)
        results = Axe().run(
            axe_page,
            options={
                "runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
            },
        )
        assert results.violations_count == 0, (path, results.generate_report())
    assert hosts == {urlparse(site).netloc}
    assert context.cookies() == []
    context.close()
    axe_page.close()


def test_the_card_is_valid_html(client, demo, tmp_path):
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        pytest.fail(
            f"No Java or no Nu HTML Checker at {VNU_JAR}: run `bash .ci/web-checkers.sh` "
            "(as root if Java is missing; CI does) to install them."
        )
    files = []
    for index, path in enumerate(CARDS):
        file = tmp_path / f"card-{index}.html"
        file.write_bytes(client.get(path).content)
        files.append(str(file))
    checked = subprocess.run(  # noqa: S603 (fixed arguments)
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(checked.stderr or checked.stdout)["messages"]
    assert messages == []
