"""Full-disk drill: an upload and an import on a disk that is really full.

A small tmpfs (SIZE) is mounted for the site's SQLite database and its uploaded files, the demo
is loaded onto it, and the rest of the disk is filled with a placeholder file, leaving SPARE
bytes. Then, through the real admin (Django's test client, a campaign manager signed in past the
second factor):

- a manager adds an organisation with a large logo (a photo-like PNG of several MB, whose
  original and renditions cannot all fit);
- a partner's data officer previews and confirms an import of IMPORT_ROWS figures for its own
  area, whose rows cannot fit in the database file.

Each must end with the plain "disk is full" message and leave nothing half-written: no new
organisation, no file of it in the uploads folder, no figure and no import record; and the
public campaign page must still be served. The disk is unmounted in every case. Writes the
outcome into docs/drills.md.

    sudo .venv/bin/python -m bench.drills.full_disk

Needs root (mount) on Linux.
"""

import datetime
import html
import io
import os
import platform
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.drills.report import check_lines, publish
from bench.import_bench import setup_django

BASE_DIR = Path(__file__).resolve().parents[2]
SIZE = "24m"
SPARE = 600_000
IMPORT_ROWS = 40_000
LOGO_SIDE = 1100


def photo_png(side: int) -> bytes:
    """A PNG that barely compresses: random pixels."""
    from PIL import Image

    rng = random.Random(7)  # noqa: S311 - a picture, not a secret
    image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def files_in(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def said(response, message: str) -> bool:
    """Whether the page the response ended on tells the user `message`."""
    return message in html.unescape(response.content.decode())


def fill(disk: Path, spare: int) -> None:
    """Fill the disk, then give back `spare` bytes."""
    filler = disk / "filler"
    with open(filler, "wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError:
            pass
    size = filler.stat().st_size
    os.truncate(filler, max(0, size - spare))


def run(disk: Path) -> dict:
    os.environ.update(DJANGO_MEDIA_ROOT=str(disk / "media"), DJANGO_PAGE_CACHE_SECONDS="0")
    setup_django(disk / "db.sqlite3")
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=io.StringIO())

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile as upload_file

    from core.disk_full import DISK_FULL_MESSAGE
    from regions.models import ImportBatch, Organisation, Statistic
    from tests.regions.statistics_import import IMPORT_URL, confirm, confirm_fields
    from tests.regions.test_uploads import image_upload, organisation_form_data
    from tests.signing_in import authenticator, sign_in

    users = get_user_model().objects
    manager, officer = users.get(username="manager"), users.get(username="northwales")
    authenticator(manager)  # the demo manager's app, set up as on first sign-in
    logo = photo_png(LOGO_SIDE)
    rows = ["region_code,period_start,period_end,value,notes"]
    for number in range(IMPORT_ROWS):
        day = datetime.date(1900, 1, 1) + datetime.timedelta(days=number)
        rows.append(f"W15000001,{day:%d/%m/%Y},{day:%d/%m/%Y},{number % 997},row {number}")
    figures = ("\n".join(rows) + "\n").encode()

    media = disk / "media"
    before = {
        "organisations": Organisation.objects.count(),
        "figures": Statistic.objects.count(),
        "imports": ImportBatch.objects.count(),
        "files": files_in(media) if media.exists() else [],
    }
    # As a real server answers: an error is handled by the site's error views, not raised.
    staff, partner = Client(raise_request_exception=False), Client(raise_request_exception=False)
    sign_in(staff, manager)
    sign_in(partner, officer)
    page = staff.get("/campaigns/stop-it-now-north-west-and-north-wales/")
    assert page.status_code == 200

    fill(disk, SPARE)
    free_at_start = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    outcome: dict = {"free_bytes": free_at_start, "logo_bytes": len(logo)}

    upload = staff.post(
        "/admin/regions/organisation/add/",
        organisation_form_data(
            name="Full Disk Police",
            slug="full-disk-police",
            logo=image_upload("logo.png", logo),
        ),
        follow=True,
        HTTP_REFERER="http://testserver/admin/regions/organisation/add/",
    )
    outcome["upload_status"] = upload.status_code
    outcome["upload_message"] = said(upload, DISK_FULL_MESSAGE)

    referer = "http://testserver" + IMPORT_URL
    checked = partner.post(
        IMPORT_URL,
        {"resource": "0", "format": "0", "import_file": upload_file("figures.csv", figures)},
        follow=True,
        HTTP_REFERER=referer,
    )
    outcome["import_step"] = "preview"
    answer = checked
    if checked.status_code == 200 and "process_import" in checked.content.decode():
        outcome["import_step"] = "confirmation"
        answer = confirm(partner, confirm_fields(checked), follow=True, HTTP_REFERER=referer)
    outcome["import_status"] = answer.status_code
    outcome["import_message"] = said(answer, DISK_FULL_MESSAGE)
    public = Client().get("/campaigns/stop-it-now-north-west-and-north-wales/")
    outcome["public_status"] = public.status_code
    outcome["after"] = {
        "organisations": Organisation.objects.count(),
        "figures": Statistic.objects.count(),
        "imports": ImportBatch.objects.count(),
        "files": files_in(media) if media.exists() else [],
    }
    outcome["before"] = before
    return outcome


def main() -> None:
    if os.geteuid() != 0:
        sys.exit("Run as root: the drill mounts a small tmpfs.")
    with tempfile.TemporaryDirectory(prefix="full-disk-") as folder_name:
        disk = Path(folder_name) / "disk"
        disk.mkdir()
        subprocess.run(  # noqa: S603, S607
            ["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(disk)], check=True
        )
        try:
            outcome = run(disk)
        finally:
            from django.db import connections

            connections.close_all()
            subprocess.run(["umount", str(disk)], check=False)  # noqa: S603, S607

    before, after = outcome["before"], outcome["after"]
    checks = {
        "the logo upload was refused with the disk-full message": outcome["upload_message"],
        "the import was refused with the disk-full message": outcome["import_message"],
        "no organisation, figure or import record was added": all(
            after[key] == before[key] for key in ("organisations", "figures", "imports")
        ),
        "no file was left in the uploads folder": after["files"] == before["files"],
        "the public campaign page was still served": outcome["public_status"] == 200,
    }
    ok = all(checks.values())
    section = "\n".join(
        [
            "## A full disk during an upload and an import",
            "",
            f"Last run: {datetime.datetime.now(tz=datetime.UTC).strftime('%Y-%m-%d %H:%M UTC')}, "
            f"Python {platform.python_version()}, `python -m bench.drills.full_disk`. "
            f"Result: **{'PASS' if ok else 'FAIL'}**.",
            "",
            f"The SQLite database and the uploads on a {SIZE.upper()}B tmpfs, the demo loaded, "
            f"then the disk filled to {outcome['free_bytes']:,} bytes free. A manager added an "
            f"organisation with a {outcome['logo_bytes']:,}-byte logo ({LOGO_SIDE} px square), "
            f"and a partner imported {IMPORT_ROWS:,} figures, through the real admin.",
            "",
            f"- Answers (after the redirect back to the form): upload {outcome['upload_status']}, "
            f"import {outcome['import_status']} (refused at its {outcome['import_step']} step), "
            f"public page {outcome['public_status']}.",
            *check_lines(checks),
        ]
    )
    publish("full-disk", section, ok, detail=outcome)


if __name__ == "__main__":
    os.chdir(BASE_DIR)
    main()
