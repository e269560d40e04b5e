"""Settings for the test suite: fast hashing, uploads in a temporary folder, plain static files."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from campaign_site.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="campaign-test-media-")
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)  # one folder per test process
STORAGES = {
    "default": {"BACKEND": "core.disk_full.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# Pages are built afresh in every test (and query counts measure the building); the page cache
# has its own tests, which turn it on.
PUBLIC_PAGE_CACHE_SECONDS = 0
PUBLIC_SECTION_CACHE_SECONDS = 0

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory, so tests with several threads get real SQLite locking.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"campaign-test-{os.getpid()}.sqlite3")
    }
    # The test database is thrown away: SQLite need not wait for the disk at every commit.
    # Locking is unchanged, so tests of imports at the same time still race as before; this
    # saves the tests that commit (transactional ones), which otherwise mostly wait for the disk.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA synchronous = OFF"  # noqa: F405
