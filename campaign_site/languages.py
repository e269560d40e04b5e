"""The page's language comes from its address, and only from there: English without a prefix
(`/campaigns/…`), Welsh under `/cy/` (`/cy/campaigns/…`); the admin is in English.

Django's LocaleMiddleware would also read the browser's Accept-Language and a cookie for any
address without a prefix, answer English addresses in Welsh to some visitors, and mark every
page `Vary: Accept-Language` (so shared caches keep one copy per browser language). A page here
has one language per address, which its links, `hreflang` alternates and the sitemap announce.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import translate_url
from django.utils import translation

WELSH = "cy"


class LanguageFromAddressMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # For this request only: the language of one address never leaks into the next.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def alternates(request: HttpRequest) -> list[dict[str, str]]:
    """This page in each language: code, name in that language, and address (absolute)."""
    path = request.path
    current = translation.get_language()
    found = []
    for code, name in settings.LANGUAGES:
        address = translate_url(path, code) if code != current else path
        found.append(
            {
                "code": code,
                "name": name,
                "url": request.build_absolute_uri(address),
                "path": address,
                "current": code == current,
            }
        )
    return found
