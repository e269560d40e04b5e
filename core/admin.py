"""Admin pieces every domain app shares, and the staff accounts' admin."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

# Addresses typed without a scheme ("www.example.org") are taken as https, not http.
ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}

# Said of an SVG drawing, a PDF renamed .png or anything else the picture reader cannot open,
# instead of Django's "Upload a valid image. The file you uploaded was either not an image or a
# corrupted image."
NOT_A_PICTURE = _(
    "This file is not a picture this site can use (PNG, JPEG or WebP). SVG drawings and PDFs "
    "cannot be used: export a PNG."
)
PICTURE_UPLOADS = {
    models.ImageField: {
        "error_messages": {"invalid_image": NOT_A_PICTURE, "invalid_extension": NOT_A_PICTURE}
    }
}

TIMESTAMP_FIELDS = {"created_at", "updated_at"}


class TimestampsOnChangeOnlyMixin:
    """Leave 'created at' and 'updated at' off the add page: before the record is saved they
    hold only the database's placeholder for 'now', which Django would print as an object."""

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            return fieldsets
        return [
            (name, {**options, "fields": _without_timestamps(options["fields"])})
            for name, options in fieldsets
        ]


def _without_timestamps(fields) -> list:
    kept = []
    for field in fields:
        if isinstance(field, (list, tuple)):  # several fields on one line
            row = [name for name in field if name not in TIMESTAMP_FIELDS]
            if row:
                kept.append(row)
        elif field not in TIMESTAMP_FIELDS:
            kept.append(field)
    return kept


def thumbnail(image: FieldFile | None, size: int = 64) -> str:
    """A small preview of an uploaded image for admin lists and forms, or a dash."""
    if not image:
        return "–"
    return format_html(
        '<img src="{}" alt="" style="max-width:{}px;max-height:{}px;object-fit:contain">',
        image.url,
        size,
        size,
    )


class StaffUserAdmin(UserAdmin):
    """Staff accounts, managed by superusers: Django's user admin with each account's roles (its
    groups) in the list. A domain app that knows more about an account subclasses this and
    registers its subclass instead (regions adds the partner organisation of a data officer)."""

    list_display = [*UserAdmin.list_display, "roles"]

    @admin.display(description=_("roles"))
    def roles(self, user) -> str:
        return ", ".join(group.name for group in user.groups.all()) or "–"

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).prefetch_related("groups")


User = get_user_model()
admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
