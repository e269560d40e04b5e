"""Web origins as an editor types them, one a line: checked, written one way, and safe to put in
a Content-Security-Policy header.

An origin is a scheme, a host and a port, nothing else (https://www.northwales.police.uk,
https://partners.example.org:8443). A browser compares the origin of the page that frames ours
with these, so a path, a query or a wildcard would either never match or match far more than
meant; each is refused with a message naming the line and what to write instead. Plain http is
accepted only for this machine (localhost, 127.0.0.1, [::1]), for trying a page out locally:
anywhere else a network could change what the framing page shows.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

MAX_ORIGINS = 20
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]"}
DEFAULT_PORTS = {"https": 443, "http": 80}


def _origin(line: str) -> str:
    """One origin written one way ('https://www.example.org'), or a ValidationError saying
    what is wrong with it."""
    if "*" in line:
        raise ValidationError(
            _("wildcards are not allowed: list each website address in full, one a line.")
        )
    if any(character.isspace() for character in line) or ";" in line or "," in line:
        raise ValidationError(_("give one address a line, with no spaces, commas or semicolons."))
    if "://" not in line:
        raise ValidationError(
            _("start it with https://, for example https://%(host)s.") % {"host": line}
        )
    parts = urlsplit(line)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValidationError(_("it must start with https://."))
    try:
        port = parts.port
    except ValueError:
        raise ValidationError(_("its port is not a number from 1 to 65535.")) from None
    host = (parts.hostname or "").lower()
    if not host:
        raise ValidationError(_("it has no host name."))
    if parts.username is not None or parts.password is not None:
        raise ValidationError(_("it must not contain a user name or password."))
    shown_host = f"[{host}]" if ":" in host else host
    base = f"{scheme}://{shown_host}"
    if port is not None and port != DEFAULT_PORTS[scheme]:
        base += f":{port}"
    if parts.path not in ("", "/") or parts.query or parts.fragment or line.endswith(("?", "#")):
        raise ValidationError(
            _(
                "give the website's address only, without a page's path: %(origin)s. The card "
                "may then be shown on any page of that website."
            )
            % {"origin": base}
        )
    if scheme == "http" and shown_host not in LOCAL_HOSTS:
        raise ValidationError(
            _("it must start with https://: %(origin)s. Plain http:// is only for localhost.")
            % {"origin": "https://" + base.removeprefix("http://")}
        )
    try:
        URLValidator(schemes=list(DEFAULT_PORTS))(base)
    except ValidationError:
        raise ValidationError(_("%(host)s is not a host name.") % {"host": host}) from None
    return base


def parse_origins(text: str) -> list[str]:
    """The origins in `text`, one a line (blank lines skipped), each written one way and each
    once; a ValidationError listing every line that is not an origin."""
    origins: list[str] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            origin = _origin(line)
        except ValidationError as error:
            problems.append(
                _("Line %(number)s, “%(line)s”: %(problem)s")
                % {"number": number, "line": line, "problem": error.messages[0]}
            )
            continue
        if origin not in origins:
            origins.append(origin)
    if problems:
        raise ValidationError(problems, code="origin")
    if len(origins) > MAX_ORIGINS:
        raise ValidationError(
            _("List at most %(most)s website addresses; there are %(count)s.")
            % {"most": MAX_ORIGINS, "count": len(origins)},
            code="origins_too_many",
        )
    return origins


def validate_origins(text: str) -> None:
    parse_origins(text)


def valid_origins(text: str) -> list[str]:
    """The origins in `text` that are valid, skipping any that are not: for a header, where
    text saved without the form's checks (a script, an old row) must never reach the browser."""
    found = []
    for line in text.splitlines():
        try:
            origin = _origin(line.strip())
        except ValidationError:
            continue
        if origin not in found:
            found.append(origin)
    return found[:MAX_ORIGINS]
