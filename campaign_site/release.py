"""Which release of the site this is, for the cache's key prefix.

Pages and their sections are cached under content versions, which a deploy does not change. In
a cache shared by every process (Redis), a page kept by the release before would still be served
after a deploy, for up to DJANGO_PAGE_CACHE_SECONDS: its old wording, and links to static files
under hashed names that the new release may no longer have. Keyed by release, each release has
its own entries (both are served side by side during a rolling deploy), and the old ones expire
unread.

The release is DJANGO_RELEASE when set (a deploy tool's commit id), or else a digest of what
makes the pages: the site's Python code, templates, static files and compiled translations. The
same files give the same digest on every host.
"""

import hashlib
from pathlib import Path

# What pages are made from, under the project's folder.
SOURCES = ("campaign_site", "core", "regions", "campaigns", "press", "templates", "static")
SUFFIXES = {".py", ".html", ".txt", ".css", ".js", ".svg", ".png", ".json", ".xml"}


def release(base_dir: Path, explicit: str = "") -> str:
    if explicit:
        return explicit
    digest = hashlib.sha256()
    files = [
        path
        for source in SOURCES
        for path in (base_dir / source).rglob("*")
        if path.suffix in SUFFIXES and path.is_file() and "__pycache__" not in path.parts
    ]
    files += (base_dir / "locale").rglob("*.mo")
    for path in sorted(files):
        digest.update(str(path.relative_to(base_dir)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
