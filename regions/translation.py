"""Welsh beside English for the texts the public reads (django-modeltranslation: a column per
language in the same table, so no query per field), and a version of every change, Welsh
included (django-simple-history, registered after the language columns exist so its versions
keep them; see campaigns/translation.py)."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as keep_versions

from regions.models import Metric, Organisation, Region


@register(Region)
class RegionTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name", "short_name", "description")


@register(Metric)
class MetricTranslation(TranslationOptions):
    fields = ("name", "description", "unit")
    # The unit has a default ("people"): without this an empty Welsh unit would show as
    # nothing rather than the English (see campaigns/translation.py).
    fallback_undefined = {"unit": ""}


# Every change kept as a version: who, when, what (the admin's History).
for model in (Region, Organisation):
    keep_versions(model)
