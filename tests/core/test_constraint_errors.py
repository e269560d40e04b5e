"""Every database rule said beside a field names a rule that exists and a field it reads."""

import pytest
from django.apps import apps

from core.models import ConstraintErrorsByField, constraint_fields

MODELS = [
    model
    for model in apps.get_models()
    if model._meta.app_label in {"regions", "campaigns"}
    and issubclass(model, ConstraintErrorsByField)
]


def test_the_models_with_database_rules_say_them_by_field():
    assert {model.__name__ for model in MODELS} >= {
        "Campaign",
        "CampaignPartner",
        "PressStatement",
        "ReportedFigure",
        "Region",
        "Statistic",
    }


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_each_rule_goes_beside_a_field_it_reads(model):
    constraints = {constraint.name: constraint for constraint in model._meta.constraints}
    for name, wanted in model.constraint_error_fields.items():
        assert name in constraints, f"{model.__name__} has no constraint {name}"
        fields = (wanted,) if isinstance(wanted, str) else wanted
        read = constraint_fields(constraints[name])
        assert set(fields) <= read, f"{name} does not read {set(fields) - read}"
        for field in fields:
            assert model._meta.get_field(field).editable
