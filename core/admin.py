"""Admin pieces every domain app shares, and the staff accounts' admin."""

import datetime

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from modeltranslation.utils import get_translation_fields
from simple_history.admin import SimpleHistoryAdmin

from core.images import PictureFormField
from core.translations import stale_translations

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
        # Pillow's decompression bomb limit said in plain words (core/images.py).
        "form_class": PictureFormField,
        "error_messages": {"invalid_image": NOT_A_PICTURE, "invalid_extension": NOT_A_PICTURE},
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


# Kept in every version but not worth reading in its changes: they change at every save.
NOISE_FIELDS = ["version", "created_at", "updated_at"]


class EditorScreensMixin:
    """What every edit page does for its editor: a refused save names each problem at the top,
    each linked to its field (templates/admin/change_form.html), and a two-box chooser is not
    captioned with the one-box list's "hold down Control" hint, which does not apply to it."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        form_field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if form_field is not None and isinstance(form_field.widget, FilteredSelectMultiple):
            form_field.help_text = db_field.help_text
        return form_field

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if context.get("errors"):
            context["error_summary"] = error_summary(
                context["adminform"].form, context.get("inline_admin_formsets", [])
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


def error_summary(form, inline_admin_formsets) -> list[dict]:
    """Every problem of a refused save, as {"label", "message", "anchor"}: the form's own (its
    fields first, in order, then the whole form's), then each inline row's."""
    problems = []
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields:
            problems += [{"label": "", "message": error, "anchor": ""} for error in errors]
            continue
        label = form.fields[name].label or name
        anchor = form[name].id_for_label or ""
        problems += [{"label": label, "message": error, "anchor": anchor} for error in errors]
    for inline in inline_admin_formsets:
        formset = inline.formset
        title = inline.opts.verbose_name_plural
        for error in formset.non_form_errors():
            problems.append({"label": str(title).capitalize(), "message": error, "anchor": ""})
        for number, row in enumerate(formset.forms, start=1):
            for name, errors in row.errors.items():
                field = row.fields.get(name)
                where = _("%(title)s, row %(number)s") % {
                    "title": str(inline.opts.verbose_name).capitalize(),
                    "number": number,
                }
                if field is not None and name != NON_FIELD_ERRORS:
                    where = f"{where}: {field.label or name}"
                anchor = row[name].id_for_label if field is not None else ""
                problems += [{"label": where, "message": e, "anchor": anchor or ""} for e in errors]
    return problems


def bilingual_label(db_field) -> str:
    """'Title (English)', 'Title (Cymraeg)': a translation field's label (modeltranslation's own
    reads 'title [en-gb]')."""
    name = dict(settings.LANGUAGES).get(db_field.language, db_field.language)
    return f"{capfirst(db_field.translated_field.verbose_name)} ({name})"


class BilingualFieldsMixin:
    """For a ModelAdmin or inline of a model with texts in English and Welsh
    (django-modeltranslation): each text's two versions labelled by their language ("Title
    (English)", "Title (Cymraeg)") and, in fieldsets, side by side on one line, so a translator
    sees what they translate. Goes before modeltranslation's admin class in the bases."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        language = getattr(db_field, "language", None)
        if field is not None and language is not None:
            field.label = bilingual_label(db_field)
        return field

    def _bilingual_labels(self) -> dict[str, str]:
        """Each language's field labelled by its language, for the read-only view too (someone
        who may only view an item sees its fields as text, labelled from the form's Meta)."""
        labels = {}
        for name in self.trans_opts.all_fields:
            for column in get_translation_fields(name):
                labels[column] = bilingual_label(self.model._meta.get_field(column))
        return labels

    def get_formset(self, request, obj=None, **kwargs):  # inlines
        kwargs["labels"] = {**self._bilingual_labels(), **(kwargs.get("labels") or {})}
        return super().get_formset(request, obj, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        """Beside a translation older than the English it translates, when each changed."""
        kwargs["labels"] = {**self._bilingual_labels(), **(kwargs.get("labels") or {})}
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            for column, (english, translated) in stale_translations(obj).items():
                if column in form.base_fields:
                    field = form.base_fields[column]
                    note = _(
                        "Older than the English: the English was changed on %(english)s, after "
                        "this text (last changed %(translated)s). Check it still says the same."
                    ) % {
                        "english": date_format(timezone.localtime(english), "j F Y, H:i"),
                        "translated": date_format(timezone.localtime(translated), "j F Y, H:i"),
                    }
                    field.help_text = format_html(
                        '<strong class="translation-stale">{}</strong> {}', note, field.help_text
                    )
        return form

    def _patch_fieldsets(self, fieldsets):
        translated = self.trans_opts.all_fields
        patched = []
        for name, options in fieldsets:
            rows = []
            for field in options.get("fields", ()):
                if isinstance(field, str) and field in translated:
                    rows.append(tuple(get_translation_fields(field)))
                elif isinstance(field, (list, tuple)):
                    rows.append(
                        tuple(
                            part
                            for item in field
                            for part in (
                                get_translation_fields(item) if item in translated else [item]
                            )
                        )
                    )
                else:
                    rows.append(field)
            patched.append((name, {**options, "fields": rows}))
        return patched


class BilingualAdmin(BilingualFieldsMixin, TranslationAdmin):
    """A ModelAdmin whose model has texts in English and Welsh."""


class BilingualStackedInline(BilingualFieldsMixin, TranslationStackedInline):
    pass


class BilingualTabularInline(BilingualFieldsMixin, TranslationTabularInline):
    pass


class HistoryAdmin(EditorScreensMixin, SimpleHistoryAdmin):
    """The admin's History for a model with versions (django-simple-history): every change, who
    made it and when, what changed field by field, and any earlier version to restore (the
    restore is saved as a new version, so it can be undone in turn)."""

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current,
                    excluded_fields=[name for name in NOISE_FIELDS if hasattr(current, name)],
                    foreign_keys_are_objs=foreign_keys_are_objs,
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current


EDIT_CONFLICT_FIELDS = ["edit_version", "edit_opened_at"]


class EditConflictForm(forms.ModelForm):
    """A change form that refuses to save over a save made since it was opened (optimistic
    locking on the model's `version`, core.models.VersionedModel).

    The form carries the version it was opened at and when. On submit, the row is locked and
    its version compared (in the admin's own transaction: on PostgreSQL the row lock, on SQLite
    the write lock, holds until the save), so of two managers saving one campaign the second is
    told who saved what in between, instead of undoing it without a word. Their input stays in
    the form, now marked with the current version: saving again keeps theirs.
    """

    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    edit_opened_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # The stored version, not the instance's: restoring an earlier version opens this
            # form on that version's copy of the item.
            stored = type(self.instance)._default_manager.filter(pk=self.instance.pk)
            self.fields["edit_version"].initial = stored.values_list("version", flat=True).first()
            self.fields["edit_opened_at"].initial = timezone.now()

    def clean(self):
        cleaned_data = super().clean()
        opened_version = cleaned_data.get("edit_version")
        if self.instance.pk is None or opened_version is None:
            return cleaned_data
        model = type(self.instance)
        current = (
            model._default_manager.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current is None or current == opened_version:
            return cleaned_data
        # Saving again, after reading this, keeps what this editor has in the form.
        self.data = self.data.copy()
        self.data[self.add_prefix("edit_version")] = str(current)
        self.data[self.add_prefix("edit_opened_at")] = timezone.now().isoformat()
        raise ValidationError(
            self.conflict_message(cleaned_data.get("edit_opened_at")), code="edit_conflict"
        )

    def conflict_message(self, opened_at: datetime.datetime | None) -> str:
        """Who saved what since this form was opened, from the admin's change history."""
        opts = self.instance._meta
        saves = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(self.instance),
            object_id=str(self.instance.pk),
        ).select_related("user")
        if opened_at is not None:
            saves = saves.filter(action_time__gte=opened_at)
        described = [
            _("%(user)s at %(time)s (%(what)s)")
            % {
                "user": entry.user.get_full_name() or entry.user.get_username(),
                "time": date_format(timezone.localtime(entry.action_time), "j F Y, H:i"),
                "what": entry.get_change_message() or _("no field changed"),
            }
            for entry in saves.order_by("action_time")[:5]
        ]
        saved_by = "; ".join(described) if described else _("someone else (outside this admin)")
        return _(
            "Not saved: this %(item)s was saved by %(saved_by)s since you opened it, and saving "
            "now would undo that. Your changes are still in the form below. Open the %(item)s "
            "in another tab to see it as it is now, bring in anything of theirs you want to "
            "keep, then save again: this time your version is saved."
        ) % {"item": opts.verbose_name, "saved_by": saved_by}


class EditConflictMixin:
    """For a ModelAdmin of a VersionedModel: its change form refuses to save over a save made
    since it was opened (EditConflictForm)."""

    form = EditConflictForm

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None or not fieldsets:
            return fieldsets
        name, options = fieldsets[0]
        fields = [*options["fields"], *EDIT_CONFLICT_FIELDS]
        return [(name, {**options, "fields": fields}), *fieldsets[1:]]


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
