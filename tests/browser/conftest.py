"""Browser tests: the public site in Debian's Chromium, driven by Playwright.

They run with `make test-browser` (CI installs Chromium first); `make test` leaves them out,
since a fresh machine has no browser.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around
# it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# The Nu HTML Checker and Lighthouse, where `.ci/web-checkers.sh` installs them.
TOOLS = Path(__file__).resolve().parents[2] / "var" / "tools" / "node_modules"
VNU_JAR = Path(os.environ.get("VNU_JAR") or TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar")
LIGHTHOUSE = Path(os.environ.get("LIGHTHOUSE_PATH") or TOOLS / ".bin" / "lighthouse")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"No Chromium at {CHROMIUM}: install Debian's chromium (CI does) to run these.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, transactional_db):
    """The live site with the demo campaign loaded, as `make run` serves it."""
    import io

    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())
    return live_server.url


def give_code(page, username: str) -> None:
    """The second sign-in step of a campaign manager, answered as their phone's app would (an
    app set up for them now if they have none): after the password, on the code page."""
    from django.contrib.auth import get_user_model

    from tests.signing_in import authenticator, code_now

    device = authenticator(get_user_model().objects.get(username=username))
    page.fill("#id_code", code_now(device))
    page.click("#two-factor-form input[type=submit]:not([name])")
