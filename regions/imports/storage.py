"""Where an uploaded file waits between the preview and the confirmation: the database.

The library's default keeps it in the web server's temporary folder, which another app server
cannot see; its media storage would put it where it could be served. A database row is private,
shared by every app server, and removed on confirmation or once it is older than
IMPORT_PENDING_HOURS.

With a private bucket configured (STORAGES["pending_imports"], DJANGO_S3_IMPORTS_BUCKET) the
file's bytes wait there instead, under the row's token, and the row keeps the rest: who may
confirm it, what the preview decided, its age. The row stays the one thing claimed, expired and
deleted, so every rule below holds unchanged; deleting a row deletes its object once the
deletion commits (`delete_object_of`).

What was decided at the preview (the file's name, the metric chosen) waits with the file, so the
confirmation reads it from there rather than from form fields anyone could edit.
"""

import datetime
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone
from import_export.tmp_storages import BaseStorage

from regions.models import PendingImport


class PendingImportMissing(Exception):
    """The file waiting for confirmation is gone: confirmed already, expired, or not theirs."""


PENDING_IMPORTS_STORAGE = "pending_imports"


def object_storage() -> Storage | None:
    """The private object storage waiting files go to, or None: the database keeps them."""
    if PENDING_IMPORTS_STORAGE not in settings.STORAGES:
        return None
    return storages[PENDING_IMPORTS_STORAGE]


def object_name(token: str) -> str:
    return f"pending-imports/{token}"


def delete_object_of(sender, instance: PendingImport, **kwargs) -> None:
    """post_delete: remove a deleted row's file from object storage, once the deletion commits
    (a rolled-back claim leaves the file for the confirmation that follows)."""
    store = object_storage()
    if store is None or instance.content:
        return
    transaction.on_commit(lambda: store.delete(object_name(instance.token)))


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
        content = bytes(data)
        store = object_storage()
        if store is not None:
            stored = store.save(object_name(self.name), ContentFile(content))
            if stored != object_name(self.name):
                raise RuntimeError(f"The pending import was stored as {stored!r}, not by token.")
            content = b""
        PendingImport.objects.create(
            token=self.name, user=self.user, content=content, details=self.details
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
        store = object_storage()
        if store is not None and not pending.content:
            try:
                with store.open(object_name(self.name), "rb") as stored:
                    return stored.read()
            except FileNotFoundError:
                raise PendingImportMissing(self.name) from None
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
