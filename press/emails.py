"""What a press email says: a statement's whole text (plain text and HTML), in the recipient's
language, under embargo or on publication, and a correction to one sent before.

- **Language**: a contact preferring Welsh gets the Welsh email when the statement's Welsh
  title and summary are written; any text not yet translated is shown in English, marked
  `lang="en-gb"` in the HTML. Everyone else gets English.
- **Embargo**: before the statement is public, the subject and the first line say
  "EMBARGOED UNTIL 00:01 Tuesday 3 July 2018" (UK time; "EMBARGO TAN …" in Welsh), and the
  email has no link to the page, which does not exist for the public yet. On or after
  publication, it links to the page.
- **Unsubscribe**: a visible link and the RFC 8058 headers (press/unsubscribe.py).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns import selectors
from campaigns.models import PressStatement
from campaigns.welsh import WELSH, text_in
from press.models import Contact, Delivery, PressSend
from press.unsubscribe import unsubscribe_path

ENGLISH = settings.LANGUAGE_CODE

# Month names as dates in press emails (and on the site) print them. Django's own Welsh
# catalogue spells July "Gorffenaf"; the site's catalogue, read first, has "Gorffennaf".
MONTH_NAMES = (
    gettext_lazy("January"),
    gettext_lazy("February"),
    gettext_lazy("March"),
    gettext_lazy("April"),
    gettext_lazy("May"),
    gettext_lazy("June"),
    gettext_lazy("July"),
    gettext_lazy("August"),
    gettext_lazy("September"),
    gettext_lazy("October"),
    gettext_lazy("November"),
    gettext_lazy("December"),
)


def email_language(statement: PressStatement, preferred: str) -> str:
    """Welsh for a contact preferring it when the statement's title and summary are in Welsh;
    otherwise English."""
    if preferred == WELSH and all(text_in(statement, n, WELSH) for n in ("title", "summary")):
        return WELSH
    return ENGLISH


def uk_time_words(when: datetime.datetime) -> str:
    """'00:01 Tuesday 3 July 2018' in UK time, in the active language."""
    return date_format(timezone.localtime(when), "H:i l j F Y")


def embargo_line(when: datetime.datetime) -> str:
    """'EMBARGOED UNTIL 00:01 Tuesday 3 July 2018', in the active language."""
    return _("EMBARGOED UNTIL %(when)s") % {"when": uk_time_words(when)}


@dataclass
class Email:
    subject: str
    text: str
    html: str
    language: str


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def statement_email(send: PressSend, statement: PressStatement, language: str, contact) -> Email:
    """A statement's email in one language, for one contact (their unsubscribe link)."""
    with translation.override(language):
        embargoed = send.kind == PressSend.Kind.EMBARGO and not statement.is_published
        page = selectors.statement_page(statement)
        line = embargo_line(statement.publish_at) if embargoed else ""
        subject = f"{line}: {statement.title}" if line else statement.title
        context = {
            "page": page,
            "statement": statement,
            "embargo_line": line,
            "link": ""
            if embargoed or not statement.is_published
            else absolute(statement.get_absolute_url()),
            "language": language,
            "english": ENGLISH,
            "published_on": date_format(timezone.localtime(statement.publish_at), "j F Y")
            if statement.publish_at and not embargoed
            else "",
            **footer_context(contact, language),
        }
        return Email(
            subject=subject,
            text=render_to_string("press/email/statement.txt", context).strip() + "\n",
            html=render_to_string("press/email/statement.html", context),
            language=language,
        )


def correction_email(send: PressSend, statement: PressStatement, language: str, contact) -> Email:
    """A correction to an earlier email: the statement withdrawn, its embargo changed or
    lifted, or to be held (press/corrections.py)."""
    with translation.override(language):
        original = send.corrects
        title = statement.title
        context = {
            "statement": statement,
            "send": send,
            "sent_on": date_format(timezone.localtime(original.created_at), "j F Y"),
            "old_embargo": uk_time_words(original.embargo_until) if original.embargo_until else "",
            "new_embargo": embargo_line(send.embargo_until) if send.embargo_until else "",
            "reason": send.reason,
            "language": language,
            **footer_context(contact, language),
        }
        if send.correction == "withdrawn":
            subject = _("WITHDRAWN: %(title)s") % {"title": title}
        elif send.correction == "lifted":
            subject = _("EMBARGO LIFTED: %(title)s") % {"title": title}
        elif send.correction == "rescheduled":
            subject = _("EMBARGO CHANGED: %(line)s: %(title)s") % {
                "line": context["new_embargo"],
                "title": title,
            }
        else:
            subject = _("HOLD, DO NOT PUBLISH: %(title)s") % {"title": title}
        context["subject"] = subject
        return Email(
            subject=subject,
            text=render_to_string("press/email/correction.txt", context).strip() + "\n",
            html=render_to_string("press/email/correction.html", context),
            language=language,
        )


def footer_context(contact: Contact | None, language: str) -> dict:
    return {
        "site_name": settings.SITE_NAME_CY if language == WELSH else settings.SITE_NAME,
        "contact": contact,
        "unsubscribe_url": absolute(unsubscribe_path(contact, language)) if contact else "",
    }


def message_for(delivery: Delivery, email: Email) -> EmailMultiAlternatives:
    """The email as sent: plain text with an HTML alternative, the unsubscribe headers, and a
    Message-ID of its own that stays the same if it is ever tried again."""
    headers = {"Message-ID": delivery.message_id, "Content-Language": email.language}
    if delivery.contact_id is not None:
        url = absolute(unsubscribe_path(delivery.contact, email.language))
        targets = [f"<{url}>"]
        if settings.PRESS_UNSUBSCRIBE_EMAIL:
            targets.append(f"<mailto:{settings.PRESS_UNSUBSCRIBE_EMAIL}?subject=unsubscribe>")
        headers["List-Unsubscribe"] = ", ".join(targets)
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.email],
        headers=headers,
    )
    message.attach_alternative(email.html, "text/html")
    return message


def render(delivery: Delivery, statement: PressStatement) -> Email:
    send = delivery.send
    if send.kind == PressSend.Kind.CORRECTION:
        return correction_email(send, statement, delivery.language, delivery.contact)
    return statement_email(send, statement, delivery.language, delivery.contact)
