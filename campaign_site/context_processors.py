from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def site(request: HttpRequest) -> dict:
    return {"SITE_NAME": settings.SITE_NAME}


def languages(request: HttpRequest) -> dict:
    """The page in each language, for its language link and `hreflang` alternates."""
    from campaign_site.languages import alternates

    # Worked out only on pages that show them (not on every admin page).
    return {"page_languages": SimpleLazyObject(lambda: alternates(request))}
