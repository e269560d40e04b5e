"""The committed Welsh catalogue is the one its source compiles to: a fresh machine runs the site
from the .mo without GNU gettext, and an edit to the .po not compiled (`make messages`) fails
here. Every text a visitor (or a partner on the sign-off page) reads is translated, and no
translation loses a placeholder or a tag of its English."""

import re
from fnmatch import fnmatch
from pathlib import Path

import django
import polib
from django.conf import settings

from core.management.commands.compilecatalogues import catalogues, compiled

WELSH = Path(settings.BASE_DIR) / "locale/cy/LC_MESSAGES/django.po"

# What the public reads, in one place (docs/welsh.md): entries found in these files...
PUBLIC_FILES = [
    "templates/base.html",
    "templates/404.html",
    "templates/500.html",
    "templates/403*.html",
    "templates/includes/*",
    "templates/campaigns/campaign_list.html",
    "templates/campaigns/campaign_detail.html",
    "templates/campaigns/pressstatement_detail.html",
    "templates/campaigns/sign_off*.html",
    "templates/regions/region_detail.html",
    "templates/regions/organisation_detail.html",
    "templates/regions/organisation_card*.html",  # a partner's campaign card and its snippet
    "templates/site/*",  # the accessibility statement and the privacy notice
    "campaigns/impact.py",
    "campaigns/charts.py",
    "campaigns/helplines.py",
    "campaigns/downloads.py",
    "campaigns/feeds.py",
    "campaigns/page_meta.py",
    "campaigns/views.py",
    "campaigns/forms.py",
    "campaigns/templatetags/*",
    "campaign_site/views.py",
    "regions/figures.py",
    "regions/series.py",
    "core/markdown.py",
    "core/templatetags/page_meta.py",
    # Press emails and the unsubscribe page, read by journalists in their language.
    "templates/press/*",
    "press/emails.py",
]
# ...and these entries of files that are otherwise for staff (help texts, admin messages).
PUBLIC_MSGIDS = {
    "campaign_site/settings.py": {
        # The site's own helpline box (HELPLINE), shown while no campaign is current
        "Calls are confidential. You do not have to give your name or any details that "
        "identify you. Information that identifies a child at risk, or an offence, is passed "
        "on to the relevant agencies.",
    },
    "campaigns/models.py": {
        # ReportedFigure as a page prints it
        "%(number)s a month",
        "up %(number)s%%",
        "down %(number)s%%",
        "no change",
        "%(later)s compared with %(earlier)s",
        "about",
        "nearly",
        "more than",
        # QuoteApproval's rules, which a partner's decision can meet
        "Give your name.",
        "Say what should change.",
    },
    "campaigns/admin.py": {
        # The title of the frame a partner's page shows its campaign card in
        "Where to get help in confidence, from %(site)s",
    },
    "campaigns/signoff.py": {
        "This quote is not part of the statement this link is for.",
        "This quote is for another organisation to approve, not %(organisation)s.",
    },
    "regions/models.py": {
        # Region.Kind and Organisation.Kind, the kicker of an area's or a partner's page
        "Nation",
        "Region (ONS)",
        "Police force area",
        "County",
        "Local authority",
        "Custom grouping",
        "Charity",
        "Police force",
        "Regional organised crime unit",
        "Health body",
        "Other",
    },
}


def is_public(entry: polib.POEntry) -> bool:
    return any(
        any(fnmatch(path, pattern) for pattern in PUBLIC_FILES)
        or entry.msgid in PUBLIC_MSGIDS.get(path, ())
        for path, _line in entry.occurrences
    )


def translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def is_translated(entry: polib.POEntry) -> bool:
    return all(translations(entry)) and "fuzzy" not in entry.flags


def placeholders(text: str) -> set[str]:
    """%(name)s, %s, %d and a literal %% of a python-format text."""
    return set(re.findall(r"%(?:\(\w+\))?[sdf%]", text))


def tags(text: str) -> list[str]:
    return sorted(re.findall(r"</?[a-zA-Z][^>]*>", text))


def test_there_is_a_welsh_catalogue():
    assert [po.parent.parent.name for po in catalogues()] == ["cy"]


def test_each_compiled_catalogue_matches_its_source():
    for po_path in catalogues():
        mo_path = po_path.with_suffix(".mo")
        assert mo_path.exists(), f"{mo_path} is missing: run make messages"
        assert mo_path.read_bytes() == compiled(po_path), (
            f"{mo_path} is not what {po_path.name} compiles to: run make messages"
        )


def test_the_welsh_plural_rule_is_djangos_own():
    djangos = Path(django.__file__).parent / "conf/locale/cy/LC_MESSAGES/django.po"
    ours = polib.pofile(str(WELSH))
    assert ours.metadata["Plural-Forms"] == polib.pofile(str(djangos)).metadata["Plural-Forms"]
    assert "fuzzy" not in ours.metadata_is_fuzzy
    forms = int(re.search(r"nplurals=(\d+)", ours.metadata["Plural-Forms"]).group(1))
    for entry in ours.translated_entries():
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == list(range(forms)), entry.msgid


def test_every_text_a_visitor_reads_is_in_welsh():
    catalogue = polib.pofile(str(WELSH))
    public = [entry for entry in catalogue if is_public(entry)]
    assert len(public) > 150  # the list above still finds the public pages' texts
    untranslated = [entry.msgid for entry in public if not is_translated(entry)]
    assert untranslated == [], "translate these in locale/cy (see docs/welsh.md)"


def test_every_public_msgid_listed_by_file_is_still_in_that_file():
    catalogue = polib.pofile(str(WELSH))
    found = {(path, entry.msgid) for entry in catalogue for path, _line in entry.occurrences}
    listed = {(path, msgid) for path, msgids in PUBLIC_MSGIDS.items() for msgid in msgids}
    assert listed - found == set()


def test_translations_keep_the_placeholders_and_markup_of_their_english():
    for entry in polib.pofile(str(WELSH)).translated_entries():
        english = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        for welsh in translations(entry):
            if "python-format" in entry.flags:
                # A plural form may leave out the count (as the English singular does).
                assert placeholders(entry.msgid) <= placeholders(welsh), (entry.msgid, welsh)
                assert placeholders(welsh) <= set().union(*map(placeholders, english)), welsh
            assert tags(welsh) == tags(entry.msgid), (entry.msgid, welsh)
