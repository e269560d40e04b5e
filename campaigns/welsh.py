"""Welsh treated no less favourably than English (the Welsh Language Standards North Wales Police
is bound by): a campaign or statement covering an area in Wales is not published, or scheduled,
while any of its texts lacks its Welsh; and the admin says when a Welsh text is older than the
English it translates.

An area is in Wales when it, or an area inside it (a grouping's members, at any depth), has a
Welsh GSS code (W…): North Wales (W15000001), Wales (W92000004), and the campaign's own grouping
of the North West with North Wales, which has no code of its own.
"""

from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

from regions.graph import GroupingGraph
from regions.models import Region

WELSH = "cy"


def text_in(item, name: str, language: str) -> str:
    """One text of an item in one language, whatever language the page asking is in."""
    return getattr(item, build_localized_fieldname(name, language)) or ""


def shown_in_english(item, name: str) -> bool:
    """Whether a page in the active language shows this text in English because its
    translation is not written yet (django-modeltranslation then reads the English)."""
    language = get_language()
    if language == settings.LANGUAGE_CODE or item is None:
        return False
    return not text_in(item, name, language) and bool(getattr(item, name, None))


def covers_wales(campaign) -> bool:
    """Whether any area the campaign covers is in Wales, or holds one that is."""
    covered = list(campaign.regions.values_list("pk", flat=True))
    if not covered:
        return False
    inside = GroupingGraph.load().with_descendants(covered)
    return Region.objects.filter(pk__in=inside, gss_code__startswith="W").exists()


def _missing(item, label: str) -> list[str]:
    """The item's texts written in English but not in Welsh, named for an editor."""
    missing = []
    for name in translator.get_options_for_model(type(item)).fields:
        if text_in(item, name, settings.LANGUAGE_CODE) and not text_in(item, name, WELSH):
            verbose = capfirst(type(item)._meta.get_field(name).verbose_name)
            missing.append(f"{label}{verbose}")
    return missing


def missing_welsh(item) -> list[str]:
    """Every text of a campaign or statement, and of its quotes, headline figures and
    partners' roles, that has English but no Welsh."""
    missing = _missing(item, "")
    if item._meta.model_name == "campaign":
        children = [
            (_("partner “%(name)s”: ") % {"name": p.organisation}, p)
            for p in item.partnerships.select_related("organisation")
        ]
    else:
        children = [
            (_("quote by %(name)s: ") % {"name": q.person}, q)
            for q in item.quotes.select_related("person")
        ]
    children += [
        (_("headline figure “%(label)s”: ") % {"label": f.label_en_gb}, f)
        for f in item.reported_figures.all()
    ]
    for label, child in children:
        missing += _missing(child, label)
    return missing


def welsh_problem(item) -> str | None:
    """Why a campaign or statement covering Wales cannot go public yet, listing each missing
    Welsh text; None when nothing is missing or it covers no area in Wales."""
    campaign = item if item._meta.model_name == "campaign" else item.campaign
    if not covers_wales(campaign):
        return None
    missing = missing_welsh(item)
    if not missing:
        return None
    return _(
        "Not published: this %(kind)s covers an area in Wales, so every text needs its Welsh "
        "first. Missing in Welsh: %(missing)s."
    ) % {"kind": item._meta.verbose_name, "missing": "; ".join(missing)}
