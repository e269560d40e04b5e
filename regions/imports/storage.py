"""Where an uploaded file waits between the preview and the confirmation: the database.

The library's default keeps it in the web server's temporary folder, which another app server
cannot see; its media storage would put it where it could be served. A database row is private,
shared by every app server, and removed on confirmation or once it is older than
IMPORT_PENDING_HOURS.
"""

import datetime
import secrets

from django.conf import settings
from django.utils import timezone
from import_export.tmp_storages import BaseStorage

from regions.models import PendingImport


class PendingImportMissing(Exception):
    """The file waiting for confirmation is gone: confirmed already, expired, or not theirs."""


def remove_expired_pending_imports() -> int:
    """Delete abandoned uploads; returns how many."""
    cutoff = timezone.now() - datetime.timedelta(hours=settings.IMPORT_PENDING_HOURS)
    deleted, _ = PendingImport.objects.filter(created_at__lt=cutoff).delete()
    return deleted


class DatabaseStorage(BaseStorage):
    """Temporary storage for import files in the PendingImport table, readable only by its owner."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.user = kwargs.get("user")
        self.read_mode = "rb"

    def save(self, data: bytes) -> None:
        remove_expired_pending_imports()
        self.name = secrets.token_urlsafe(32)
        PendingImport.objects.create(token=self.name, user=self.user, content=bytes(data))

    def read(self) -> bytes:
        cutoff = timezone.now() - datetime.timedelta(hours=settings.IMPORT_PENDING_HOURS)
        pending = PendingImport.objects.filter(
            token=self.name, user=self.user, created_at__gte=cutoff
        ).first()
        if pending is None:
            raise PendingImportMissing(self.name)
        return bytes(pending.content)

    def remove(self) -> None:
        PendingImport.objects.filter(token=self.name, user=self.user).delete()
