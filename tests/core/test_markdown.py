"""Editors' Markdown as the public gets it: tables that fit a phone, no dead links."""

import re

from core.markdown import render_markdown


def test_a_markdown_table_becomes_a_scrollable_table_with_column_headers():
    html = render_markdown("| Area | Calls |\n|------|------:|\n| North Wales | 139 |")

    assert re.search(r'<div [^>]*class="table-scroll"[^>]*><table>', html)
    wrapper = re.search(r"<div ([^>]*)><table>", html).group(1)
    assert 'role="region"' in wrapper and 'tabindex="0"' in wrapper
    assert 'aria-label="Table"' in wrapper
    assert '<th scope="col">Area</th>' in html
    assert '<th class="align-right" scope="col">Calls</th>' in html
    assert '<td class="align-right">139</td>' in html
    assert "style=" not in html
    assert "|" not in html


def test_a_link_with_an_unsafe_address_is_left_as_plain_text():
    html = render_markdown(
        'See [this](javascript:alert(1)) and <a href="javascript:alert(2)">that</a> '
        "or [the helpline](https://www.stopitnow.org.uk/)."
    )

    assert "javascript" not in html
    assert "<a>" not in html
    assert "<a rel" not in html
    assert "that" in html
    assert 'href="https://www.stopitnow.org.uk/"' in html


def test_editors_cannot_smuggle_classes_or_attributes_onto_allowed_tags():
    html = render_markdown('<div class="table-scroll evil" onclick="steal()">text</div>')

    assert "evil" not in html
    assert "onclick" not in html
