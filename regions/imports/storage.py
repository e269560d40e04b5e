"""Where an uploaded file waits between the preview and the confirmation: the database.

The library's default keeps it in the web server's temporary folder, which another app server
cannot see; its media storage would put it where it could be served. A database row is private,
shared by every app server, and removed on confirmation or once it is older than
IMPORT_PENDING_HOURS.

What was decided at the preview (the file's name, the metric chosen) waits with the file, so the
confirmation reads it from there rather than from form fields anyone could edit.
"""

import datetime
import secrets

from django.conf import settings
from django.utils import timezone
from import_export.tmp_storages import BaseStorage

from regions.models import PendingImport


class PendingImportMissing(Exception):
    """The file waiting for confirmation is gone: confirmed already, expired, or not theirs."""


def expired_pending_imports():
    """Uploads left waiting longer than IMPORT_PENDING_HOURS."""
    cutoff = timezone.now() - datetime.timedelta(hours=settings.IMPORT_PENDING_HOURS)
    return PendingImport.objects.filter(created_at__lt=cutoff)


def remove_expired_pending_imports() -> int:
    """Delete abandoned uploads; returns how many."""
    deleted, _ = expired_pending_imports().delete()
    return deleted


class DatabaseStorage(BaseStorage):
    """Temporary storage for import files in the PendingImport table, readable only by its owner.

    `details` (a dict of JSON values) is saved with the file and read back with it.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.user = kwargs.get("user")
        self.details: dict = dict(kwargs.get("details") or {})
        self.read_mode = "rb"

    def save(self, data: bytes) -> None:
        remove_expired_pending_imports()
        self.name = secrets.token_urlsafe(32)
        PendingImport.objects.create(
            token=self.name, user=self.user, content=bytes(data), details=self.details
        )

    def read(self) -> bytes:
        cutoff = timezone.now() - datetime.timedelta(hours=settings.IMPORT_PENDING_HOURS)
        pending = PendingImport.objects.filter(
            token=self.name, user=self.user, created_at__gte=cutoff
        ).first()
        if pending is None:
            raise PendingImportMissing(self.name)
        if "file_name" not in pending.details:
            # Saved without what the preview decided: never confirmed on the form's word.
            raise PendingImportMissing(self.name)
        self.details = dict(pending.details)
        return bytes(pending.content)

    def claim(self) -> bool:
        """Take the waiting upload for one confirmation: delete it, inside the caller's
        transaction, and say whether this call was the one that deleted it.

        Call it in the transaction that writes the import. Two confirmations of one upload at
        once (a double click, a resent form) then cannot both proceed: the row lock
        (PostgreSQL) or the write lock (SQLite) makes the second wait, and it finds nothing
        left to delete once the first has committed.
        """
        cutoff = timezone.now() - datetime.timedelta(hours=settings.IMPORT_PENDING_HOURS)
        deleted, _ = PendingImport.objects.filter(
            token=self.name, user=self.user, created_at__gte=cutoff
        ).delete()
        return deleted == 1

    def remove(self) -> None:
        PendingImport.objects.filter(token=self.name, user=self.user).delete()
