"""Editors write formatted text in Markdown; the public gets clean, safe HTML (nh3)."""

import re
import xml.etree.ElementTree as ET

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "blockquote",
    "br",
    "div",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    "th": {"scope"},
    "div": {"role", "tabindex", "aria-label"},
}
ALLOWED_CLASSES = {
    "div": {"table-scroll"},
    "th": {"align-right", "align-center"},
    "td": {"align-right", "align-center"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
# What is left of a link whose address was unsafe (javascript: and the like) once the address is
# removed: shown as plain text, not as a link that leads nowhere.
_DEAD_LINK = re.compile(r'<a rel="noopener noreferrer">(.*?)</a>', re.DOTALL)


class _DemoteHeadings(Treeprocessor):
    """The page title is the only h1: body headings start at h2, and nothing goes below h4."""

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            if element.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
                element.tag = f"h{min(max(int(element.tag[1]), 2), 4)}"


class _ReadableTables(Treeprocessor):
    """Tables scroll sideways on a narrow screen instead of widening the page; header cells say
    what they head; column alignment becomes a class (inline styles are not allowed)."""

    def run(self, root: ET.Element) -> None:
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "table":
                    # Focusable and named, as the figure tables are, so a keyboard can
                    # scroll a wide table sideways.
                    wrapper = ET.Element(
                        "div",
                        {
                            "class": "table-scroll",
                            "role": "region",
                            "tabindex": "0",
                            "aria-label": str(_("Table")),
                        },
                    )
                    parent.remove(child)
                    wrapper.append(child)
                    parent.insert(index, wrapper)
        for element in root.iter():
            if element.tag in {"th", "td"}:
                style = element.attrib.pop("style", "")
                for align in ("right", "center"):
                    if f"text-align: {align}" in style:
                        element.set("class", f"align-{align}")
            if element.tag == "th":
                element.set("scope", "col")


class _HeadingsExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (library API)
        md.treeprocessors.register(_DemoteHeadings(md), "demote_headings", 5)
        md.treeprocessors.register(_ReadableTables(md), "readable_tables", 4)


def render_markdown(text: str) -> SafeString:
    """HTML for an editor's Markdown, with raw HTML and unsafe links removed."""
    if not text:
        return mark_safe("")  # noqa: S308 (constant)
    html = markdown.markdown(text, extensions=[_HeadingsExtension(), "sane_lists", "tables"])
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(_DEAD_LINK.sub(r"\1", cleaned))  # noqa: S308 (sanitised by nh3 just above)
