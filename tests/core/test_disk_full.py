"""A full disk during an upload or an import: the editor is told in plain words, and nothing is
half-written (core/disk_full.py). The disk is filled by making writes fail as a full one does:
the file system's ENOSPC part-way through a file, and SQLite's "database or disk is full"."""

import contextlib
import errno
import os
import sqlite3

import pytest
from django.db import OperationalError, connection

from campaigns.models import Campaign
from core.disk_full import DISK_FULL_MESSAGE, is_disk_full
from regions.models import Organisation
from tests.campaigns.test_admin import campaign_add_page, campaign_data  # noqa: F401
from tests.conftest import png_bytes
from tests.core.test_renditions import encoded, photo
from tests.regions.conftest import officer, organisations  # noqa: F401
from tests.regions.statistics_import import (
    IMPORT_URL,
    confirm,
    confirm_fields,
    messages_of,
    preview,
    snapshot,
)
from tests.regions.test_uploads import image_upload, organisation_form_data
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/regions/organisation/add/"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def files_in(folder) -> list[str]:
    return sorted(
        os.path.relpath(os.path.join(root, name), folder)
        for root, _dirs, names in os.walk(folder)
        for name in names
    )


class FullDisk:
    """os.fdopen's files (what Django's file storage writes with) fail as on a full disk: the
    first `room` files are written whole, the next gets half its first chunk, then ENOSPC."""

    def __init__(self, monkeypatch, room: int) -> None:
        self.room = room
        real_fdopen = os.fdopen

        def fdopen(fd, mode="r", *args, **kwargs):
            file = real_fdopen(fd, mode, *args, **kwargs)
            if "w" not in mode:
                return file
            if self.room > 0:
                self.room -= 1
                return file
            real_write = file.write

            def write(data):
                real_write(data[: len(data) // 2])
                file.flush()
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            file.write = write
            return file

        monkeypatch.setattr(os, "fdopen", fdopen)


@contextlib.contextmanager
def database_full_at(table: str):
    """SQLite's answer when the disk is full, to the first INSERT into `table`."""

    def execute(run, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT") and f'"{table}"' in sql:
            raise OperationalError("database or disk is full") from sqlite3.OperationalError(
                "database or disk is full"
            )
        return run(sql, params, many, context)

    with connection.execute_wrapper(execute):
        yield


def upload_logo(client):
    client.raise_request_exception = False
    return client.post(
        ADD_URL,
        organisation_form_data(logo=image_upload("logo.png", png_bytes(600, 300))),
        HTTP_REFERER=f"http://testserver{ADD_URL}",
        follow=True,
    )


def assert_refused_cleanly(response, url: str) -> None:
    assert response.redirect_chain == [(f"http://testserver{url}", 303)]
    assert response.status_code == 200
    assert DISK_FULL_MESSAGE in messages_of(response)
    assert "Traceback" not in response.content.decode()


@pytest.mark.parametrize(
    "room",
    [
        pytest.param(0, id="the original"),
        pytest.param(1, id="the first rendition"),
        pytest.param(6, id="a later rendition"),
    ],
)
def test_a_logo_the_disk_has_no_room_for_is_refused_and_leaves_no_file(
    manager_client, media, monkeypatch, room
):
    FullDisk(monkeypatch, room)

    response = upload_logo(manager_client)

    assert_refused_cleanly(response, ADD_URL)
    assert not Organisation.objects.exists()
    assert files_in(media) == []


def test_a_logo_is_stored_whole_when_there_is_room(manager_client, media):
    response = upload_logo(manager_client)
    assert response.redirect_chain[0][1] == 302
    organisation = Organisation.objects.get()
    assert files_in(media)
    assert organisation.logo.name in files_in(media)


@pytest.mark.parametrize(
    "table",
    [
        pytest.param("regions_organisation", id="the row"),
        pytest.param("django_admin_log", id="the admin's log, after the row"),
    ],
)
def test_a_database_full_while_saving_a_logo_leaves_no_picture(manager_client, media, table):
    with database_full_at(table):
        response = upload_logo(manager_client)

    assert_refused_cleanly(response, ADD_URL)
    assert not Organisation.objects.exists()
    assert files_in(media) == []


def test_a_hero_image_the_disk_has_no_room_for_saves_no_campaign(
    manager_client,
    campaign_data,  # noqa: F811
    media,
    monkeypatch,
):
    campaign_data.update(
        hero_image=image_upload("hero.jpg", encoded(photo((2000, 1500)), "JPEG")),
        hero_image_alt_en_gb="A phone showing the helpline's number",
    )
    url = "/admin/campaigns/campaign/add/"
    FullDisk(monkeypatch, 3)
    manager_client.raise_request_exception = False

    response = manager_client.post(
        url, campaign_data, HTTP_REFERER=f"http://testserver{url}", follow=True
    )

    assert_refused_cleanly(response, url)
    assert not Campaign.objects.filter(slug=campaign_data["slug"]).exists()
    assert files_in(media) == []


def test_a_statistics_import_is_all_or_nothing_when_the_database_is_full(client, officer):  # noqa: F811
    sign_in(client, officer)
    fields = confirm_fields(preview(client, "good.csv"))
    before = snapshot()
    client.raise_request_exception = False

    with database_full_at("regions_statistic"):
        response = confirm(
            client, fields, HTTP_REFERER=f"http://testserver{IMPORT_URL}", follow=True
        )

    assert_refused_cleanly(response, IMPORT_URL)
    assert snapshot() == before  # no figure, no batch; the upload still waits to be confirmed
    response = confirm(client, fields, follow=True)
    assert any("2 new" in message for message in messages_of(response))


def test_the_public_site_is_served_while_the_disk_is_full(client, demo, monkeypatch, media):
    FullDisk(monkeypatch, 0)
    assert client.get("/").status_code == 200


def test_only_errors_that_say_the_disk_is_full_count():
    assert is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert is_disk_full(OSError(errno.EDQUOT, "Disk quota exceeded"))
    wrapped = OperationalError("database or disk is full")
    wrapped.__cause__ = sqlite3.OperationalError("database or disk is full")
    assert is_disk_full(wrapped)
    assert not is_disk_full(OSError(errno.EACCES, "Permission denied"))
    assert not is_disk_full(OperationalError("database is locked"))
    assert not is_disk_full(None)


def test_a_session_that_cannot_be_saved_on_a_full_disk_lets_the_response_through(rf):
    """Staff sessions are saved on every request: on a full disk that save fails too, after the
    refusal's message was added; the refusal still reaches the editor."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse

    from core.disk_full import SessionMiddleware

    class FullSessionStore(SessionStore):
        def save(self, must_create=False):
            raise OperationalError("database or disk is full")

    request = rf.get("/admin/")
    request.session = FullSessionStore()
    request.session["seen"] = True
    refusal = HttpResponse(status=303)
    middleware = SessionMiddleware(lambda request: refusal)

    assert middleware.process_response(request, refusal) is refusal

    class OtherStore(SessionStore):
        def save(self, must_create=False):
            raise OperationalError("no such table: django_session")

    request.session = OtherStore()
    request.session["seen"] = True
    with pytest.raises(OperationalError):
        middleware.process_response(request, refusal)
