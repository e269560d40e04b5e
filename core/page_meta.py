"""What a public page says about itself in its <head>, for search engines, feed readers and the
cards other sites show when someone shares a link: one small object per page (`PageMeta`), made
by its view, and one include that writes every tag from it (templates/includes/page_meta.html,
through the `page_meta_tags` tag):

- the meta description, and `<link rel="canonical">`: the page's own address in its own
  language, without a query string;
- Open Graph (`og:title`, `og:description`, `og:type`, `og:url`, `og:locale` and the other
  language's, `og:site_name`, `og:image` with its alt text and size) and the Twitter card;
- the feeds it belongs to (`<link rel="alternate" type="application/rss+xml">` and Atom);
- schema.org JSON-LD blocks, written so that no text can close the script element.

A page with no picture of its own, or whose picture is decorative (it has no alt text, and a
card must say what its picture shows), shares the site's card, a plain picture saying "Help in
confidence" in the page's language (static/img/share-<language>.png).

A page that is not the public page at its address (a staff preview, the page-not-found page)
says `canonical=False`: no canonical address, no `og:url` and no structured data, so nothing
names an address that is not public (yet).
"""

import json
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# Open Graph names a page's language as language_TERRITORY.
OPEN_GRAPH_LOCALES = {"en-gb": "en_GB", "cy": "cy_GB"}

# The share card: the size Open Graph and Twitter's large card ask for.
SHARE_CARD_SIZE = (1200, 630)

# What would end a <script> element or start markup inside it, written as JSON escapes
# (as Django's json_script writes them): the data reads the same, the HTML cannot break.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@dataclass(frozen=True)
class ShareImage:
    """A picture for the share card: its address (absolute, or from the site's root) and the
    text that says what it shows."""

    url: str
    alt: str
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class FeedLink:
    title: str
    url: str  # from the site's root
    type: str  # "application/rss+xml" or "application/atom+xml"


@dataclass(frozen=True)
class PageMeta:
    title: str  # the page's own title, without the site's name
    description: str
    kind: str = "website"  # og:type: "article" for a statement
    image: ShareImage | None = None  # None: the site's share card
    feeds: tuple[FeedLink, ...] = ()
    structured_data: tuple[dict, ...] = field(default=())
    canonical: bool = True  # False: not the public page at this address (see above)


def json_ld(data: dict) -> SafeString:
    """A JSON-LD data block. Browsers run no script of this type, so the content security
    policy (script-src) does not concern it."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_SCRIPT_ESCAPES)),  # noqa: S308 (escaped just above)
    )
