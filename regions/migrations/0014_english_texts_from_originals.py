"""The English columns start as the texts already stored (the original column keeps the default
language's text too, as django-modeltranslation expects)."""

from django.db import migrations
from django.db.models import F

TEXTS = {
    "region": ("name", "description"),
    "organisation": ("name", "short_name", "description"),
    "metric": ("name", "description", "unit"),
}


def copy_to_english(apps, schema_editor):
    for model_name, fields in TEXTS.items():
        model = apps.get_model("regions", model_name)
        model.objects.update(**{f"{name}_en_gb": F(name) for name in fields})


class Migration(migrations.Migration):
    dependencies = [("regions", "0013_welsh_texts")]

    operations = [migrations.RunPython(copy_to_english, migrations.RunPython.noop)]
