"""schema.org descriptions of public pages, as JSON-LD (written into the page by
core/page_meta.py): what a search engine or another site's software reads of a statement, a
campaign's helpline, a partner and the site.

- A statement is a `NewsArticle`: headline, summary, dates, language, address, the site as
  publisher, the issuing organisations as authors, the campaign's picture when it is described,
  and each quote as a `Quotation` (part of the article) said by a `Person` with the role they
  were quoted in and the organisation they work for; a withdrawn statement says so
  (`creativeWorkStatus`).
- A campaign page describes its helpline as a `ContactPoint`: number, website, opening hours in
  the editors' words, English and Welsh when calls can be taken in Welsh, free calls
  (`TollFree`), and the areas the campaign covers.
- A partner page describes an `Organization`; the home page the `WebSite`.

Everything here is what the page itself shows, taken from the same selector, so nothing a page
does not show (a draft, an embargoed statement) can appear in it.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import get_language

from campaign_site.context_processors import site_name
from campaigns import publishing
from campaigns.phones import PhoneNumber
from campaigns.selectors import StatementPage
from regions.models import Organisation, Region

CONTEXT = "https://schema.org"

# An address from the site's root made absolute (request.build_absolute_uri).
Absolute = Callable[[str], str]

# Each interface language as schema.org's `Language`, named in English as its examples are.
LANGUAGES = {
    "en-gb": {"@type": "Language", "name": "English", "alternateName": "en-GB"},
    "cy": {"@type": "Language", "name": "Welsh", "alternateName": "cy"},
}


def language_tag(code: str | None = None) -> str:
    """A language code as BCP 47 writes it: 'en-GB', 'cy'."""
    language, _dash, territory = (code or get_language()).partition("-")
    return f"{language}-{territory.upper()}" if territory else language


def compact(data: dict) -> dict:
    """Leave out what has no value: an empty text says nothing."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def site_publisher(absolute: Absolute) -> dict:
    return {
        "@type": "Organization",
        "name": site_name(),
        "url": absolute(reverse("campaigns:home")),
    }


def organisation(organisation: Organisation, absolute: Absolute) -> dict:
    """An organisation, as named wherever it appears: its partner page is its address here."""
    return compact(
        {
            "@type": "Organization",
            "name": organisation.name,
            "url": absolute(organisation.get_absolute_url()),
            "sameAs": organisation.website,
        }
    )


def image_url(campaign, absolute: Absolute) -> str | None:
    """The campaign's picture, when it says what it shows (a decorative one does not)."""
    if not campaign.hero_image_is_described:
        return None
    return absolute(campaign.hero_share_picture.url)


def news_article(page: StatementPage, absolute: Absolute) -> dict:
    statement = page.statement
    campaign = statement.campaign
    url = absolute(statement.get_absolute_url())
    authors = page.issuers or [campaign.lead_organisation]
    quotes = [
        {
            "@type": "Quotation",
            "text": quote.text,
            "spokenByCharacter": compact(
                {
                    "@type": "Person",
                    "name": quote.person.name,
                    "jobTitle": quote.role_as_quoted,
                    "worksFor": quote.person.organisation
                    and organisation(quote.person.organisation, absolute),
                }
            ),
        }
        for quote in page.quotes
    ]
    return compact(
        {
            "@context": CONTEXT,
            "@type": "NewsArticle",
            "headline": statement.title,
            "description": statement.summary,
            "datePublished": statement.publish_at.isoformat(),
            "dateModified": publishing.changed_for_readers(statement).isoformat(),
            "inLanguage": language_tag(),
            "url": url,
            "mainEntityOfPage": url,
            "publisher": site_publisher(absolute),
            "author": [organisation(o, absolute) for o in authors],
            "image": image_url(campaign, absolute),
            "isPartOf": {
                "@type": "WebPage",
                "name": campaign.title,
                "url": absolute(campaign.get_absolute_url()),
            },
            "hasPart": quotes,
            "creativeWorkStatus": "Withdrawn" if publishing.withdrawal(statement) else None,
        }
    )


def area(region: Region) -> dict:
    return compact(
        {"@type": "AdministrativeArea", "name": region.name, "identifier": region.gss_code}
    )


def helpline(campaign, regions: list[Region]) -> dict:
    """The campaign's helpline as a `ContactPoint`. Its hours are the editors' words (there is
    no day-by-day schedule to give), as the description of its opening hours."""
    try:
        number = PhoneNumber.parse(campaign.helpline_phone)
    except ValidationError:  # a number stored before today's rules: as it is written
        telephone, free = campaign.helpline_phone, False
    else:
        telephone, free = number.international_text, number.is_free
    languages = [LANGUAGES[settings.LANGUAGE_CODE]]
    if campaign.helpline_welsh:
        languages.append(LANGUAGES["cy"])
    return compact(
        {
            "@context": CONTEXT,
            "@type": "ContactPoint",
            "name": campaign.helpline_name,
            "contactType": "helpline",
            "telephone": telephone,
            "url": campaign.helpline_url,
            "description": campaign.helpline_confidentiality,
            "hoursAvailable": campaign.helpline_hours
            and {"@type": "OpeningHoursSpecification", "description": campaign.helpline_hours},
            "availableLanguage": languages,
            "contactOption": "https://schema.org/TollFree" if free else None,
            "areaServed": [area(region) for region in regions],
        }
    )


def partner(organisation_shown: Organisation, absolute: Absolute) -> dict:
    return compact(
        {
            "@context": CONTEXT,
            **organisation(organisation_shown, absolute),
            "alternateName": organisation_shown.short_name,
            "description": organisation_shown.description,
            "logo": (
                absolute(organisation_shown.logo_share_picture.url)
                if organisation_shown.logo
                else None
            ),
        }
    )


def website(absolute: Absolute) -> dict:
    return {
        "@context": CONTEXT,
        "@type": "WebSite",
        "name": site_name(),
        "url": absolute(reverse("campaigns:home")),
        "inLanguage": language_tag(),
    }
