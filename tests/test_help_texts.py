"""Every field an editor fills in says the rule they must follow."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from regions.models import ImportBatch

pytestmark = pytest.mark.django_db

EDITABLE_ADMINS = [
    model_admin
    for model, model_admin in admin.site._registry.items()
    if model._meta.app_label in {"regions", "campaigns"} and model is not ImportBatch
]


@pytest.mark.parametrize("model_admin", EDITABLE_ADMINS, ids=lambda a: a.model.__name__)
def test_every_admin_form_field_has_help_text(model_admin, manager):
    request = RequestFactory().get("/admin/")
    request.user = manager
    forms = [model_admin.get_form(request)]
    forms += [
        inline.get_formset(request).form for inline in model_admin.get_inline_instances(request)
    ]
    missing = [
        f"{form._meta.model.__name__}.{name}"
        for form in forms
        for name, field in form.base_fields.items()
        # Hidden fields are not filled in by an editor (the version a form was opened at).
        if not field.help_text
        and not field.widget.is_hidden
        and name not in {"password", "id", "DELETE"}
    ]
    assert missing == []
