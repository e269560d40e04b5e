"""Sending a statement: the emails as they arrive at a real SMTP server on loopback."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django_tasks_db.models import DBTaskResult

from campaigns.publishing import Status
from press import delivery
from press.models import Delivery, PressSend
from tests.press.conftest import AFTER, BEFORE, scheduled_statement
from tests.press.factories import ContactFactory, ContactListFactory

pytestmark = pytest.mark.django_db


def send_and_deliver(statement, lists, kind, user=None) -> PressSend:
    send = delivery.send_create(statement=statement, lists=lists, kind=kind, user=user)
    delivery.deliver_send.call(send.pk)
    return send


@time_machine.travel(BEFORE, tick=False)
def test_an_embargoed_email_says_so_first_and_has_no_link(statement, press_list, contacts, smtp):
    send_and_deliver(statement, [press_list], PressSend.Kind.EMBARGO)

    [english] = smtp.recorder.to("ann@example.org")
    line = "EMBARGOED UNTIL 00:01 Tuesday 3 July 2018"
    assert english.subject == f"{line}: Calls to the helpline doubled"
    assert english.text.splitlines()[0] == line
    assert "Getting help takes one phone call." in english.text
    assert "+146%" in english.text and "+146%" in english.html
    assert "The campaign **worked**." in english.text
    assert "<strong>worked</strong>" in english.html
    page = statement.get_absolute_url()
    assert page not in english.text and page not in english.html
    assert "/campaigns/" not in english.text + english.html


@time_machine.travel(BEFORE, tick=False)
def test_a_contact_preferring_welsh_gets_the_welsh(statement, press_list, contacts, smtp):
    send_and_deliver(statement, [press_list], PressSend.Kind.EMBARGO)

    [welsh] = smtp.recorder.to("bryn@example.com")
    line = "EMBARGO TAN 00:01 Dydd Mawrth 3 Gorffennaf 2018"
    assert welsh.subject == f"{line}: Galwadau i'r llinell gymorth wedi dyblu"
    assert welsh.text.splitlines()[0] == line
    assert "Un alwad ffôn yw cael help." in welsh.text
    assert '<html lang="cy">' in welsh.html
    assert welsh.message["Content-Language"] == "cy"


@time_machine.travel(BEFORE, tick=False)
def test_welsh_missing_from_a_text_is_marked_as_english(statement, press_list, contacts, smtp):
    statement.body_cy = ""
    statement.save()
    send_and_deliver(statement, [press_list], PressSend.Kind.EMBARGO)

    [welsh] = smtp.recorder.to("bryn@example.com")
    assert '<div lang="en-gb"><p>The campaign <strong>worked</strong>.</p>' in welsh.html


@time_machine.travel(BEFORE, tick=False)
def test_without_a_welsh_title_a_welsh_reader_gets_english(statement, press_list, contacts, smtp):
    statement.title_cy = ""
    statement.save()
    send_and_deliver(statement, [press_list], PressSend.Kind.EMBARGO)

    [email] = smtp.recorder.to("bryn@example.com")
    assert email.subject.startswith("EMBARGOED UNTIL 00:01 Tuesday 3 July 2018")
    assert '<html lang="en-gb">' in email.html


@time_machine.travel(AFTER, tick=False)
def test_an_email_on_publication_links_to_the_page(statement, press_list, contacts, smtp, settings):
    send_and_deliver(statement, [press_list], PressSend.Kind.PUBLICATION)

    [english] = smtp.recorder.to("ann@example.org")
    assert english.subject == "Calls to the helpline doubled"
    assert "EMBARGO" not in english.text
    page = settings.SITE_URL + statement.get_absolute_url()
    assert page in english.text
    assert f'href="{page}"' in english.html


@time_machine.travel(BEFORE, tick=False)
def test_every_email_carries_one_click_unsubscribe(statement, press_list, contacts, smtp):
    send_and_deliver(statement, [press_list], PressSend.Kind.EMBARGO)

    for received in smtp.recorder.received:
        # As mail programs read it: the address itself, not an encoded word.
        assert re.search(rb"\r\nList-Unsubscribe:\s+<http://", received.raw)
        assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in received.raw
        header = received.message["List-Unsubscribe"].strip()
        assert header.startswith("<http://") and "/press/unsubscribe/" in header
        assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        url = header.strip("<>").split(">")[0]
        assert url in received.text
        assert f'href="{url}"' in received.html
    welsh = smtp.recorder.to("bryn@example.com")[0]
    assert "/cy/press/unsubscribe/" in welsh.message["List-Unsubscribe"]


@time_machine.travel(BEFORE, tick=False)
def test_unsubscribed_contacts_are_sent_nothing(statement, press_list, contacts, smtp):
    ContactFactory(
        email="gone@example.org",
        lists=[press_list],
        unsubscribed_at=datetime.datetime(2018, 6, 1, tzinfo=datetime.UTC),
    )
    send = send_and_deliver(statement, [press_list], PressSend.Kind.EMBARGO)

    assert smtp.recorder.to("gone@example.org") == []
    assert not send.deliveries.filter(email="gone@example.org").exists()
    assert len(smtp.recorder.received) == 2


@time_machine.travel(BEFORE, tick=False)
def test_a_contact_on_two_lists_gets_one_email(statement, press_list, contacts, smtp):
    welsh_media = ContactListFactory(name="Welsh-language media")
    contacts[1].lists.add(welsh_media)
    send_and_deliver(statement, [press_list, welsh_media], PressSend.Kind.EMBARGO)

    assert len(smtp.recorder.to("bryn@example.com")) == 1


@time_machine.travel(BEFORE, tick=False)
def test_the_same_text_is_never_sent_twice_to_one_address(statement, press_list, contacts, smtp):
    send_and_deliver(statement, [press_list], PressSend.Kind.EMBARGO)
    ContactFactory(email="new@example.org", lists=[press_list])

    second = send_and_deliver(statement, [press_list], PressSend.Kind.EMBARGO)

    assert list(second.deliveries.values_list("email", flat=True)) == ["new@example.org"]
    assert len(smtp.recorder.to("ann@example.org")) == 1
    with pytest.raises(ValidationError, match="Nobody to send it to"):
        delivery.send_create(
            statement=statement, lists=[press_list], kind=PressSend.Kind.EMBARGO, user=None
        )


@time_machine.travel(BEFORE, tick=False)
def test_a_changed_statement_is_a_new_text(statement, press_list, contacts, smtp):
    send_and_deliver(statement, [press_list], PressSend.Kind.EMBARGO)
    statement.summary = "Many more people asked for help."
    statement.save()

    second = send_and_deliver(statement, [press_list], PressSend.Kind.EMBARGO)

    assert second.deliveries.count() == 2
    assert len(smtp.recorder.to("ann@example.org")) == 2


@time_machine.travel(BEFORE, tick=False)
def test_the_database_refuses_a_second_live_email_of_one_text(statement, press_list, contacts):
    from django.db import IntegrityError, transaction

    send = delivery.send_create(
        statement=statement, lists=[press_list], kind=PressSend.Kind.EMBARGO, user=None
    )
    first = send.deliveries.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(
            send=send, email=first.email.upper(), language="en-gb", identity=first.identity
        )


@time_machine.travel(BEFORE, tick=False)
def test_sending_queues_a_task_and_waits_for_nothing(
    statement, press_list, contacts, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send = delivery.send_create(
            statement=statement, lists=[press_list], kind=PressSend.Kind.EMBARGO, user=None
        )

    assert smtp.recorder.received == []
    task = DBTaskResult.objects.get()
    assert task.task_path == "press.delivery.deliver_send"
    assert task.args_kwargs == {"args": [send.pk], "kwargs": {}}
    assert set(send.deliveries.values_list("status", flat=True)) == {"queued"}


@time_machine.travel(BEFORE, tick=False)
def test_on_publication_waits_for_the_publish_time(
    statement, press_list, contacts, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send = delivery.send_create(
            statement=statement, lists=[press_list], kind=PressSend.Kind.PUBLICATION, user=None
        )

    assert DBTaskResult.objects.get().run_after == statement.publish_at
    delivery.deliver_send.call(send.pk)
    assert smtp.recorder.received == []
    with time_machine.travel(AFTER, tick=False):
        delivery.deliver_send.call(send.pk)
    assert len(smtp.recorder.received) == 2
    assert "EMBARGO" not in smtp.recorder.received[0].subject


def test_refusals(statement, press_list, contacts):
    with (
        time_machine.travel(AFTER, tick=False),
        pytest.raises(ValidationError, match="public already"),
    ):
        delivery.send_create(
            statement=statement, lists=[press_list], kind=PressSend.Kind.EMBARGO, user=None
        )
    statement.status = Status.APPROVED
    statement.save()
    with pytest.raises(ValidationError, match="Schedule it"):
        delivery.send_create(
            statement=statement, lists=[press_list], kind=PressSend.Kind.PUBLICATION, user=None
        )
    assert not PressSend.objects.exists()


@time_machine.travel(BEFORE, tick=False)
def test_a_temporary_refusal_is_tried_again_later(statement, press_list, contacts, smtp, settings):
    settings.PRESS_RETRY_SECONDS = 60
    smtp.recorder.answers = ["451 4.3.0 Mailbox busy, try later"]
    send = delivery.send_create(
        statement=statement, lists=[press_list], kind=PressSend.Kind.EMBARGO, user=None
    )
    delivery.deliver_send.call(send.pk)

    waiting = send.deliveries.get(status=Delivery.Status.QUEUED)
    assert waiting.answer == "451 4.3.0 Mailbox busy, try later"
    assert waiting.attempts == 1
    assert waiting.next_attempt_at == BEFORE + datetime.timedelta(seconds=60)
    follow_up = DBTaskResult.objects.get()
    assert follow_up.run_after == waiting.next_attempt_at
    assert len(smtp.recorder.received) == 1

    delivery.deliver_send.call(send.pk)  # too early: nothing happens
    assert len(smtp.recorder.received) == 1
    with time_machine.travel(BEFORE + datetime.timedelta(seconds=61), tick=False):
        delivery.deliver_send.call(send.pk)
    waiting.refresh_from_db()
    assert waiting.status == Delivery.Status.SENT and waiting.attempts == 2
    assert len(smtp.recorder.to(waiting.email)) == 1


@time_machine.travel(BEFORE, tick=False)
def test_retries_back_off_then_give_up(statement, press_list, smtp, settings):
    settings.PRESS_RETRY_SECONDS = 10
    settings.PRESS_MAX_ATTEMPTS = 3
    ContactFactory(email="busy@example.org", lists=[press_list])
    smtp.recorder.answers = ["421 4.4.5 Too busy"] * 3
    send = delivery.send_create(
        statement=statement, lists=[press_list], kind=PressSend.Kind.EMBARGO, user=None
    )
    waits = []
    now = BEFORE
    for _attempt in range(3):
        with time_machine.travel(now, tick=False):
            delivery.deliver_send.call(send.pk)
        row = send.deliveries.get()
        if row.next_attempt_at:
            waits.append((row.next_attempt_at - now).total_seconds())
            now = row.next_attempt_at
    assert waits == [10, 20]
    row = send.deliveries.get()
    assert row.status == Delivery.Status.FAILED
    assert row.answer == "Gave up after 3 attempts. Last answer: 421 4.4.5 Too busy"


@time_machine.travel(BEFORE, tick=False)
def test_a_permanent_refusal_is_recorded_with_the_answer(statement, press_list, smtp):
    ContactFactory(email="nobody@example.org", lists=[press_list])
    smtp.recorder.answers = ["550 5.1.1 No such user here"]
    send = delivery.send_create(
        statement=statement, lists=[press_list], kind=PressSend.Kind.EMBARGO, user=None
    )
    delivery.deliver_send.call(send.pk)

    row = send.deliveries.get()
    assert row.status == Delivery.Status.FAILED
    assert row.answer == "550 5.1.1 No such user here"
    assert row.attempts == 1
    assert not DBTaskResult.objects.exists()  # not tried again


@time_machine.travel(BEFORE, tick=False)
def test_no_mail_server_is_a_temporary_failure(statement, press_list, contacts, settings):
    from tests.press.smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    send = delivery.send_create(
        statement=statement, lists=[press_list], kind=PressSend.Kind.EMBARGO, user=None
    )
    delivery.deliver_send.call(send.pk)

    rows = list(send.deliveries.all())
    assert {row.status for row in rows} == {Delivery.Status.QUEUED}
    assert all(row.answer.startswith("ConnectionRefusedError") for row in rows)


@time_machine.travel(BEFORE, tick=False)
def test_an_email_held_by_another_worker_is_left_alone(statement, press_list, contacts, smtp):
    send = delivery.send_create(
        statement=statement, lists=[press_list], kind=PressSend.Kind.EMBARGO, user=None
    )
    held = delivery.claim_next(send.pk)  # another worker has it
    delivery.deliver_send.call(send.pk)

    assert [r.envelope_to for r in smtp.recorder.received] != []
    assert smtp.recorder.to(held.email) == []
    held.refresh_from_db()
    assert held.status == Delivery.Status.SENDING
    # Once its hold has run out (that worker stopped), it is taken over, and sent once.
    with time_machine.travel(held.claimed_until + datetime.timedelta(seconds=1), tick=False):
        delivery.deliver_send.call(send.pk)
    assert len(smtp.recorder.to(held.email)) == 1
    assert delivery.claim_next(send.pk) is None


@time_machine.travel(BEFORE, tick=False)
def test_a_withdrawn_statement_is_not_sent(statement, press_list, contacts, smtp):
    send = delivery.send_create(
        statement=statement, lists=[press_list], kind=PressSend.Kind.EMBARGO, user=None
    )
    statement.status = Status.WITHDRAWN
    statement.save()
    delivery.deliver_send.call(send.pk)

    assert smtp.recorder.received == []
    assert set(send.deliveries.values_list("status", flat=True)) == {"cancelled"}


@time_machine.travel(BEFORE, tick=False)
def test_resuming_queues_a_task_for_each_unfinished_send(
    statement, press_list, contacts, django_capture_on_commit_callbacks
):
    from io import StringIO

    from django.core.management import call_command

    send = delivery.send_create(
        statement=statement, lists=[press_list], kind=PressSend.Kind.EMBARGO, user=None
    )
    finished = delivery.send_create(
        statement=scheduled_statement(slug="other"),
        lists=[press_list],
        kind=PressSend.Kind.EMBARGO,
        user=None,
    )
    finished.deliveries.update(status=Delivery.Status.SENT)
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("press_worker", "--resume-only", stdout=out)

    assert "Resuming 1 unfinished press send(s)." in out.getvalue()
    [task] = DBTaskResult.objects.all()
    assert task.args_kwargs == {"args": [send.pk], "kwargs": {}}


@time_machine.travel(BEFORE, tick=False)
def test_unsubscribing_after_the_send_was_asked_for_stops_the_email(
    statement, press_list, contacts, smtp
):
    send = delivery.send_create(
        statement=statement, lists=[press_list], kind=PressSend.Kind.EMBARGO, user=None
    )
    contacts[0].unsubscribed_at = BEFORE
    contacts[0].save()
    delivery.deliver_send.call(send.pk)

    assert smtp.recorder.to("ann@example.org") == []
    assert send.deliveries.get(email="ann@example.org").status == Delivery.Status.CANCELLED
    assert len(smtp.recorder.to("bryn@example.com")) == 1


@time_machine.travel(BEFORE, tick=False)
def test_on_publication_waits_for_a_publish_time_moved_later(statement, press_list, contacts, smtp):
    send = delivery.send_create(
        statement=statement, lists=[press_list], kind=PressSend.Kind.PUBLICATION, user=None
    )
    later = AFTER + datetime.timedelta(days=2)
    statement.publish_at = later
    statement.save()

    with time_machine.travel(AFTER, tick=False):  # the old time has come: not the new one
        delivery.deliver_send.call(send.pk)
    assert smtp.recorder.received == []
    assert DBTaskResult.objects.get().run_after == later
    with time_machine.travel(later + datetime.timedelta(minutes=1), tick=False):
        delivery.deliver_send.call(send.pk)
    assert len(smtp.recorder.received) == 2


def failing_render(monkeypatch, failing_calls: set[int]):
    """emails.render that raises on the given calls (1 is the first), as a fault of the
    worker's own would (not a mail server's answer)."""
    real_render = delivery.emails.render
    calls = []

    def render(*args, **kwargs):
        calls.append(1)
        if len(calls) in failing_calls:
            raise RuntimeError("a fault while writing the email")
        return real_render(*args, **kwargs)

    monkeypatch.setattr(delivery.emails, "render", render)


@time_machine.travel(BEFORE, tick=False)
def test_a_run_stopped_by_an_error_of_its_own_is_queued_again(
    statement, press_list, contacts, smtp, settings, monkeypatch
):
    settings.PRESS_RETRY_SECONDS = 30
    settings.PRESS_CLAIM_SECONDS = 120
    send = delivery.send_create(
        statement=statement, lists=[press_list], kind=PressSend.Kind.EMBARGO, user=None
    )
    failing_render(monkeypatch, {2})

    with pytest.raises(RuntimeError):
        delivery.deliver_send.call(send.pk)

    # Not left for a worker's restart: the send's task runs again...
    task = DBTaskResult.objects.get()
    assert task.run_after == BEFORE + datetime.timedelta(seconds=30)
    held = send.deliveries.get(status=Delivery.Status.SENDING)
    # ...and once the stopped run's hold on its email has expired, every email goes, once.
    with time_machine.travel(BEFORE + datetime.timedelta(seconds=121), tick=False):
        delivery.deliver_send.call(send.pk)
    assert set(send.deliveries.values_list("status", flat=True)) == {Delivery.Status.SENT}
    received = [r.envelope_to[0] for r in smtp.recorder.received]
    assert sorted(received) == sorted(send.deliveries.values_list("email", flat=True))
    assert received.count(held.email) == 1


@time_machine.travel(BEFORE, tick=False)
def test_an_email_whose_sending_keeps_stopping_is_given_up(
    statement, press_list, smtp, settings, monkeypatch
):
    settings.PRESS_MAX_ATTEMPTS = 1
    ContactFactory(email="only@example.org", lists=[press_list])
    send = delivery.send_create(
        statement=statement, lists=[press_list], kind=PressSend.Kind.EMBARGO, user=None
    )
    failing_render(monkeypatch, {1})

    with pytest.raises(RuntimeError):
        delivery.deliver_send.call(send.pk)

    row = send.deliveries.get()
    assert row.status == Delivery.Status.FAILED
    assert row.answer == "Gave up after 1 attempts: the sending stopped on an error."
    assert smtp.recorder.received == []
