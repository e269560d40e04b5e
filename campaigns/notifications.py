"""Emails about review: reviewers hear when an item is submitted, its author when it is approved
or sent back for changes.

The review actions (campaigns/workflow.py) call these after they save. Each works out its emails
at once, from what the action saved, and hands them over to be sent when the transaction
commits: an action that fails and rolls back tells nobody, and no email speaks of a change the
database does not hold. A mail server that refuses or does not answer is logged, never raised:
the action has happened, and an error page would tell the person who acted that it had not.

Every email names who acted and links to the item's page in the admin, built from SITE_URL (an
email is read outside the site, so its links must be absolute).
"""

import logging

from django.conf import settings
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from campaigns.reviewers import reviewers

logger = logging.getLogger(__name__)


def notify_submitted(item, by_user) -> None:
    """Ask everyone who may approve the item to review it: not whoever submitted it or last
    changed its text (campaigns/reviewers.py), and only those with an email address."""
    recipients = reviewers(item).exclude(pk=by_user.pk).exclude(email="").order_by("pk")
    subject = _("For review: %(title)s") % {"title": item.title}
    _send_on_commit(
        _message(subject, "submitted", item, by_user, to=user.email) for user in recipients
    )


def notify_approved(item, by_user) -> None:
    """Tell the item's author that it was approved, and that it can now be published."""
    author = _author(item, by_user)
    if author is not None:
        subject = _("Approved: %(title)s") % {"title": item.title}
        _send_on_commit([_message(subject, "approved", item, by_user, to=author.email)])


def notify_changes_requested(item, by_user, comment: str) -> None:
    """Tell the item's author that it was sent back to them, with the reviewer's comment."""
    author = _author(item, by_user)
    if author is not None:
        subject = _("Changes asked for: %(title)s") % {"title": item.title}
        message = _message(
            subject, "changes_requested", item, by_user, to=author.email, comment=comment
        )
        _send_on_commit([message])


def _author(item, by_user):
    """Who submitted the item (else who last changed it), if they can be emailed and are not the
    person acting, who knows already."""
    author = item.submitted_by or item.edited_by
    if author is None or not author.is_active or not author.email or author.pk == by_user.pk:
        return None
    return author


def display_name(user) -> str:
    """'Ann Jones', or the username of someone whose name is not filled in."""
    return user.get_full_name() or user.get_username()


def admin_link(item) -> str:
    """The absolute address of the item's page in the admin."""
    return settings.SITE_URL + reverse(admin_urlname(item._meta, "change"), args=[item.pk])


def _message(subject: str, template: str, item, by_user, *, to: str, **context) -> EmailMessage:
    body = render_to_string(
        f"campaigns/emails/{template}.txt",
        {
            "item": item,
            "kind": item._meta.verbose_name,
            "by": display_name(by_user),
            "link": admin_link(item),
            "site_name": settings.SITE_NAME,
            **context,
        },
    )
    return EmailMessage(subject, body.strip() + "\n", to=[to])


def _send_on_commit(messages) -> None:
    messages = list(messages)
    if messages:
        transaction.on_commit(lambda: send_quietly(messages))


def send_quietly(messages: list[EmailMessage]) -> None:
    """Send the emails, logging (not raising) a mail server that fails."""
    try:
        get_connection().send_messages(messages)
    except OSError:  # smtplib's errors are OSErrors, as are a refused connection and a time-out
        logger.exception(
            "Could not send %d review email(s): %s",
            len(messages),
            "; ".join(f"{message.subject} to {', '.join(message.to)}" for message in messages),
        )
