from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

# MPO is the JPEG many phones save (a photo with a second, smaller picture after it): it is
# stored as a plain JPEG of the photo (regions/images.py).
ALLOWED_IMAGE_FORMATS = {"PNG", "JPEG", "MPO", "WEBP"}


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


EARLIEST_POPULATION_YEAR = 1800


def validate_population_year(value: int | None) -> None:
    """Refuse a year no population figure could be for: '22' for 2022, or a year to come."""
    if value is None:
        return
    latest = timezone.localdate().year + 1  # projections are published a year ahead
    if not EARLIEST_POPULATION_YEAR <= value <= latest:
        raise ValidationError(
            _(
                "%(year)s is not a year a population figure could be for: give the year in full, "
                "from %(earliest)s to %(latest)s, for example 2022."
            )
            % {"year": value, "earliest": EARLIEST_POPULATION_YEAR, "latest": latest},
            code="population_year",
        )
