"""`{% page_meta_tags %}`: the <head> tags of the page's `page_meta` (core/page_meta.py)."""

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.page_meta import OPEN_GRAPH_LOCALES, SHARE_CARD_SIZE, ShareImage, json_ld

register = template.Library()


def share_card(language: str) -> ShareImage:
    """The site's own card, in the page's language, for pages without a described picture."""
    width, height = SHARE_CARD_SIZE
    return ShareImage(static(f"img/share-{language}.png"), _("Help in confidence"), width, height)


@register.inclusion_tag("includes/page_meta.html", takes_context=True)
def page_meta_tags(context) -> dict:
    """Every tag, from the page's `page_meta`; nothing on a page without one (a sign-off page,
    an error page that writes its own)."""
    meta = context.get("page_meta")
    if meta is None:
        return {}
    request = context["request"]
    language = get_language()
    image = meta.image or share_card(language)
    return {
        "meta": meta,
        "SITE_NAME": context.get("SITE_NAME"),
        # Its own address in its own language, without a query string.
        "canonical": request.build_absolute_uri(request.path) if meta.canonical else "",
        "locale": OPEN_GRAPH_LOCALES[language],
        "other_locales": [
            OPEN_GRAPH_LOCALES[code] for code, _name in settings.LANGUAGES if code != language
        ],
        "image": image,
        "image_url": request.build_absolute_uri(image.url),
        "feeds": [(feed, request.build_absolute_uri(feed.url)) for feed in meta.feeds],
        "json_ld": [json_ld(data) for data in meta.structured_data] if meta.canonical else [],
    }
