"""`{% picture %}`: a stored picture as its renditions (core/renditions.py), never the stored
file: a WebP `<source>` and an `<img>` in JPEG or PNG, each with a `srcset` and `sizes`, the
width and height that keep the page still while it loads, and `loading="lazy"` unless it is at
the top of the page (`lazy=False`)."""

from django import template
from django.db.models.fields.files import FieldFile

from core.renditions import HERO, LOGO, LOGO_LARGE, picture

register = template.Library()

KINDS = {"hero": HERO, "logo": LOGO, "logo-large": LOGO_LARGE}


@register.inclusion_tag("includes/picture.html", name="picture")
def picture_tag(
    file: FieldFile,
    kind: str,
    *,
    width: int | None = None,
    height: int | None = None,
    alt: str = "",
    css_class: str = "",
    lazy: bool = True,
) -> dict:
    """`width` and `height`: the stored picture's, from the model's fields (read from the file
    when missing)."""
    if not file:
        return {}
    return {
        "picture": picture(file, KINDS[kind], width=width, height=height),
        "alt": alt,
        "css_class": css_class,
        "lazy": lazy,
    }
