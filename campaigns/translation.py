"""Welsh beside English for every text a campaign's pages show (django-modeltranslation: a
column per language in the same table, so no query per field; `title` reads the page's
language), and a version of every change (django-simple-history).

Versions are registered here, after the language columns are added, rather than with
`HistoricalRecords()` in the models: a model's versions copy the fields it has when they are
made, and the Welsh texts must be kept (and compared with the English) like any other.
"""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as keep_versions

from campaigns.models import (
    Campaign,
    CampaignPartner,
    Person,
    PressStatement,
    Quote,
    ReportedFigure,
)

# The texts of a campaign and a statement that must exist in Welsh before an item covering a
# Welsh area is published (campaigns/welsh.py).
CAMPAIGN_TEXTS = (
    "title",
    "summary",
    "body",
    "hero_image_alt",
    "helpline_name",
    "helpline_hours",
    "helpline_url",
    "helpline_confidentiality",
)
STATEMENT_TEXTS = ("title", "summary", "body")


@register(Campaign)
class CampaignTranslation(TranslationOptions):
    fields = CAMPAIGN_TEXTS


@register(CampaignPartner)
class CampaignPartnerTranslation(TranslationOptions):
    fields = ("role",)
    # A role has a default ("Partner"), which modeltranslation would take as the only value
    # not yet written: an empty Welsh role would then show as nothing rather than the English.
    fallback_undefined = {"role": ""}


@register(Person)
class PersonTranslation(TranslationOptions):
    fields = ("role_title",)


@register(PressStatement)
class PressStatementTranslation(TranslationOptions):
    fields = STATEMENT_TEXTS


@register(Quote)
class QuoteTranslation(TranslationOptions):
    fields = ("role_as_quoted", "text")


@register(ReportedFigure)
class ReportedFigureTranslation(TranslationOptions):
    fields = ("label", "source")


# Every change kept as a version: who, when, what (the admin's History), with the regions and
# metrics a campaign covers and the organisations a statement is issued by.
keep_versions(Campaign, m2m_fields=[Campaign.regions.field, Campaign.metrics.field])
keep_versions(PressStatement, m2m_fields=[PressStatement.issuing_organisations.field])
for model in (CampaignPartner, Person, Quote, ReportedFigure):
    keep_versions(model)
