from django import template
from django.utils.safestring import SafeString

from campaigns.text import render_markdown
from regions.figures import period_label

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text)


@register.filter(name="period")
def period_filter(item) -> str:
    """'July to December 2017' for anything with period_start and period_end."""
    return period_label(item.period_start, item.period_end)
