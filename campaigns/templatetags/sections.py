"""`{% section %}`: a part of a public page cached under the kinds of content it shows.

    {% section "campaign-figures" "campaign region metric statistic" campaign.pk %}
      …
    {% endsection %}

The first argument names the section, the second lists the kinds of content it shows (model
names from campaigns.page_cache.PUBLIC_CONTENT, checked when the template loads), and any more
are values the section differs by. A section showing no content at all (the site's header)
names none: "". How it is keyed and for how long it is kept:
campaigns/sections.py. A section that names too few kinds would be shown stale after an edit of
a kind it left out: name every kind whose rows it shows, its includes' too.
"""

from django import template

from campaigns import sections
from campaigns.page_cache import PUBLIC_CONTENT

register = template.Library()

KINDS = {label.split(".")[1]: label for label in PUBLIC_CONTENT}


class SectionNode(template.Node):
    def __init__(self, nodelist, name: str, kinds: tuple[str, ...], vary) -> None:
        self.nodelist = nodelist
        self.name = name
        self.kinds = kinds
        self.vary = vary

    def render(self, context) -> str:
        current = sections.of(context.get("request"))
        if current is None or context.get("preview"):
            return self.nodelist.render(context)
        key = current.key(self.name, self.kinds, [value.resolve(context) for value in self.vary])
        html = current.get(key)
        if html is None:
            html = self.nodelist.render(context)
            current.set(key, html)
        return html


@register.tag("section")
def section(parser, token) -> SectionNode:
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(
            f"'{bits[0]}' takes a name and the kinds of content it shows, each in quotes"
        )
    name, kinds = (bit.strip("\"'") for bit in bits[1:3])
    unknown = [kind for kind in kinds.split() if kind not in KINDS]
    if unknown:
        raise template.TemplateSyntaxError(
            f"Section {name!r}: {', '.join(unknown)} not among the kinds of public content "
            f"({', '.join(sorted(KINDS))})"
        )
    nodelist = parser.parse(("endsection",))
    parser.delete_first_token()
    return SectionNode(
        nodelist,
        name,
        tuple(sorted(KINDS[kind] for kind in kinds.split())),
        [parser.compile_filter(bit) for bit in bits[3:]],
    )
