"""The demo's Welsh (campaigns/demo_welsh.py) covers every English demo text, under the keys the
English uses, and keeps every figure."""

import re
from collections import Counter

import pytest
from django.conf import settings
from modeltranslation.utils import build_localized_fieldname

from campaigns import demo
from campaigns import demo_welsh as cy
from campaigns.models import Campaign, CampaignPartner, ReportedFigure

# Names that read the same in both languages.
SAME_IN_WELSH = {"Cumbria", "TITAN", "The Lucy Faithfull Foundation"}
NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?%?")


def numbers(text: str) -> Counter:
    return Counter(NUMBER.findall(text))


def statement_quotes() -> dict[str, tuple[str, str]]:
    return {key: (role, text) for key, role, text in demo.QUOTES}


def pairs() -> list[tuple[str, str, str]]:
    """(where, English, Welsh) for every demo text held as a constant in campaigns/demo.py."""
    found = [
        ("metric name", demo.METRIC_NAME, cy.METRIC["name"]),
        ("metric description", demo.METRIC_DESCRIPTION, cy.METRIC["description"]),
        ("metric unit", "people", cy.METRIC["unit"]),
        ("campaign body", demo.CAMPAIGN_BODY, cy.CAMPAIGN["body"]),
        ("confidentiality", demo.CONFIDENTIALITY, cy.CAMPAIGN["helpline_confidentiality"]),
        ("statement title", demo.STATEMENT_TITLE, cy.STATEMENT["title"]),
        ("statement summary", demo.STATEMENT_SUMMARY, cy.STATEMENT["summary"]),
        ("statement body", demo.STATEMENT_BODY, cy.STATEMENT["body"]),
        ("review title", demo.REVIEW_STATEMENT_TITLE, cy.REVIEW_STATEMENT["title"]),
        ("review summary", demo.REVIEW_STATEMENT_SUMMARY, cy.REVIEW_STATEMENT["summary"]),
        ("review body", demo.REVIEW_STATEMENT_BODY, cy.REVIEW_STATEMENT["body"]),
    ]
    for key, role, text in demo.QUOTES:
        found += [
            (f"quote {key} role", role, cy.QUOTES[key]["role_as_quoted"]),
            (f"quote {key} text", text, cy.QUOTES[key]["text"]),
        ]
    _key, role, text = demo.REVIEW_STATEMENT_QUOTE
    found += [
        ("review quote role", role, cy.REVIEW_QUOTE["role_as_quoted"]),
        ("review quote text", text, cy.REVIEW_QUOTE["text"]),
    ]
    found += [(f"person {key}", role, cy.PEOPLE_ROLES[key]) for key, _n, role, _o in demo.PEOPLE]
    found += [(f"partner role {r}", r, cy.PARTNER_ROLES[r]) for _s, r in demo.PARTNER_ROLES_EN]
    found += [(f"region {slug}", name, cy.REGIONS[slug]) for slug, name, *_ in demo.REGIONS]
    found += [
        (f"region description {slug}", text, cy.REGION_DESCRIPTIONS[slug])
        for slug, text in demo.REGION_DESCRIPTIONS.items()
    ]
    for slug, name, short_name, _kind, _regions, description in demo.ORGANISATIONS:
        welsh = cy.ORGANISATIONS[slug]
        found += [
            (f"organisation {slug} name", name, welsh["name"]),
            (f"organisation {slug} short name", short_name, welsh["short_name"]),
            (f"organisation {slug} description", description, welsh["description"]),
        ]
    found += [(f"label {label}", label, cy.REPORTED_LABELS[label]) for label in english_labels()]
    found += [
        (f"source {source}", source, cy.SOURCES[source])
        for source in [demo.SOURCE, demo.FIGURES_SOURCE]
    ]
    return found


def english_labels() -> list[str]:
    return [label for *_rest, label in demo.REPORTED_CHANGES] + [demo.PER_MONTH_LABEL]


def check_translation(where: str, english: str, welsh: str) -> None:
    if not english:
        assert welsh == "", f"{where}: no English, so no Welsh"
        return
    assert welsh.strip(), f"{where}: no Welsh"
    if english in SAME_IN_WELSH:
        assert welsh == english, f"{where}: a name, kept as it is"
    else:
        assert welsh != english, f"{where}: still in English"
    assert numbers(welsh) == numbers(english), f"{where}: figures differ"


def test_keys_are_the_english_ones():
    assert list(cy.REGIONS) == [slug for slug, *_ in demo.REGIONS]
    assert set(cy.REGION_DESCRIPTIONS) == set(demo.REGION_DESCRIPTIONS)
    assert list(cy.ORGANISATIONS) == [slug for slug, *_ in demo.ORGANISATIONS]
    for welsh in cy.ORGANISATIONS.values():
        assert set(welsh) == {"name", "short_name", "description"}
    assert set(cy.QUOTES) == {key for key, *_ in demo.QUOTES}
    assert set(cy.PEOPLE_ROLES) == {key for key, *_ in demo.PEOPLE}
    assert set(cy.PARTNER_ROLES) == {role for _slug, role in demo.PARTNER_ROLES_EN}
    assert set(cy.REPORTED_LABELS) == set(english_labels())
    assert len(cy.REPORTED_LABELS) == 6
    assert set(cy.SOURCES) == {demo.SOURCE, demo.FIGURES_SOURCE}
    assert set(cy.STATEMENT) == set(cy.REVIEW_STATEMENT) == {"title", "summary", "body"}
    assert set(cy.REVIEW_QUOTE) == {"role_as_quoted", "text"}
    assert set(cy.METRIC) == {"name", "description", "unit"}


def test_every_text_is_in_welsh_with_the_same_figures():
    for where, english, welsh in pairs():
        check_translation(where, english, welsh)


def test_the_statements_figures_are_the_englishs():
    english = numbers(demo.STATEMENT_SUMMARY + "\n" + demo.STATEMENT_BODY)
    welsh = numbers(cy.STATEMENT["summary"] + "\n" + cy.STATEMENT["body"])
    assert welsh == english
    assert {"84", "139", "1,747", "3,549", "146%", "193%", "186%"} <= set(welsh)
    assert "bron i 600" in cy.QUOTES["findlater"]["text"]
    assert "0808 1000 900" in cy.REVIEW_STATEMENT["body"]


def test_the_bodies_keep_the_englishs_headings_and_paragraphs():
    for english, welsh in [
        (demo.CAMPAIGN_BODY, cy.CAMPAIGN["body"]),
        (demo.STATEMENT_BODY, cy.STATEMENT["body"]),
        (demo.REVIEW_STATEMENT_BODY, cy.REVIEW_STATEMENT["body"]),
    ]:
        assert len(re.findall(r"^## ", welsh, re.M)) == len(re.findall(r"^## ", english, re.M))
        assert len(welsh.split("\n\n")) == len(english.split("\n\n"))


@pytest.mark.django_db
def test_the_loaded_demos_texts_all_have_their_welsh():
    """The campaign's texts written inline in the loader, and every partner role and headline
    figure it saves, have a Welsh here."""
    demo.demo_load()
    campaign = Campaign.objects.get()
    for name, welsh in cy.CAMPAIGN.items():
        english = getattr(campaign, build_localized_fieldname(name, settings.LANGUAGE_CODE))
        check_translation(f"campaign {name}", english, welsh)
    roles = CampaignPartner.objects.values_list(
        build_localized_fieldname("role", settings.LANGUAGE_CODE), flat=True
    )
    assert set(roles) == set(cy.PARTNER_ROLES)
    labels = ReportedFigure.objects.values_list(
        build_localized_fieldname("label", settings.LANGUAGE_CODE), flat=True
    )
    assert set(labels) == set(cy.REPORTED_LABELS)
    sources = ReportedFigure.objects.values_list(
        build_localized_fieldname("source", settings.LANGUAGE_CODE), flat=True
    )
    assert set(sources) <= set(cy.SOURCES)
