"""The press app's one public page, unsubscribing, as a journalist's browser sees it: accessible
at any width, valid HTML, in English and Welsh, without a cookie."""

import json
import shutil
import subprocess

import pytest
from axe_playwright_python.sync_playwright import Axe

from press.models import Contact
from press.unsubscribe import unsubscribe_path
from tests.browser.conftest import VNU_JAR

AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def paths() -> list[str]:
    contact = Contact.objects.get(email="desg.newyddion@example.com")  # a demo contact
    return [unsubscribe_path(contact, language) for language in ("en-gb", "cy")]


@pytest.mark.parametrize("width", [320, 1280])
def test_unsubscribing_is_accessible_and_sets_no_cookie(browser, site, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    axe = Axe()
    for path in paths():
        Contact.objects.update(unsubscribed_at=None)  # subscribed again for each language
        page.goto(site + path)
        for step in ("asked", "done"):
            results = axe.run(page, options={"runOnly": AXE_RULES})
            assert results.violations_count == 0, (path, step, results.generate_report())
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
            if step == "asked":
                page.click("main button")
                page.wait_for_load_state()
        assert page.locator("main [role=status]").count() == 1
    assert context.cookies() == []
    assert Contact.objects.get(email="desg.newyddion@example.com").unsubscribed_at is not None
    context.close()


def test_the_unsubscribe_pages_are_valid_html(client, demo, tmp_path):
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        pytest.fail(f"No Java or no Nu HTML Checker at {VNU_JAR}: run `bash .ci/web-checkers.sh`.")
    files = []
    for index, path in enumerate(paths()):
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code == 200
            file = tmp_path / f"page-{index}-{method}.html"
            file.write_bytes(response.content)
            files.append(str(file))
    bad = client.get(paths()[0].replace(":", "x"))
    assert bad.status_code == 404
    (tmp_path / "invalid.html").write_bytes(bad.content)
    files.append(str(tmp_path / "invalid.html"))
    checked = subprocess.run(  # noqa: S603 (fixed arguments)
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(checked.stderr or checked.stdout)["messages"]
    assert messages == []
