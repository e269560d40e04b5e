"""Every public page, in English and in Welsh, is valid HTML by the Nu HTML Checker (the W3C's
validator), run once on all of them. `.ci/web-checkers.sh` installs it (and Java) under var/."""

import json
import shutil
import subprocess

import pytest

from tests.browser.conftest import VNU_JAR
from tests.browser.test_public_pages import ALL_PAGES


def test_every_public_page_is_valid_html(client, demo, tmp_path):
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        pytest.fail(
            f"No Java or no Nu HTML Checker at {VNU_JAR}: run `bash .ci/web-checkers.sh` "
            "(as root if Java is missing; CI does) to install them."
        )
    pages = {}  # file name: address
    for index, path in enumerate(ALL_PAGES):
        response = client.get(path)
        assert response.status_code == (404 if "no-such-page" in path else 200), path
        file = tmp_path / f"page-{index:02}.html"
        file.write_bytes(response.content)
        pages[file.name] = path

    files = [str(tmp_path / name) for name in pages]
    checked = subprocess.run(  # noqa: S603 (fixed arguments)
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(checked.stderr or checked.stdout)["messages"]
    errors = []
    for message in messages:
        url = message.get("url", "")
        where = f"{pages.get(url.rpartition('/')[2], url)}, line {message.get('lastLine')}"
        extract = message.get("extract", "").strip()
        errors.append(f"{where}: {message['message']} ({extract!r})")
    assert not errors, "\n".join(errors)
    assert checked.returncode == 0, checked.stderr
