"""Partners sign off their quotes: each organisation approves the words of its people quoted in a
statement before the statement goes out, through a link that needs no account.

How it fits together:

- **Digests.** A quote's digest is a hash of who says it, the role printed beside them and the
  words (`quote_digest`). A statement's digest covers its title, summary, body, each quote's
  digest and each headline figure, in order (`statement_digest`): whatever the page says.
- **Links.** A manager makes one link per organisation (`make_link`). Its address carries the
  link's id and the statement's digest at the time, signed with the site's secret key and
  timestamped (`django.core.signing`), so no secret is stored and a changed character is
  refused. `open_link` checks, in this order, the signature, that the link still exists, that it
  is not revoked, that it has not expired (its own `expires_at`, and never later than
  MAX_LINK_DAYS after it was made), and that the statement still reads as it did. Each refusal
  says why in plain words (`LinkRefused`).
- **Decisions.** Through its link an organisation approves each quote of its people, or asks for
  a change (`record_decision`). Decisions are kept for good, stored against the statement's root
  (the live statement, not a new edition of it) with the quote's digest. A quote is approved
  when the latest decision from the quoted person's organisation on its current words is an
  approval; so a quote edited after approval needs approving again, and an unchanged quote keeps
  its approval in a new edition.
- **Publishing.** `sign_off_problem` says which quotes still lack approval; the publish actions
  refuse while it returns a message.
"""

import datetime
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from modeltranslation.utils import build_localized_fieldname

from campaigns.models import SIGN_OFF_LINK_DAYS, PressStatement, Quote, QuoteApproval, SignOffLink
from regions.models import Organisation

SALT = "campaigns.signoff"
# However a link was made, its signature stops being accepted this long after it was made.
MAX_LINK_DAYS = 30

Decision = QuoteApproval.Decision


# --- Digests ------------------------------------------------------------------------------------


def _digest(parts) -> str:
    """A sha256 of JSON: unambiguous, whatever the texts contain."""
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def in_every_language(item, *names: str) -> list:
    """Each text in each language (`title_en_gb`, `title_cy`, …): what a digest covers, the
    same whichever language the page asking is in."""
    return [
        getattr(item, build_localized_fieldname(name, language)) or ""
        for name in names
        for language, _name in settings.LANGUAGES
    ]


def quote_digest(quote: Quote) -> str:
    """The hash of who says it, as whom, and what, in English and in Welsh: any change to these
    needs approving again."""
    return _digest([quote.person_id, *in_every_language(quote, "role_as_quoted", "text")])


def _figure_value(value) -> str:
    # Stored with one decimal place: 146 and 146.0 are one figure.
    return str(Decimal(value).quantize(Decimal("0.1")))


def statement_digest(statement: PressStatement) -> str:
    """The hash of everything the statement says, read from the database: its title, summary,
    body, quotes and headline figures, in the order they are shown."""
    figures = [
        [_figure_value(f.value), f.unit, f.qualifier, *in_every_language(f, "label", "source")]
        for f in statement.reported_figures.order_by("order", "pk")
    ]
    quotes = [quote_digest(q) for q in statement.quotes.order_by("order", "pk")]
    texts = in_every_language(statement, "title", "summary", "body")
    return _digest([texts, quotes, figures])


def statement_root_id(statement: PressStatement) -> int:
    """The live statement's id, whichever edition this is: decisions are kept against it."""
    return statement.edition_of_id or statement.pk


# --- Where each quote stands ---------------------------------------------------------------------


def decisions_by_quote(statement: PressStatement) -> dict[tuple[int, str], list[QuoteApproval]]:
    """Every decision on the statement, across its editions, by (organisation id, quote digest),
    earliest first (one query)."""
    decisions: dict[tuple[int, str], list[QuoteApproval]] = defaultdict(list)
    made = QuoteApproval.objects.filter(statement_id=statement_root_id(statement))
    for decision in made.order_by("decided_at", "pk"):
        decisions[decision.organisation_id, decision.quote_digest].append(decision)
    return decisions


def decisions_on(quote: Quote, decisions: dict[tuple[int, str], list[QuoteApproval]]):
    """The decisions of the quoted person's organisation on the quote's current words."""
    organisation_id = quote.person.organisation_id
    if organisation_id is None:
        return []
    return decisions.get((organisation_id, quote_digest(quote)), [])


def _quotes_needing_sign_off(statement: PressStatement) -> list[Quote]:
    """Quotes by people of an organisation, with the person and organisation loaded."""
    quotes = statement.quotes.select_related("person__organisation").order_by("order", "pk")
    return [quote for quote in quotes if quote.person.organisation_id is not None]


def is_approved(quote: Quote, decisions: dict[tuple[int, str], list[QuoteApproval]]) -> bool:
    """Whether the latest decision of the quoted person's organisation on these very words is an
    approval (a quote by someone of no organisation needs none)."""
    if quote.person.organisation_id is None:
        return True
    made = decisions_on(quote, decisions)
    return bool(made) and made[-1].decision == Decision.APPROVED


def quoted_organisations(statement: PressStatement) -> list[Organisation]:
    """The organisations whose people are quoted in the statement, in the order first quoted."""
    found: dict[int, Organisation] = {}
    for quote in _quotes_needing_sign_off(statement):
        found.setdefault(quote.person.organisation_id, quote.person.organisation)
    return list(found.values())


def quotes_awaiting_sign_off(statement: PressStatement) -> list[Quote]:
    """Quotes whose person belongs to an organisation that has not approved their current words
    (or has since asked for a change to them), in the order shown."""
    decisions = decisions_by_quote(statement)
    return [q for q in _quotes_needing_sign_off(statement) if not is_approved(q, decisions)]


def sign_off_problem(statement: PressStatement) -> str | None:
    """Why the statement cannot be published yet, naming each quote that lacks approval and
    whose approval it lacks; None when every quote is signed off."""
    waiting = quotes_awaiting_sign_off(statement)
    if not waiting:
        return None
    named = ", ".join(f"{q.person.name} ({q.person.organisation.name})" for q in waiting)
    return ngettext(
        "Not published: %(count)s quote lacks its organisation's approval: %(quotes)s. "
        "Send a sign-off link from the statement's page, under 'Partner sign-off'.",
        "Not published: %(count)s quotes lack their organisation's approval: %(quotes)s. "
        "Send a sign-off link from the statement's page, under 'Partner sign-off'.",
        len(waiting),
    ) % {"count": len(waiting), "quotes": named}


def quote_state(quote: Quote, decisions: dict[tuple[int, str], list[QuoteApproval]]) -> str:
    """Where a quote stands with its organisation, for managers: 'Approved by … at … (version N)',
    'Change asked for by … at …: …' or 'Awaiting approval'."""
    made = decisions_on(quote, decisions)
    if not made:
        return _("Awaiting approval")
    latest = made[-1]
    values = {
        "name": latest.name,
        "when": date_format(timezone.localtime(latest.decided_at), "j F Y, H:i"),
        "version": latest.statement_version,
        "comment": latest.comment,
    }
    if latest.decision == Decision.APPROVED:
        return _("Approved by %(name)s at %(when)s, for version %(version)s") % values
    return _("Change asked for by %(name)s at %(when)s: “%(comment)s”") % values


@dataclass
class OrganisationSignOff:
    """One organisation's part in a statement's sign-off, as managers see it."""

    organisation: Organisation
    quotes: list[tuple[Quote, str, bool]]  # each quote, where it stands, and whether approved
    links: list[SignOffLink] = field(default_factory=list)  # not revoked or expired, newest first

    @property
    def all_approved(self) -> bool:
        return all(approved for _quote, _state, approved in self.quotes)


def sign_off_by_organisation(statement: PressStatement) -> list[OrganisationSignOff]:
    """Each organisation whose people are quoted in the statement, in the order first quoted,
    with where each of their quotes stands and their links that have not been revoked or expired
    (each with `state`, in words)."""
    decisions = decisions_by_quote(statement)
    parts: dict[int, OrganisationSignOff] = {}
    for quote in _quotes_needing_sign_off(statement):
        organisation = quote.person.organisation
        part = parts.setdefault(organisation.pk, OrganisationSignOff(organisation, []))
        part.quotes.append((quote, quote_state(quote, decisions), is_approved(quote, decisions)))
    links = statement.sign_off_links.filter(
        organisation__in=list(parts), revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at", "-pk")
    current = statement_digest(statement)
    for link in links:
        link.state = link_state(link, current_digest=current)
        parts[link.organisation_id].links.append(link)
    return list(parts.values())


# --- Links --------------------------------------------------------------------------------------


class _LinkSigner(signing.TimestampSigner):
    """Signs with the time the link was made rather than the time of signing, so one link has
    one address, whenever and however often it is shown."""

    def __init__(self, *, made_at: datetime.datetime | None = None) -> None:
        super().__init__(salt=SALT)
        self.made_at = made_at

    def timestamp(self) -> str:
        if self.made_at is None:
            return super().timestamp()
        return signing.b62_encode(int(self.made_at.timestamp()))


def link_token(link: SignOffLink) -> str:
    return _LinkSigner(made_at=link.created_at).sign_object(
        {"link": link.pk, "digest": link.statement_digest}
    )


def link_url(link: SignOffLink) -> str:
    """The link's address on this site (a path, with its signed token)."""
    return reverse("campaigns:sign_off", kwargs={"token": link_token(link)})


def absolute_link_url(link: SignOffLink, request_or_base_url: HttpRequest | str) -> str:
    path = link_url(link)
    if isinstance(request_or_base_url, str):
        return request_or_base_url.rstrip("/") + path
    return request_or_base_url.build_absolute_uri(path)


def make_link(
    statement: PressStatement, organisation: Organisation, user, days: int = SIGN_OFF_LINK_DAYS
) -> SignOffLink:
    """A new link for the organisation to sign off its quotes in the statement as it now reads,
    working for `days` days (at most MAX_LINK_DAYS)."""
    if not 1 <= days <= MAX_LINK_DAYS:
        raise ValueError(f"A sign-off link works for 1 to {MAX_LINK_DAYS} days, not {days}.")
    now = timezone.now()
    return SignOffLink.objects.create(
        statement=statement,
        organisation=organisation,
        created_by=user,
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
        statement_digest=statement_digest(statement),
    )


def revoke(link: SignOffLink, user) -> None:
    """Stop the link working at once (a link already revoked stays as it was)."""
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = user
        link.save(update_fields=["revoked_at", "revoked_by"])


def demo_link_url(statement: PressStatement, base_url: str) -> str | None:
    """An address for trying the partner's side locally: a working link for the first
    organisation whose quotes await sign-off (made only if none works yet), or None when no quote
    awaits."""
    waiting = quotes_awaiting_sign_off(statement)
    if not waiting:
        return None
    organisation = waiting[0].person.organisation
    current = statement_digest(statement)
    links = statement.sign_off_links.filter(
        organisation=organisation, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
    link = next((link for link in links if link.statement_digest == current), None)
    if link is None:
        link = make_link(statement, organisation, None)
    return absolute_link_url(link, base_url)


class LinkRefused(Exception):
    """A sign-off link that does not open, with why, in words for the person who followed it."""

    INVALID, REVOKED, EXPIRED, CHANGED = "invalid", "revoked", "expired", "changed"

    def __init__(self, reason: str, link: SignOffLink | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.link = link


def link_problem(link: SignOffLink, *, current_digest: str | None = None) -> str | None:
    """LinkRefused's REVOKED, EXPIRED or CHANGED, or None while the link works. The statement's
    current digest is worked out unless given."""
    if link.revoked_at is not None:
        return LinkRefused.REVOKED
    if timezone.now() >= link.expires_at:
        return LinkRefused.EXPIRED
    if current_digest is None:
        current_digest = statement_digest(link.statement)
    if current_digest != link.statement_digest:
        return LinkRefused.CHANGED
    return None


def open_link(token: str) -> SignOffLink:
    """The link a token stands for, if it still works; else LinkRefused, saying why."""
    try:
        signed = _LinkSigner().unsign_object(token, max_age=datetime.timedelta(days=MAX_LINK_DAYS))
    except signing.SignatureExpired:
        raise LinkRefused(LinkRefused.EXPIRED) from None
    except (signing.BadSignature, ValueError):
        raise LinkRefused(LinkRefused.INVALID) from None
    link = (
        SignOffLink.objects.select_related("statement__campaign", "organisation")
        .filter(pk=signed.get("link"), statement_digest=signed.get("digest"))
        .first()
    )
    if link is None:
        raise LinkRefused(LinkRefused.INVALID)
    problem = link_problem(link)
    if problem is not None:
        raise LinkRefused(problem, link)
    return link


def link_state(link: SignOffLink, *, current_digest: str | None = None) -> str:
    """Where a link stands, for managers: 'Works until …' or why it no longer works."""
    problem = link_problem(link, current_digest=current_digest)
    when = date_format(timezone.localtime(link.expires_at), "j F Y, H:i")
    if problem == LinkRefused.REVOKED:
        return _("Revoked")
    if problem == LinkRefused.EXPIRED:
        return _("Expired %(when)s") % {"when": when}
    if problem == LinkRefused.CHANGED:
        return _("Stopped working: the statement has changed since it was made")
    return _("Works until %(when)s") % {"when": when}


# --- Decisions ----------------------------------------------------------------------------------


def record_decision(
    *, link: SignOffLink, quote: Quote, decision: str, name: str, comment: str = ""
) -> QuoteApproval:
    """Record an organisation's decision on one quote of its people, made through its link.

    Refuses (ValidationError, in words for the partner) a quote of another organisation or of
    another statement, a link that no longer works, a missing name, and a change asked for
    without saying what.
    """
    if quote.statement_id != link.statement_id:
        raise ValidationError(_("This quote is not part of the statement this link is for."))
    if quote.person.organisation_id != link.organisation_id:
        raise ValidationError(
            _("This quote is for another organisation to approve, not %(organisation)s.")
            % {"organisation": link.organisation.name}
        )
    with transaction.atomic():
        problem = link_problem(link)
        if problem is not None:
            raise LinkRefused(problem, link)
        statement = link.statement
        approval = QuoteApproval(
            statement_id=statement_root_id(statement),
            quote=quote,
            organisation_id=link.organisation_id,
            quote_digest=quote_digest(quote),
            decision=decision,
            name=name.strip(),
            comment=comment.strip(),
            link=link,
            statement_version=statement.version,
        )
        approval.full_clean()
        approval.save()
    return approval


# --- Email --------------------------------------------------------------------------------------


class NoPressEmail(Exception):
    """The organisation has no press office email to send its link to."""


def email_text(link: SignOffLink, url: str) -> tuple[str, str]:
    """The subject and plain-text body of the email that sends a link."""
    organisation = link.organisation.name
    quotes = [
        quote
        for quote in _quotes_needing_sign_off(link.statement)
        if quote.person.organisation_id == link.organisation_id
    ]
    listed = "\n".join(f"- {q.person.name}: “{q.text}”" for q in quotes)
    subject = _("Please approve your quotes: %(title)s") % {"title": link.statement.title}
    body = _(
        "Hello,\n\n"
        "%(site)s is preparing a press statement that quotes people from %(organisation)s:\n"
        "“%(title)s”.\n\n"
        "Before it is published, please read the statement and approve each quote, or ask for "
        "a change, on this page:\n\n"
        "%(url)s\n\n"
        "The link works until %(expires)s, for this version of the statement only: if the text "
        "changes, the press office will send you a new one. Anyone with the link can answer "
        "for %(organisation)s, so please do not pass it on outside your press office.\n\n"
        "The quotes for you to approve:\n%(quotes)s\n\n"
        "Thank you.\n"
    ) % {
        "site": settings.SITE_NAME,
        "organisation": organisation,
        "title": link.statement.title,
        "url": url,
        "expires": date_format(timezone.localtime(link.expires_at), "j F Y, H:i"),
        "quotes": listed or _("(none at the moment)"),
    }
    return subject, body


def send_link(link: SignOffLink, request_or_base_url: HttpRequest | str, user) -> str:
    """Email the link to the organisation's press office and note where and when; returns the
    address it went to. Refuses a link that no longer works (LinkRefused) and an organisation
    without a press office email (NoPressEmail)."""
    address = link.organisation.press_email
    if not address:
        raise NoPressEmail(link.organisation.name)
    problem = link_problem(link)
    if problem is not None:
        raise LinkRefused(problem, link)
    subject, body = email_text(link, absolute_link_url(link, request_or_base_url))
    reply_to = [user.email] if getattr(user, "email", "") else []
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address], reply_to=reply_to).send()
    link.sent_to = address
    link.sent_at = timezone.now()
    link.save(update_fields=["sent_to", "sent_at"])
    return address
