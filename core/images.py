"""Uploaded pictures stored as they are shown, without what the camera recorded about them.

A phone saves a photo as its sensor read it and records in EXIF which way up to show it, so the
stored width and height are swapped for a picture taken upright, and pages that write them make
the layout jump. EXIF also carries where the photo was taken (GPS), when, and with which camera:
a public site must not republish that. So a new upload is turned upright and saved again with its
pixels, transparency and colour profile only (`store_upright`).

No picture is stored larger than `STORED_MAX_SIDE` (4,000 pixels) on a side: a larger one is
scaled down as it is stored, since no screen shows more and every rendition is made from it
(core/renditions.py). A WebP upload is stored as PNG when it has transparency and as JPEG
otherwise, so that the stored file's format is the fallback browsers without WebP are sent.

Also here: which uploads are accepted at all (`validate_image_upload`: PNG, JPEG or WebP, by
content, within the size limit and the pixel limit) and whether a picture is shown turned
(`is_turned`).

The pixel limit (`MAX_IMAGE_PIXELS`, 150 megapixels unless set otherwise) is Pillow's
decompression bomb limit too (set in `CoreConfig.ready`): a small file that unpacks to a huge
picture could exhaust a server's memory. A 12,000 x 12,000 logo (144 megapixels) is accepted and
stored at 4,000 x 4,000; Pillow warns above the limit and refuses to open a picture above twice
it, and both are answered with the same plain message (`PictureFormField`).
"""

import io
import os
import warnings

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

# The longest side a stored picture may have, in pixels.
STORED_MAX_SIDE = 4000

# MPO is the JPEG many phones save (a photo with a second, smaller picture after it): it is
# stored as a plain JPEG of the photo.
ALLOWED_IMAGE_FORMATS = {"PNG", "JPEG", "MPO", "WEBP"}

# How each accepted format is saved again: the same format, JPEG and WebP at a quality that
# cannot be told from the original.
SAVE_OPTIONS = {
    "JPEG": {"quality": 90},
    "PNG": {"compress_level": 6},
}

# The file name ending each stored format gets.
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png"}


def has_transparency(image: Image.Image) -> bool:
    """Whether a Pillow image has see-through pixels, or could (an alpha channel, or a palette
    or single colour marked transparent)."""
    return image.mode in {"RGBA", "LA", "PA", "RGBa", "La"} or "transparency" in image.info


def stored_format(image: Image.Image) -> str | None:
    """The format a picture is stored in: a phone's multi-picture JPEG (MPO) as a plain JPEG of
    its first picture, WebP as PNG if it has transparency and JPEG if not; None for a format
    this does not handle."""
    if image.format in {"JPEG", "MPO"}:
        return "JPEG"
    if image.format == "PNG":
        return "PNG"
    if image.format == "WEBP":
        return "PNG" if has_transparency(image) else "JPEG"
    return None


def upright_without_metadata(data: bytes) -> tuple[bytes, str] | None:
    """The picture turned as its EXIF orientation says, at most `STORED_MAX_SIDE` pixels on a
    side, with no EXIF, XMP or comments, and the format it is stored in; None for a format this
    does not handle. An animation keeps its first frame."""
    with Image.open(io.BytesIO(data)) as image:
        image_format = stored_format(image)
        if image_format is None:
            return None
        image.seek(0)
        transparency = image.info.get("transparency")
        icc_profile = image.info.get("icc_profile")
        # A JPEG far larger than the limit is decoded at a half, quarter or eighth of its size
        # (still at least twice the limit), which takes a fraction of the time and memory.
        image.draft(None, (STORED_MAX_SIDE * 2, STORED_MAX_SIDE * 2))
        upright = ImageOps.exif_transpose(image)
    if max(upright.size) > STORED_MAX_SIDE:
        if upright.mode in {"1", "P"} or (transparency is not None and upright.mode != "RGBA"):
            # A palette or a transparent colour would be scaled by picking pixels: scaled as
            # full colour with an alpha channel instead, it stays smooth and as transparent.
            upright = upright.convert("RGBA" if transparency is not None else "RGB")
            transparency = None
        upright = ImageOps.contain(
            upright, (STORED_MAX_SIDE, STORED_MAX_SIDE), Image.Resampling.LANCZOS
        )
    if image_format == "JPEG" and upright.mode not in {"RGB", "L", "CMYK"}:
        upright = upright.convert("RGB")  # a WebP photo without transparency
        transparency = None
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
    return buffer.getvalue(), image_format


def store_upright(file: FieldFile) -> bool:
    """Before a model is saved: store a newly uploaded picture as its upright copy without
    metadata and at most `STORED_MAX_SIDE` pixels on a side, so that the width and height
    stored with it are those it is shown at. Returns whether it stored a new picture; a file
    already stored is left alone.

    The picture is written to storage here rather than by the model's save, so that its
    renditions can be made from it (under its final name) before the model is saved."""
    if not file or getattr(file, "_committed", True):
        return False
    upload = file.file
    upload.seek(0)
    cleaned = upright_without_metadata(upload.read())
    upload.seek(0)
    name = file.name
    if cleaned is None:
        content = upload
    else:
        data, image_format = cleaned
        content = ContentFile(data)
        name = os.path.splitext(name)[0] + EXTENSIONS[image_format]
    if hasattr(file, "_dimensions_cache"):
        del file._dimensions_cache
    # As Django's own pre_save does: the upload folder applied, a free name found; the width
    # and height fields are updated from the stored picture.
    file.save(name, content, save=False)
    # Measured again from the stored file: the measure taken while it was being saved is not
    # to be relied on.
    instance = file.instance
    file.field.update_dimension_fields(instance, force=True)
    return True


def too_many_pixels_message(*, width: int | None = None, height: int | None = None) -> str:
    limit = settings.MAX_IMAGE_PIXELS
    advice = _(
        "Save it smaller and try again: %(side)s pixels on a side is as large as this site "
        "stores a picture."
    ) % {"side": f"{STORED_MAX_SIDE:,}"}
    if width is None or height is None:
        return (
            _(
                "This image has more than %(double)s million pixels (its width times its "
                "height); the largest accepted is %(limit)s million. "
            )
            % {"double": f"{2 * limit // 1_000_000:,}", "limit": f"{limit // 1_000_000:,}"}
            + advice
        )
    return (
        _(
            "This image is %(width)s x %(height)s pixels (%(pixels)s million); the largest "
            "accepted is %(limit)s million pixels. "
        )
        % {
            "width": f"{width:,}",
            "height": f"{height:,}",
            "pixels": f"{width * height // 1_000_000:,}",
            "limit": f"{limit // 1_000_000:,}",
        }
        + advice
    )


class PictureFormField(forms.ImageField):
    """Django's image field, with Pillow's decompression bomb limit answered in plain words: a
    picture over `MAX_IMAGE_PIXELS` is refused by `validate_image_upload` with its size, and
    one too large for Pillow even to open (over twice the limit) with the limit."""

    def to_python(self, data):
        with warnings.catch_warnings():
            # Over the limit but under twice it: refused by the validator, which says why.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            try:
                return super().to_python(data)
            except ValidationError as error:
                if isinstance(error.__cause__, Image.DecompressionBombError):
                    raise ValidationError(
                        too_many_pixels_message(), code="image_too_many_pixels"
                    ) from error
                raise


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
    if image is not None and image.width * image.height > settings.MAX_IMAGE_PIXELS:
        raise ValidationError(
            too_many_pixels_message(width=image.width, height=image.height),
            code="image_too_many_pixels",
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
