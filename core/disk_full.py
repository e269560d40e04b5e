"""A full disk, answered cleanly: the editor is told in plain words, and nothing is half-written.

What can fill up: MEDIA_ROOT (uploaded pictures and their renditions), the SQLite database's
folder, and the temporary folder uploads larger than FILE_UPLOAD_MAX_MEMORY_SIZE are spooled to.
Each fails in its own way, and each is recognised here (`is_disk_full`): the operating system's
ENOSPC or EDQUOT from a file write, SQLite's "database or disk is full" (SQLITE_FULL) and
PostgreSQL's disk_full (SQLSTATE 53100) from the database.

How nothing is left half-written:

- A picture file cut short by a full disk is removed by the storage that was writing it
  (`FileSystemStorage`), so no truncated original or rendition stays under MEDIA_ROOT.
- A picture saved before the failure (the original, then its renditions, then the row) is
  removed by `PictureModel.save` when its own save fails, and by `DiscardUnsavedPictures` when
  the request's transaction rolls back later (the admin's change log, a version in the history):
  a picture written during a request that no row names when the request ends is deleted with
  its renditions. A row never names a missing file, and no orphan is left.
- The database itself rolls the transaction back: an import is all or nothing, and a
  waiting import file not claimed stays waiting, to be confirmed again.

The editor sees the admin page they came from again with the message below (`server_error`
calls `disk_full_response`), never the 500 page or a traceback; visitors keep being served, as
reading pages writes nothing.
"""

import contextlib
import contextvars
import errno
import logging
import os
import sqlite3
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.files.storage import FileSystemStorage as DjangoFileSystemStorage
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger(__name__)

DISK_FULL_MESSAGE = (
    "The server's disk is full, so this was not saved. Nothing was changed: try again later, "
    "or tell the site's administrators."
)

# Errors from the operating system that mean no room is left: the disk, or the user's quota.
DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
# SQLite's SQLITE_FULL, as Python's sqlite3 words it.
SQLITE_FULL = "database or disk is full"
# PostgreSQL's disk_full condition.
POSTGRESQL_DISK_FULL = "53100"


def is_disk_full(error: BaseException | None) -> bool:
    """Whether an error, or one it was raised from, says there is no room left to write."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS:
            return True
        if isinstance(error, (sqlite3.OperationalError, DatabaseError)):
            if SQLITE_FULL in str(error):
                return True
            if getattr(error, "sqlstate", None) == POSTGRESQL_DISK_FULL:
                return True
        error = error.__cause__ or error.__context__
    return False


def is_admin_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(f"/{settings.ADMIN_URL}")


def disk_full_response(request: HttpRequest) -> HttpResponse:
    """The admin page the editor came from, with the plain message at its top (stored in a
    cookie, as messages are: the database may be what is full)."""
    messages.error(request, DISK_FULL_MESSAGE)
    back = request.headers.get("referer", "")
    if not back or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("admin:index")
    return HttpResponseRedirect(back, status=303)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware that lets a response through when saving the session finds
    the disk full. Staff sessions are saved on every request (their idle time restarts), so
    without this the save after a refused upload or import failed too, and the error page that
    followed lost the message saying why (it is added inside this middleware)."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            return super().process_response(request, response)
        except (DatabaseError, OSError) as error:
            if not is_disk_full(error):
                raise
            logger.warning("Disk full: the session was not saved (%s)", error)
            return response


class FileSystemStorage(DjangoFileSystemStorage):
    """Django's file system storage that removes a file it could not finish writing (a full
    disk, say) rather than leave it cut short under its name."""

    def _save(self, name: str, content) -> str:
        try:
            return super()._save(name, content)
        except FileExistsError:
            raise
        except OSError:
            # The name was free when the write began (Django opens with O_EXCL), so whatever
            # is there now is the part this write left.
            with contextlib.suppress(OSError):
                os.remove(self.path(name))
            raise


# Pictures written during the request being handled: (model, field name, stored name, remove).
_written: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "pictures_written", default=None
)


def note_written(model: type, field_name: str, name: str, remove: Callable[[], None]) -> None:
    """Record a picture written during this request, to be removed if no row names it at the
    end (outside a request, nothing is recorded: the save's own failure removes it)."""
    written = _written.get()
    if written is not None:
        written.append((model, field_name, name, remove))


class DiscardUnsavedPictures:
    """Middleware: at the end of a request, remove the pictures it wrote that no row names (its
    transaction rolled back, a full disk say), with their renditions."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        written: list = []
        token = _written.set(written)
        try:
            return self.get_response(request)
        finally:
            _written.reset(token)
            for model, field_name, name, remove in written:
                try:
                    named = model._base_manager.filter(**{field_name: name}).exists()
                except DatabaseError:
                    # Unknown: a file kept is better than a row naming a missing one.
                    logger.warning("Could not check whether %s is still named; kept.", name)
                    continue
                if not named:
                    remove()
