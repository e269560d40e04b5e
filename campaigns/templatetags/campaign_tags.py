from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString

from campaigns.impact import MAX_PERIODS_SHOWN
from campaigns.welsh import shown_in_english
from core.markdown import render_markdown
from regions.figures import period_label

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text)


@register.filter(name="period")
def period_filter(item) -> str:
    """'July to December 2017' for anything with period_start and period_end."""
    return period_label(item.period_start, item.period_end)


@register.filter(name="latest_periods")
def latest_periods(points: list) -> list:
    """The latest periods a page shows of a series (see impact.MAX_PERIODS_SHOWN)."""
    return points[-MAX_PERIODS_SHOWN:]


@register.filter
def text_lang(item, field: str) -> str:
    """` lang="en-gb"` on the element showing an item's text in English on a page in another
    language, its translation not written yet (campaigns/welsh.py): a screen reader reads it
    as English, and the page is never left empty. On a page in the text's own language,
    nothing."""
    if not shown_in_english(item, field):
        return ""
    return format_html(' lang="{}"', settings.LANGUAGE_CODE)
