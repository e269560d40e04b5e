"""Model bases every domain app shares: timestamps, and database rules said beside their field."""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, router
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


def constraint_fields(constraint) -> set[str]:
    """The model fields a database constraint reads (not through a relation)."""
    fields = set(getattr(constraint, "fields", ()) or ())
    condition = getattr(constraint, "condition", None)
    if condition is not None:
        fields |= Q(condition).referenced_base_fields
    return fields


def english_field(model, name: str) -> str:
    """The field a form edits for `name`: its default language's field (`title_en_gb`) when the
    model keeps the text in two languages (django-modeltranslation), else `name` itself."""
    from modeltranslation.translator import NotRegistered, translator
    from modeltranslation.utils import build_localized_fieldname

    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return name
    if name not in options.all_fields:
        return name
    return build_localized_fieldname(name, settings.LANGUAGE_CODE)


class ConstraintErrorsByField:
    """Says a database rule's refusal beside the field it concerns rather than at the top of the
    form, where on a long form an editor may never see it.

    `constraint_error_fields` maps a constraint's name to the field its message belongs beside,
    or to several fields: the first of them left empty (for a rule that needs them all), else
    the first. A refusal goes to a field only if the constraint reads that field and the check
    included it: a form is only ever given errors for fields it has, the others staying with the
    whole form.
    """

    constraint_error_fields: dict[str, str | tuple[str, ...]] = {}
    # A model may name `constraint_fields_always_checked`: fields a form never shows but whose
    # stored value a rule depends on (a unique slug except among new editions). Constraints
    # reading them are checked even though forms exclude them.

    def constraint_error_field(self, constraint, exclude) -> str | None:
        """The field a constraint's refusal is shown beside, or None for the whole form."""
        wanted = self.constraint_error_fields.get(constraint.name)
        if wanted is None:
            return None
        candidates = (wanted,) if isinstance(wanted, str) else tuple(wanted)
        empty = [name for name in candidates if getattr(self, name, None) in (None, "")]
        field = (empty or candidates)[0]
        if field not in constraint_fields(constraint) or (exclude and field in exclude):
            return None
        return field

    def validate_constraints(self, exclude=None) -> None:
        """Django's own check of every constraint, each refusal filed under its field."""
        using = router.db_for_write(self.__class__, instance=self)
        edited_in_english = set()
        if exclude:
            exclude = set(exclude) - getattr(self, "constraint_fields_always_checked", set())
            # A text in two languages is edited through its language fields (`title_en_gb`):
            # the rules on the text apply whenever its English field is in the form, and are
            # said beside that field.
            edited_in_english = {
                name for name in exclude if english_field(type(self), name) not in exclude
            }
            exclude -= edited_in_english
        errors: dict[str, list[ValidationError]] = {}
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    field = self.constraint_error_field(constraint, exclude)
                    if field in edited_in_english:
                        field = english_field(type(self), field)
                    if field is None and error.code == "unique":
                        fields = getattr(constraint, "fields", ())
                        field = fields[0] if len(fields) == 1 else None
                    errors.setdefault(field or NON_FIELD_ERRORS, []).append(error)
        if errors:
            raise ValidationError(errors)


class TimeStampedModel(models.Model):
    """When a row was created and last changed, set by Django and, for raw inserts, the database."""

    created_at = models.DateTimeField(auto_now_add=True, db_default=Now())
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """A number raised by every save, so that an editor who saves a form opened before someone
    else's save can be told so instead of silently undoing it (optimistic locking: see
    `core.admin.EditConflictMixin`)."""

    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Raised by one at every save."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            self.version = (self.version or 0) + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)
