"""Renditions: each stored picture at the few widths pages show it at, in WebP and in the stored
file's own format (JPEG, or PNG, which keeps a transparent logo transparent), so that a phone
is sent a picture its screen can show and never the stored one (up to 4,000 pixels a side).

How it works:

- A `RenditionSet` names what a kind of picture is shown at: the widths (`HERO`, `LOGO`,
  `LOGO_LARGE`), the CSS width of its slot for the `sizes` attribute, and the share-card width
  for Open Graph and structured data.
- Each rendition is a django-imagekit spec (`Rendition`): scale to a width (pilkit's
  `ResizeToFit`, never enlarging), save as WebP or as the fallback. Its file name is
  `CACHE/images/<stored name without extension>/<hash>.<ext>`, the hash made from the stored
  name, the width, the format and the quality; it is written through Django's default storage,
  so object storage works as the file system does.
- Renditions are made once, when the picture is saved (`renditions_generate`, called by
  `PictureModel.save`), before the row that names it is written: a page that names the picture
  never names a rendition that is not there yet, and no visitor's request ever makes one. The
  editor who uploads waits for them (about a second for a large photo). Pages build the
  addresses from the stored name, width and height alone (`picture`): no storage access, no
  cache look-up, so a page built afresh costs no more than before.
- A picture no row names any more (replaced, or its row deleted, one by one or in bulk) has
  its renditions deleted once the change is committed (`renditions_delete`). The stored
  picture itself is kept, as a version in the history can bring it back; saving such a
  version makes its renditions again.
  A fresh upload always has its renditions made anew, so a name used again after a stored
  picture was removed by hand never shows the old renditions.
- `manage.py make_renditions` makes the renditions of pictures stored before they existed (or
  whose renditions were lost).
"""

import logging
import os
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from imagekit.cachefiles import ImageCacheFile
from imagekit.cachefiles.strategies import Optimistic
from imagekit.specs import ImageSpec
from pilkit.processors import ResizeToFit

from core.disk_full import note_written
from core.images import store_upright

logger = logging.getLogger(__name__)

FALLBACK_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}
MIME_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


@dataclass(frozen=True)
class RenditionSet:
    """What a kind of picture is shown at."""

    widths: tuple[int, ...]  # in pixels, smallest first
    sizes: str  # the slot's CSS width, as the `sizes` attribute says it (matching site.css)
    webp_quality: int
    jpeg_quality: int
    share_width: int | None = None  # a single picture for share cards and search engines


# A hero image is as wide as the page's column: site.css gives `.wrap` at most 60rem with 1rem
# of padding each side, so the picture is the viewport less 2rem, up to 58rem (928 pixels).
# The widths cover a small phone (360) to a wide screen at twice the density (1,920).
HERO = RenditionSet(
    widths=(360, 720, 960, 1280, 1600, 1920),
    sizes="(max-width: 60rem) calc(100vw - 2rem), 58rem",
    webp_quality=72,
    jpeg_quality=72,
    share_width=1200,
)
# A logo beside a partner's name is 4rem wide (`.logo`), 8rem on its own page (`.logo-large`):
# one to three times that for screens of every density.
LOGO = RenditionSet(
    widths=(64, 128, 192, 256, 384),
    sizes="4rem",
    webp_quality=85,
    jpeg_quality=85,
    share_width=384,
)
LOGO_LARGE = RenditionSet(
    widths=LOGO.widths, sizes="8rem", webp_quality=85, jpeg_quality=85, share_width=384
)


class Rendition(ImageSpec):
    """One picture at one width in one format (an imagekit spec: it names the file and makes
    it; `Optimistic`: asking for its address never checks or makes the file)."""

    cachefile_strategy = Optimistic

    def __init__(self, source: FieldFile, *, width: int, format: str, quality: int) -> None:
        self.width = width
        self.format = format
        self.processors = [ResizeToFit(width=width, upscale=False)]
        if format == "PNG":
            self.options = {"optimize": True}
        elif format == "JPEG":
            self.options = {"quality": quality, "optimize": True, "progressive": True}
        else:
            self.options = {"quality": quality, "method": 6}
        super().__init__(source=source)


@dataclass(frozen=True)
class Candidate:
    url: str
    width: int
    height: int


@dataclass(frozen=True)
class Picture:
    """What a page writes for a picture: a WebP `<source>` and an `<img>` in the fallback
    format, each with a `srcset` of every width, the `sizes`, and the width and height."""

    webp: tuple[Candidate, ...]
    fallback: tuple[Candidate, ...]
    fallback_type: str
    sizes: str

    @staticmethod
    def _srcset(candidates: tuple[Candidate, ...]) -> str:
        return ", ".join(f"{c.url} {c.width}w" for c in candidates)

    @property
    def webp_srcset(self) -> str:
        return self._srcset(self.webp)

    @property
    def srcset(self) -> str:
        return self._srcset(self.fallback)

    @property
    def src(self) -> Candidate:
        """The `src` for browsers that read no `srcset`: a middle width, never the stored one."""
        return self.fallback[(len(self.fallback) - 1) // 2]

    @property
    def largest(self) -> Candidate:
        """Gives the `width` and `height` attributes: the picture's shape, so that the page
        keeps its place before it loads (CSS scales it to its slot)."""
        return self.fallback[-1]


def fallback_format(name: str) -> str:
    """The format browsers without WebP get: the stored file's (core/images.py stores only
    JPEG and PNG)."""
    return FALLBACK_FORMATS.get(os.path.splitext(name)[1].lower(), "JPEG")


def rendition_widths(kind: RenditionSet, stored_width: int) -> tuple[int, ...]:
    """The widths a picture this wide gets: those of its kind that are narrower, and its own
    when it is narrower than the widest (a picture is never enlarged)."""
    widths = tuple(width for width in kind.widths if width < stored_width)
    if stored_width <= kind.widths[-1]:
        widths += (stored_width,)
    return widths


def rendition_height(width: int, stored_width: int, stored_height: int) -> int:
    """The height of a rendition, rounded as pilkit's ResizeToFit rounds it."""
    return int(round(stored_height * (width / stored_width)))


def _specs(file: FieldFile, kind: RenditionSet, stored_width: int) -> Iterable[Rendition]:
    fallback = fallback_format(file.name)
    for width in rendition_widths(kind, stored_width):
        yield Rendition(file, width=width, format="WEBP", quality=kind.webp_quality)
        yield Rendition(file, width=width, format=fallback, quality=kind.jpeg_quality)
    if kind.share_width:
        width = min(kind.share_width, stored_width)
        yield Rendition(file, width=width, format=fallback, quality=kind.jpeg_quality)


def _candidate(file: FieldFile, spec: Rendition, width: int, height: int) -> Candidate:
    return Candidate(ImageCacheFile(spec).url, width, height)


def picture(
    file: FieldFile, kind: RenditionSet, *, width: int | None, height: int | None
) -> Picture:
    """A stored picture's renditions for a page, from its stored name, width and height alone
    (no storage access, unless the width and height are not known)."""
    if not width or not height:
        width, height = file.width, file.height
    fallback = fallback_format(file.name)
    webp, fallbacks = [], []
    for rendition_width in rendition_widths(kind, width):
        rendition_h = rendition_height(rendition_width, width, height)
        for format, quality, found in (
            ("WEBP", kind.webp_quality, webp),
            (fallback, kind.jpeg_quality, fallbacks),
        ):
            spec = Rendition(file, width=rendition_width, format=format, quality=quality)
            found.append(_candidate(file, spec, rendition_width, rendition_h))
    return Picture(tuple(webp), tuple(fallbacks), MIME_TYPES[fallback], kind.sizes)


def share_picture(
    file: FieldFile, kind: RenditionSet, *, width: int | None, height: int | None
) -> Candidate:
    """One rendition in the fallback format for share cards and structured data, which name a
    single picture."""
    if not width or not height:
        width, height = file.width, file.height
    share_width = min(kind.share_width or width, width)
    spec = Rendition(
        file, width=share_width, format=fallback_format(file.name), quality=kind.jpeg_quality
    )
    return _candidate(file, spec, share_width, rendition_height(share_width, width, height))


def rendition_folder(name: str) -> str:
    """The folder a stored picture's renditions are written in (imagekit's
    `source_name_as_path` namer)."""
    return posixpath.join(settings.IMAGEKIT_CACHEFILE_DIR, posixpath.splitext(name)[0])


def renditions_delete(name: str) -> int:
    """Delete every rendition of the stored picture `name`; returns how many."""
    storage = default_storage
    folder = rendition_folder(name)
    try:
        _folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return 0
    for file_name in files:
        storage.delete(posixpath.join(folder, file_name))
    return len(files)


def picture_delete(name: str) -> None:
    """Delete a stored picture and its renditions (one no row names)."""
    renditions_delete(name)
    default_storage.delete(name)


def renditions_generate(
    file: FieldFile, kind: RenditionSet, *, width: int | None = None, fresh: bool = False
) -> int:
    """Make the renditions of a stored picture that are not there yet (all of them, the old
    ones deleted first, when `fresh`); returns how many were made. `width`: the stored
    picture's, as its model records it (which pages name the renditions by); read from the
    file when not given."""
    if fresh:
        renditions_delete(file.name)
    made = 0
    for spec in _specs(file, kind, width or file.width):
        cache_file = ImageCacheFile(spec)
        if default_storage.exists(cache_file.name):
            continue
        cache_file.generate(force=True)
        made += 1
    return made


class PictureModel(models.Model):
    """A model with pictures (`picture_fields`: field name to its `RenditionSet`) whose
    renditions are made when it is saved and deleted when no row shows them any more."""

    picture_fields: dict[str, RenditionSet] = {}

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        loaded = getattr(self, "_pictures_as_loaded", {})
        written: list[tuple[str, str]] = []
        try:
            for field_name, kind in self.picture_fields.items():
                # A new upload: upright, without its camera's notes, at most 4,000 pixels a side.
                fresh = store_upright(getattr(self, field_name))
                file = getattr(self, field_name)
                if fresh:
                    written.append((field_name, file.name))
                if file and (fresh or file.name != loaded.get(field_name)):
                    width_field = self._meta.get_field(field_name).width_field
                    width = getattr(self, width_field) if width_field else None
                    renditions_generate(file, kind, width=width, fresh=fresh)
            super().save(*args, **kwargs)
        except BaseException:
            # A full disk, say: no picture is left that no row names (core/disk_full.py).
            for _field_name, name in written:
                picture_delete(name)
            raise
        for field_name, name in written:
            # Removed at the end of the request if its transaction rolls back after this.
            note_written(type(self), field_name, name, partial(picture_delete, name))
        now = self._picture_names()
        for field_name, old_name in loaded.items():
            if old_name and old_name != now.get(field_name):
                self._delete_renditions_when_unused(field_name, old_name)
        self._pictures_as_loaded = now

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._pictures_as_loaded = instance._picture_names()
        return instance

    def _picture_names(self) -> dict[str, str | None]:
        # Read from the instance's own values, so that a deferred field costs no query.
        names = {}
        for field_name in self.picture_fields:
            value = self.__dict__.get(field_name)
            names[field_name] = getattr(value, "name", value) or None
        return names

    def _delete_renditions_when_unused(self, field_name: str, name: str) -> None:
        model = type(self)

        def delete_if_unused() -> None:
            # Another row (a campaign's new edition, say) may show the same picture.
            if not model._base_manager.filter(**{field_name: name}).exists():
                renditions_delete(name)

        transaction.on_commit(delete_if_unused)


def delete_renditions_of_deleted_row(sender, instance: PictureModel, **kwargs) -> None:
    """post_delete (connected in CoreConfig.ready, so that a queryset's delete, as the admin's
    "delete selected" does, is heard too): the row's pictures' renditions, unless another row
    shows them."""
    for field_name, name in instance._picture_names().items():
        if name:
            instance._delete_renditions_when_unused(field_name, name)
