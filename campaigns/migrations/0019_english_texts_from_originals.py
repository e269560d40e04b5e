"""The English columns start as the texts already stored (the original column keeps the default
language's text too, as django-modeltranslation expects)."""

from django.db import migrations
from django.db.models import F

TEXTS = {
    "campaign": (
        "title",
        "summary",
        "body",
        "hero_image_alt",
        "helpline_name",
        "helpline_hours",
        "helpline_url",
        "helpline_confidentiality",
    ),
    "campaignpartner": ("role",),
    "person": ("role_title",),
    "pressstatement": ("title", "summary", "body"),
    "quote": ("role_as_quoted", "text"),
    "reportedfigure": ("label", "source"),
}


def copy_to_english(apps, schema_editor):
    for model_name, fields in TEXTS.items():
        model = apps.get_model("campaigns", model_name)
        model.objects.update(**{f"{name}_en_gb": F(name) for name in fields})


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0018_welsh_texts"), ("regions", "0014_english_texts_from_originals")]

    operations = [migrations.RunPython(copy_to_english, migrations.RunPython.noop)]
