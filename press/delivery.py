"""Sending a statement to the press: who it goes to, and the background work that emails each
of them once.

How it fits together:

- **Asking** (`send_create`): a manager chooses lists and "under embargo" or "on
  publication". One PressSend row records it, with the statement's digest (its whole text,
  campaigns/signoff.py) and one Delivery row per address: every subscribed contact on the
  lists, once however many lists they are on, except those already sent this very text.
  Nothing is emailed while the request waits: a task is queued when the transaction commits.
- **Identity**: a Delivery's `identity` names what it carries (the statement and its digest,
  or a correction). The database refuses a second live Delivery of one identity to one
  address (whatever its case), so the same text never goes to one address twice, even when
  two managers send at once.
- **Delivering** (`deliver_send`, a task of Django's tasks API): a worker claims one
  Delivery at a time by a conditional UPDATE (it wins only if the row is still due and its
  `claim` number unchanged), emails it, and records the outcome under the same claim. A
  claimed Delivery is held for PRESS_CLAIM_SECONDS; a worker killed mid-send leaves it held,
  and another takes it over only after that, so two live workers never send one email.
- **Failures**: a temporary refusal (4xx, no answer, connection refused) is tried again after
  PRESS_RETRY_SECONDS, doubling each time, up to PRESS_MAX_ATTEMPTS; a permanent one (5xx) is
  recorded with the server's answer and not tried again.
- **Resuming**: a task queued for later carries on with retries; a worker starting
  (`manage.py press_worker`) first queues a task for every send with work left
  (`resume_deliveries`), so deliveries a killed worker left are finished.

One limit no mail system escapes: a worker killed after the mail server accepted an email and
before the worker recorded it leaves that email held; it is sent again, with the same
Message-ID (which lets mail systems drop the copy), once its hold ends.
"""

import contextlib
import datetime
import hashlib
import json
import logging
import smtplib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import default_task_backend, task

from campaigns.models import PressStatement
from campaigns.publishing import PUBLIC_STATUSES, Status
from campaigns.signoff import statement_digest, statement_root_id
from press import emails
from press.models import Contact, ContactList, Delivery, PressSend

logger = logging.getLogger(__name__)

LIVE = (Delivery.Status.QUEUED, Delivery.Status.SENDING, Delivery.Status.SENT)


def identity_of(*parts) -> str:
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def statement_identity(statement: PressStatement, digest: str | None = None) -> str:
    """What a statement's email carries: the statement and its whole text, in every language."""
    digest = statement_digest(statement) if digest is None else digest
    return identity_of("statement", statement_root_id(statement), digest)


def new_message_id() -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost"
    return f"<press.{uuid.uuid4().hex}@{domain}>"


# --- Who a send goes to ---------------------------------------------------------------------


@dataclass
class Audience:
    """The contacts a send would go to, and those on the lists it leaves out, and why."""

    contacts: list[Contact]
    unsubscribed: int
    already_sent: int


def audience(statement: PressStatement, lists) -> Audience:
    """Every subscribed contact on the lists, once each, less those already sent (or being
    sent) this statement as it now reads."""
    on_lists = Contact.objects.filter(lists__in=list(lists)).distinct()
    unsubscribed = on_lists.filter(unsubscribed_at__isnull=False).count()
    taken = set(
        Delivery.objects.filter(identity=statement_identity(statement), status__in=LIVE)
        .annotate(address=Lower("email"))
        .values_list("address", flat=True)
    )
    subscribed = list(on_lists.filter(unsubscribed_at__isnull=True).order_by("pk"))
    contacts = [c for c in subscribed if c.email.lower() not in taken]
    return Audience(contacts, unsubscribed, len(subscribed) - len(contacts))


# --- Asking for a send ----------------------------------------------------------------------


def is_scheduled(statement: PressStatement, now: datetime.datetime | None = None) -> bool:
    now = timezone.now() if now is None else now
    return (
        statement.status in PUBLIC_STATUSES
        and statement.status != Status.WITHDRAWN
        and statement.publish_at is not None
        and statement.publish_at > now
    )


def send_refusal(statement: PressStatement, kind: str) -> str | None:
    """Why this statement cannot be sent this way now, or None."""
    if statement.edition_of_id is not None:
        return _(
            "This is a new edition in preparation: it is sent to the press once it is "
            "published, from the statement itself."
        )
    if statement.status == Status.WITHDRAWN:
        return _("This statement is withdrawn: it is not sent to the press.")
    if statement.status not in PUBLIC_STATUSES:
        if statement.status == Status.APPROVED:
            return _(
                "Schedule it (for an embargo) or publish it first: a press email names the "
                "time it becomes public."
            )
        return _("Only a statement that has passed review is sent to the press.")
    if kind == PressSend.Kind.EMBARGO and not is_scheduled(statement):
        return _(
            "An embargo is for a statement scheduled for later: this one is public already, "
            "so send it 'on publication'."
        )
    if kind not in (PressSend.Kind.EMBARGO, PressSend.Kind.PUBLICATION):
        return _("Choose 'under embargo' or 'on publication'.")
    return None


def send_create(
    *, statement: PressStatement, lists: list[ContactList], kind: str, user
) -> PressSend:
    """Record a send and queue its emails (when the transaction commits); ValidationError,
    changing nothing, when it cannot be sent so or would reach nobody."""
    with transaction.atomic():
        statement = PressStatement.objects.select_for_update().get(pk=statement.pk)
        problem = send_refusal(statement, kind)
        if problem:
            raise ValidationError(problem)
        if not lists:
            raise ValidationError(_("Choose at least one press list."))
        digest = statement_digest(statement)
        found = audience(statement, lists)
        if not found.contacts:
            raise ValidationError(
                _(
                    "Nobody to send it to: everyone on these lists has unsubscribed or has "
                    "been sent this statement as it now reads."
                )
            )
        scheduled = is_scheduled(statement)
        send = PressSend.objects.create(
            statement=statement,
            kind=kind,
            statement_digest=digest,
            statement_version=statement.version,
            embargo_until=statement.publish_at if kind == PressSend.Kind.EMBARGO else None,
            not_before=statement.publish_at
            if kind == PressSend.Kind.PUBLICATION and scheduled
            else None,
            created_by=user,
        )
        send.lists.set(lists)
        identity = statement_identity(statement, digest)
        Delivery.objects.bulk_create(
            Delivery(
                send=send,
                contact=contact,
                email=contact.email,
                language=emails.email_language(statement, contact.language),
                identity=identity,
                message_id=new_message_id(),
                next_attempt_at=send.not_before,
            )
            for contact in found.contacts
        )
        queue(send, run_after=send.not_before)
    return send


def queue(
    send: PressSend, *, run_after: datetime.datetime | None = None, on_commit: bool = True
) -> None:
    """Queue the send's delivery task (by default once the transaction commits, so a worker
    never looks for rows not yet written)."""

    def enqueue() -> None:
        job = deliver_send
        if run_after is not None and run_after > timezone.now():
            if not default_task_backend.supports_defer:
                return  # a backend without delays: the worker's start resumes it
            job = deliver_send.using(run_after=run_after)
        job.enqueue(send.pk)

    if on_commit:
        transaction.on_commit(enqueue)
    else:
        enqueue()


def resume_deliveries() -> int:
    """Queue a delivery task for every send with emails not yet sent or given up on (a worker
    starting calls this, to finish what a stopped one left). Returns how many."""
    sends = PressSend.objects.filter(
        deliveries__status__in=(Delivery.Status.QUEUED, Delivery.Status.SENDING)
    ).annotate(due=Min("deliveries__next_attempt_at"))
    count = 0
    with transaction.atomic():
        for send in sends.distinct():
            queue(send, run_after=send.due)
            count += 1
    return count


# --- Delivering -----------------------------------------------------------------------------


def _due(now: datetime.datetime) -> Q:
    queued = Q(status=Delivery.Status.QUEUED) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    abandoned = Q(status=Delivery.Status.SENDING, claimed_until__lt=now)
    return queued | abandoned


def claim_next(send_id: int) -> Delivery | None:
    """Take the next email of the send that is due, so no other worker sends it; None when
    none is due. A conditional UPDATE: of two workers after one row, one wins."""
    now = timezone.now()
    held_until = now + datetime.timedelta(seconds=settings.PRESS_CLAIM_SECONDS)
    candidates = Delivery.objects.filter(_due(now), send_id=send_id).order_by("pk")
    for pk, claim in candidates.values_list("pk", "claim")[:20]:
        won = Delivery.objects.filter(_due(now), pk=pk, claim=claim).update(
            status=Delivery.Status.SENDING,
            claim=F("claim") + 1,
            claimed_until=held_until,
            attempts=F("attempts") + 1,
        )
        if won:
            return Delivery.objects.select_related("contact").get(pk=pk)
    return None


def answer_of(error: Exception) -> tuple[bool, str]:
    """Whether a failure is temporary (worth trying again), and the server's answer."""
    code, text = None, ""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        code, text = next(iter(error.recipients.values()))
    elif isinstance(error, smtplib.SMTPResponseException):
        code, text = error.smtp_code, error.smtp_error
    if code is None:
        # No answer at all: refused connection, time-out, dropped line. Try again later.
        return True, f"{type(error).__name__}: {error}".rstrip(": ")
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return 400 <= code < 500, f"{code} {text}".strip()


def retry_delay(attempts: int) -> datetime.timedelta:
    """After the n-th attempt: PRESS_RETRY_SECONDS, doubled for each attempt after the first."""
    return datetime.timedelta(seconds=settings.PRESS_RETRY_SECONDS * 2 ** max(attempts - 1, 0))


def still_sendable(send: PressSend) -> str | None:
    """Why the send's emails must not go now (the statement withdrawn, unscheduled, or changed
    since the send was asked for), or None."""
    if send.kind == PressSend.Kind.CORRECTION:
        return None
    statement = send.statement
    if statement.status == Status.WITHDRAWN:
        return _("Not sent: the statement was withdrawn.")
    if statement.status not in PUBLIC_STATUSES:
        return _("Not sent: the statement was unscheduled or sent back to review.")
    if statement_digest(statement) != send.statement_digest:
        return _("Not sent: the statement changed after this send was asked for.")
    if send.kind == PressSend.Kind.EMBARGO and statement.publish_at != send.embargo_until:
        return _("Not sent: the statement's publish time changed after this send was asked for.")
    return None


def cancel_waiting(send: PressSend, reason: str) -> int:
    """Stop the send's emails not yet sent, saying why; returns how many."""
    return send.deliveries.filter(status=Delivery.Status.QUEUED).update(
        status=Delivery.Status.CANCELLED, answer=reason, next_attempt_at=None
    )


class Courier:
    """One run of a send's delivery task: claims and sends its due emails one at a time over
    one connection to the mail server, then queues itself again for any retry."""

    def __init__(self, send: PressSend) -> None:
        self.send = send
        self.connection = None
        self.sent = self.failed = self.retrying = 0
        self.current: Delivery | None = None  # the email being sent

    def run(self) -> dict:
        send = self.send
        due = self.due_at()
        if due > timezone.now():
            # On publication: not before the publish time, even if it moved later since.
            queue(send, run_after=due, on_commit=False)
            return self.summary()
        problem = still_sendable(send)
        if problem:
            cancel_waiting(send, problem)
            return self.summary()
        try:
            while (delivery := claim_next(send.pk)) is not None:
                self.current = delivery
                self.deliver(delivery)
                self.current = None
        finally:
            self.close()
        self.follow_up()
        return self.summary()

    def due_at(self) -> datetime.datetime:
        """When the send's emails may go: at once, or (on publication) at the publish time."""
        send, now = self.send, timezone.now()
        if send.kind != PressSend.Kind.PUBLICATION:
            return now
        times = [t for t in (send.not_before, send.statement.publish_at) if t is not None]
        return max([now, *times]) if any(t > now for t in times) else now

    def summary(self) -> dict:
        return {"sent": self.sent, "failed": self.failed, "retrying": self.retrying}

    def open(self):
        if self.connection is None:
            self.connection = get_connection(fail_silently=False)
            self.connection.open()
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(OSError):  # a connection already dropped
                self.connection.close()
            self.connection = None

    def deliver(self, delivery: Delivery) -> None:
        contact = delivery.contact
        if contact is None or contact.unsubscribed_at is not None:
            # Unsubscribed (or removed) since the send was asked for: that takes effect at once.
            self.record(
                delivery,
                status=Delivery.Status.CANCELLED,
                answer=_("Not sent: unsubscribed or removed after the send was asked for."),
                next_attempt_at=None,
            )
            return
        email = emails.render(delivery, self.send.statement)
        message = emails.message_for(delivery, email)
        try:
            self.open().send_messages([message])
        except OSError as error:  # smtplib's errors, refused connections and time-outs
            self.close()  # the next email starts afresh
            temporary, answer = answer_of(error)
            self.record_failure(delivery, temporary, answer)
            return
        self.record(
            delivery,
            status=Delivery.Status.SENT,
            sent_at=timezone.now(),
            answer="",
            next_attempt_at=None,
        )
        self.sent += 1

    def record_failure(self, delivery: Delivery, temporary: bool, answer: str) -> None:
        if temporary and delivery.attempts < settings.PRESS_MAX_ATTEMPTS:
            self.record(
                delivery,
                status=Delivery.Status.QUEUED,
                answer=answer,
                next_attempt_at=timezone.now() + retry_delay(delivery.attempts),
            )
            self.retrying += 1
            return
        if temporary:
            answer = _("Gave up after %(count)s attempts. Last answer: %(answer)s") % {
                "count": delivery.attempts,
                "answer": answer,
            }
        self.record(delivery, status=Delivery.Status.FAILED, answer=answer, next_attempt_at=None)
        self.failed += 1

    def record(self, delivery: Delivery, **values) -> None:
        """Write the outcome under this worker's claim (a no-op if it was taken over)."""
        Delivery.objects.filter(pk=delivery.pk, claim=delivery.claim).update(
            claimed_until=None, **values
        )

    def stopped(self, error: Exception) -> None:
        """This run ended on an error of its own, not a mail server's answer (the database, say,
        or a fault in rendering an email). The email it was sending is given up once it has
        had PRESS_MAX_ATTEMPTS tries, and the send's task is queued again, so the rest does not
        wait for a worker's restart. Nothing here may raise over the original error."""
        logger.error("Press send %s stopped: %r", self.send.pk, error)
        try:
            delivery = self.current
            if delivery is not None and delivery.attempts >= settings.PRESS_MAX_ATTEMPTS:
                answer = _("Gave up after %(count)s attempts: the sending stopped on an error.")
                self.record(
                    delivery,
                    status=Delivery.Status.FAILED,
                    answer=answer % {"count": delivery.attempts},
                    next_attempt_at=None,
                )
            # The email it was sending stays held until its claim expires: the next run
            # finds it then (and any other not yet sent at once).
            again = timezone.now() + datetime.timedelta(seconds=settings.PRESS_RETRY_SECONDS)
            queue(self.send, run_after=again, on_commit=False)
        except Exception:
            logger.exception("Press send %s could not be queued again", self.send.pk)

    def follow_up(self) -> None:
        """Queue this send's task again for its next retry, or for an email still held by a
        worker that may have stopped."""
        waiting = self.send.deliveries.filter(
            status__in=(Delivery.Status.QUEUED, Delivery.Status.SENDING)
        ).aggregate(retry=Min("next_attempt_at"), held=Min("claimed_until"))
        times = [t for t in (waiting["retry"], waiting["held"]) if t is not None]
        if times:
            queue(self.send, run_after=max(min(times), timezone.now()), on_commit=False)


@task()
def deliver_send(send_id: int) -> dict:
    """Email a send's due recipients (the task the worker runs)."""
    send = (
        PressSend.objects.select_related("statement__campaign", "corrects")
        .filter(pk=send_id)
        .first()
    )
    if send is None:
        return {"sent": 0, "failed": 0, "retrying": 0}
    courier = Courier(send)
    try:
        return courier.run()
    except Exception as error:
        courier.stopped(error)
        raise


# --- Progress -------------------------------------------------------------------------------


@dataclass
class Progress:
    total: int
    queued: int
    sending: int
    sent: int
    failed: int
    cancelled: int

    @property
    def finished(self) -> bool:
        return self.queued == 0 and self.sending == 0


def progress(send: PressSend) -> Progress:
    counts = dict(
        send.deliveries.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return Progress(
        total=sum(counts.values()),
        queued=counts.get(Delivery.Status.QUEUED, 0),
        sending=counts.get(Delivery.Status.SENDING, 0),
        sent=counts.get(Delivery.Status.SENT, 0),
        failed=counts.get(Delivery.Status.FAILED, 0),
        cancelled=counts.get(Delivery.Status.CANCELLED, 0),
    )
