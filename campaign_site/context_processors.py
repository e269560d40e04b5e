from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from campaigns.selectors import current_helplines


def site_name() -> str:
    """The site's name in the page's language."""
    return settings.SITE_NAME_CY if get_language() == "cy" else settings.SITE_NAME


def site(request: HttpRequest) -> dict[str, object]:
    """What every page may show. The helplines are looked up only by a page that shows them
    and does not name its own (admin pages show none)."""
    return {
        "SITE_NAME": site_name(),
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
        "EXIT_PAGE_URL": settings.EXIT_PAGE_URL,
        "site_helplines": SimpleLazyObject(current_helplines),
    }


def languages(request: HttpRequest) -> dict:
    """The page in each language, for its language link and `hreflang` alternates."""
    from campaign_site.languages import alternates

    # Worked out only on pages that show them (not on every admin page).
    return {"page_languages": SimpleLazyObject(lambda: alternates(request))}
