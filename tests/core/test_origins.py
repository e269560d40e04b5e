"""Website addresses allowed to frame a partner's card: checked, written one way, and never
anything a Content-Security-Policy header could be made to say more with."""

import pytest
from django.core.exceptions import ValidationError

from core.origins import MAX_ORIGINS, parse_origins, valid_origins


def test_origins_are_written_one_way_and_each_once():
    typed = (
        "  HTTPS://WWW.NorthWales.Police.UK/  \n\n"
        "https://www.northwales.police.uk\n"
        "https://heddlu.example:443\n"
        "https://partners.example:8443\n"
        "http://localhost:8000\n"
        "http://127.0.0.1:9000/\n"
        "https://[2001:db8::1]\n"
    )
    assert parse_origins(typed) == [
        "https://www.northwales.police.uk",
        "https://heddlu.example",
        "https://partners.example:8443",
        "http://localhost:8000",
        "http://127.0.0.1:9000",
        "https://[2001:db8::1]",
    ]
    assert parse_origins("") == []


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "https://www.example.org/campaigns/",
            "give the website's address only, without a page's path: https://www.example.org.",
        ),
        ("https://www.example.org/?page=1", "without a page's path"),
        ("https://*.example.org", "wildcards are not allowed"),
        ("*", "wildcards are not allowed"),
        ("www.example.org", "start it with https://, for example https://www.example.org."),
        (
            "http://www.example.org",
            "it must start with https://: https://www.example.org. Plain http:// is only for "
            "localhost.",
        ),
        ("ftp://files.example.org", "it must start with https://."),
        ("https://example.org https://other.example", "give one address a line"),
        ("https://example.org; script-src self", "give one address a line"),
        ("https://example.org:99999", "its port is not a number from 1 to 65535."),
        ("https://user:secret@example.org", "it must not contain a user name or password."),
        ("https://exa_mple..org", "is not a host name."),
        ("'self'", "start it with https://"),
    ],
)
def test_anything_but_an_origin_is_refused_naming_its_line(line, message):
    with pytest.raises(ValidationError) as refused:
        parse_origins(f"https://fine.example\n{line}")
    (said,) = refused.value.messages
    assert said.startswith(f"Line 2, “{line}”: ")
    assert message in said


def test_every_wrong_line_is_listed_at_once():
    with pytest.raises(ValidationError) as refused:
        parse_origins("example.org\nhttps://ok.example\nhttps://x.example/path")
    assert [message.split(",")[0] for message in refused.value.messages] == ["Line 1", "Line 3"]


def test_a_list_too_long_for_a_header_is_refused():
    many = "\n".join(f"https://site{number}.example" for number in range(MAX_ORIGINS + 1))
    with pytest.raises(ValidationError, match="at most 20 website addresses; there are 21"):
        parse_origins(many)


def test_only_valid_origins_are_read_from_stored_text():
    stored = "https://ok.example\nhttps://x.example; frame-ancestors *\n*\nhttps://OK.example/"
    assert valid_origins(stored) == ["https://ok.example"]
