"""Admin forms of content with English and Welsh texts name each text by its language
(`title_en_gb`, `title_cy`, django-modeltranslation): tests write a form's data as an editor
thinks of it, in English, and `english` names the fields as the form does."""

from django.apps import apps
from modeltranslation.translator import translator


def translated_fields(app_label: str) -> set[str]:
    return {
        name
        for model in translator.get_registered_models()
        if model._meta.app_label == app_label
        for name in translator.get_options_for_model(model).fields
    }


def english(data: dict, app_label: str = "campaigns") -> dict:
    """The data of a form of one app's content (a campaign or statement with its inlines, by
    default) with each translated text (`summary`, or `quotes-0-text` in an inline) under its
    English field's name. Names already in a language are left as they are."""
    apps.get_app_config(app_label)
    names = translated_fields(app_label)
    renamed = {}
    for key, value in data.items():
        prefix, dash, name = key.rpartition("-")
        if name in names:
            key = f"{prefix}{dash}{name}_en_gb"
        renamed[key] = value
    return renamed
