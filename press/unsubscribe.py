"""Unsubscribing from press emails: one click, at once, for good.

Every press email carries a link to `/press/unsubscribe/<token>/` (and `/cy/…` in Welsh), in
its text and in the `List-Unsubscribe` header with `List-Unsubscribe-Post:
List-Unsubscribe=One-Click` (RFC 8058), so mail programs offer their own unsubscribe button.

The token is the contact's id and address, signed with the site's secret key (as the partner
sign-off links are, campaigns/signoff.py): nothing secret is stored, a changed character is
refused, and a token stops working if the contact's address is changed. It never expires: an
email read a year later must still let its reader leave the list.

Opening the link (GET) only shows a button: mail scanners follow links, and must not
unsubscribe anyone. The button, and a mail program's one-click request, POST to the same
address; the token is what authorises it, so no login, no CSRF cookie and no cookie at all.
"""

from django.core import signing
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation

from press.models import Contact

SALT = "press.unsubscribe"


def token_for(contact: Contact) -> str:
    return signing.Signer(salt=SALT).sign_object({"c": contact.pk, "e": contact.email.lower()})


def contact_for(token: str) -> Contact | None:
    """The contact a token was made for, while its address is unchanged; None otherwise."""
    try:
        signed = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(signed, dict):
        return None
    return (
        Contact.objects.annotate(email_lower=Lower("email"))
        .filter(pk=signed.get("c"), email_lower=signed.get("e"))
        .first()
    )


def unsubscribe_path(contact: Contact, language: str) -> str:
    with translation.override(language):
        return reverse("press:unsubscribe", kwargs={"token": token_for(contact)})


def contact_unsubscribe(*, contact: Contact) -> bool:
    """Unsubscribe the contact now (the first time only, keeping when). Returns whether this
    changed anything."""
    changed = Contact.objects.filter(pk=contact.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=timezone.now()
    )
    contact.refresh_from_db(fields=["unsubscribed_at"])
    return bool(changed)
