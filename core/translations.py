"""Which Welsh texts are older than the English they translate, read from an item's versions
(django-simple-history): a text whose English was changed after its Welsh last was."""

import datetime

from django.conf import settings
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname


def stale_translations(item) -> dict[str, tuple[datetime.datetime, datetime.datetime]]:
    """{field: (when its English last changed, when this language's text last changed)} for
    each text whose English changed after its translation, in every language but the default.
    One query (the item's versions, oldest first)."""
    try:
        fields = translator.get_options_for_model(type(item)).fields
    except NotRegistered:
        return {}
    history = getattr(item, "history", None)
    if item.pk is None or history is None:
        return {}
    languages = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    columns = {
        (name, language): build_localized_fieldname(name, language)
        for name in fields
        for language in [settings.LANGUAGE_CODE, *languages]
    }
    versions = history.order_by("history_date", "history_id").values(
        "history_date", *columns.values()
    )
    changed: dict[tuple[str, str], datetime.datetime] = {}
    previous: dict | None = None
    for version in versions:
        for key, column in columns.items():
            if previous is None or version[column] != previous[column]:
                changed[key] = version["history_date"]
        previous = version
    stale = {}
    for name in fields:
        english = changed.get((name, settings.LANGUAGE_CODE))
        for language in languages:
            translated = changed.get((name, language))
            column = columns[(name, language)]
            if english and translated and previous and previous[column] and english > translated:
                stale[column] = (english, translated)
    return stale
