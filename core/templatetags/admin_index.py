"""The admin home's line under each model, saying what the section holds."""

from django import template
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered

register = template.Library()


@register.simple_tag(takes_context=True)
def model_description(context, entry: dict) -> str:
    """An app list entry's ModelAdmin's index_description(request), or "" if it has none.

    Takes the entry, not its model: a template would call the model class and pass an instance.
    """
    try:
        model_admin = admin.site.get_model_admin(entry["model"])
    except NotRegistered:
        return ""
    describe = getattr(model_admin, "index_description", None)
    return describe(context["request"]) if describe is not None else ""
