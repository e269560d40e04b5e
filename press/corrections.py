"""Corrections: journalists who were sent a statement hear when it no longer stands as sent.

Whenever a statement is saved (by any action: withdraw, unschedule, a change that sends it
back to review, scheduling again, publishing now), once the save is committed its press sends
are compared with what the statement now says:

- **withdrawn**: everyone sent any of its texts gets one "WITHDRAWN" email, with the reason
  the public page shows;
- **embargo no longer as announced**: everyone sent it under embargo gets "HOLD, DO NOT
  PUBLISH" when it is no longer scheduled, "EMBARGO CHANGED" with the new "EMBARGOED UNTIL"
  line when it is scheduled for another time, or "EMBARGO LIFTED" when it was published
  early. What a send last announced is its latest correction's time, so each change is told
  once.

Emails of the send still waiting are not sent (`cancel_waiting`). A correction is a send of its
own (kind "correction"), delivered like any other: to addresses that were sent the original,
less anyone who has unsubscribed since.
"""

import datetime

from django.db import transaction
from django.db.models.functions import Lower
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import PressStatement
from campaigns.publishing import PUBLIC_STATUSES, Status
from press.models import Delivery, PressSend

WITHDRAWN, HELD, RESCHEDULED, LIFTED = "withdrawn", "held", "rescheduled", "lifted"


def connect() -> None:
    post_save.connect(statement_saved, sender=PressStatement, dispatch_uid="press-corrections")


def statement_saved(sender, instance: PressStatement, raw: bool = False, **kwargs) -> None:
    if raw or not PressSend.objects.filter(statement_id=instance.pk).exists():
        return
    pk = instance.pk
    transaction.on_commit(lambda: corrections_send(statement_id=pk))


def effective_time(statement: PressStatement) -> datetime.datetime | None:
    """When the statement is now to be public (None: no time, it is not scheduled)."""
    if statement.status in PUBLIC_STATUSES and statement.status != Status.WITHDRAWN:
        return statement.publish_at
    return None


def announced_time(send: PressSend) -> datetime.datetime | None:
    """The publish time an embargoed send's readers were last told (None: told to hold)."""
    latest = send.corrections.order_by("-created_at", "-pk").first()
    return send.embargo_until if latest is None else latest.embargo_until


def corrections_send(*, statement_id: int) -> list[PressSend]:
    """Queue the corrections a statement's current state calls for; returns them."""
    from press.delivery import cancel_waiting, identity_of

    made = []
    with transaction.atomic():
        statement = PressStatement.objects.select_for_update().filter(pk=statement_id).first()
        if statement is None:
            return made
        sends = list(
            statement.press_sends.exclude(kind=PressSend.Kind.CORRECTION).order_by("created_at")
        )
        if statement.status == Status.WITHDRAWN:
            for send in sends:
                cancel_waiting(send, _("Not sent: the statement was withdrawn."))
            identity = identity_of(WITHDRAWN, statement.pk, str(statement.withdrawn_at))
            correction = _correction(
                sends, sends[-1] if sends else None, WITHDRAWN, None, identity, statement
            )
            made += [correction] if correction else []
            return made
        now = timezone.now()
        when = effective_time(statement)
        for send in sends:
            if send.kind != PressSend.Kind.EMBARGO:
                if when is None:
                    cancel_waiting(send, _("Not sent: the statement is no longer scheduled."))
                continue
            if when == announced_time(send):
                continue
            cancel_waiting(send, _("Not sent: the statement's publish time changed."))
            if when is None:
                what = HELD
            elif when <= now:
                what = LIFTED
            else:
                what = RESCHEDULED
            identity = identity_of("embargo", send.pk, str(when))
            correction = _correction([send], send, what, when, identity, statement)
            made += [correction] if correction else []
    return made


def _correction(sends, corrects, what, when, identity, statement) -> PressSend | None:
    """A correction send to everyone sent one of `sends` (still subscribed, not yet sent this
    correction), queued; None when there is nobody to tell."""
    from press.delivery import LIVE, new_message_id, queue

    if corrects is None:
        return None
    taken = set(
        Delivery.objects.filter(identity=identity, status__in=LIVE)
        .annotate(address=Lower("email"))
        .values_list("address", flat=True)
    )
    recipients = {}
    delivered = Delivery.objects.filter(
        send__in=sends, status=Delivery.Status.SENT, contact__unsubscribed_at__isnull=True
    ).select_related("contact")
    for row in delivered.order_by("pk"):
        address = row.email.lower()
        if address not in taken:
            recipients.setdefault(address, row)
    if not recipients:
        return None
    correction = PressSend.objects.create(
        statement=statement,
        kind=PressSend.Kind.CORRECTION,
        statement_digest=corrects.statement_digest,
        statement_version=statement.version,
        embargo_until=when,
        corrects=corrects,
        correction=what,
        reason=statement.withdrawal_reason if what == WITHDRAWN else "",
    )
    Delivery.objects.bulk_create(
        Delivery(
            send=correction,
            contact=row.contact,
            email=row.email,
            language=row.language,
            identity=identity,
            message_id=new_message_id(),
        )
        for row in recipients.values()
    )
    queue(correction)
    return correction
