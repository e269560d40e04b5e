"""Uploaded pictures stored as they are shown, without what the camera recorded about them.

A phone saves a photo as its sensor read it and records in EXIF which way up to show it, so the
stored width and height are swapped for a picture taken upright, and pages that write them make
the layout jump. EXIF also carries where the photo was taken (GPS), when, and with which camera:
a public site must not republish that. So a new upload is turned upright and saved again with its
pixels, transparency and colour profile only (`store_upright`).

Also here: which uploads are accepted at all (`validate_image_upload`: PNG, JPEG or WebP, by
content, within the size limit) and whether a picture is shown turned (`is_turned`).
"""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

# MPO is the JPEG many phones save (a photo with a second, smaller picture after it): it is
# stored as a plain JPEG of the photo.
ALLOWED_IMAGE_FORMATS = {"PNG", "JPEG", "MPO", "WEBP"}

# How each accepted format is saved again: the same format, JPEG and WebP at a quality that
# cannot be told from the original.
SAVE_OPTIONS = {
    "JPEG": {"quality": 90},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 90},
}


def upright_without_metadata(data: bytes) -> bytes | None:
    """The picture turned as its EXIF orientation says, in the same format, with no EXIF, XMP
    or comments; None for a format this does not handle. An animation keeps its first frame."""
    with Image.open(io.BytesIO(data)) as image:
        # A phone's multi-picture JPEG (MPO) is stored as a plain JPEG of its first picture.
        image_format = "JPEG" if image.format == "MPO" else image.format
        if image_format not in SAVE_OPTIONS:
            return None
        image.seek(0)
        upright = ImageOps.exif_transpose(image)
        transparency = image.info.get("transparency")
        icc_profile = image.info.get("icc_profile")
    # Only what is passed below is written: the copy's own notes (EXIF, XMP, comments, PNG
    # text) are dropped so that no format falls back on them.
    upright.info = {}
    options = dict(SAVE_OPTIONS[image_format])
    if transparency is not None:
        options["transparency"] = transparency
    if icc_profile:
        options["icc_profile"] = icc_profile  # colours as the picture was made, not metadata
    buffer = io.BytesIO()
    upright.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def store_upright(file: FieldFile) -> None:
    """Before a model is saved: replace a newly uploaded picture by its upright copy without
    metadata, so that the width and height stored with it are those it is shown at. A file
    already stored is left alone."""
    if not file or getattr(file, "_committed", True):
        return
    upload = file.file
    upload.seek(0)
    cleaned = upright_without_metadata(upload.read())
    upload.seek(0)
    if cleaned is None:
        return
    file.file = ContentFile(cleaned, name=file.name)
    if hasattr(file, "_dimensions_cache"):
        del file._dimensions_cache
    file.field.update_dimension_fields(file.instance, force=True)


def validate_image_upload(value: FieldFile) -> None:
    """Refuse images that are too large or not PNG, JPEG or WebP, whatever the file's name says."""
    limit = settings.MAX_IMAGE_UPLOAD_BYTES
    if value.size is not None and value.size > limit:
        raise ValidationError(
            _(
                "This image is %(size)s; the largest allowed is %(limit)s. "
                "Save it smaller and try again."
            )
            % {"size": filesizeformat(value.size), "limit": filesizeformat(limit)},
            code="image_too_large",
        )
    # A fresh upload carries the format Pillow read from its content (set by forms.ImageField).
    image = getattr(getattr(value, "file", None), "image", None)
    if image is not None and image.format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            _("This image is a %(format)s file. Use PNG, JPEG or WebP.") % {"format": image.format},
            code="image_format",
        )


# EXIF orientations that turn the picture a quarter round (transposed, 90°, transversed, 270°):
# the image is shown with its stored width and height swapped.
QUARTER_TURN_ORIENTATIONS = {5, 6, 7, 8}
EXIF_ORIENTATION = 0x0112


def is_turned(image: Image.Image) -> bool:
    """Whether a Pillow image is shown a quarter turn round from how it is stored: phones set
    an EXIF orientation rather than turning the pixels. (Read from the tag, since an image Django
    has verified can no longer be transposed.)"""
    try:
        orientation = image.getexif().get(EXIF_ORIENTATION)
    except Exception:  # noqa: BLE001 - damaged EXIF: the picture is shown as stored
        return False
    return orientation in QUARTER_TURN_ORIENTATIONS
