"""A statement withdrawn or rescheduled after it was sent: a correction to the same people."""

import datetime

import pytest
import time_machine

from campaigns import workflow
from campaigns.publishing import Status
from press import delivery
from press.models import Delivery, PressSend
from tests.press.conftest import AFTER, BEFORE, UK

pytestmark = pytest.mark.django_db


def deliver_all() -> None:
    for send in PressSend.objects.all():
        delivery.deliver_send.call(send.pk)


@pytest.fixture
def sent_under_embargo(statement, press_list, contacts, smtp, django_capture_on_commit_callbacks):
    with time_machine.travel(BEFORE, tick=False):
        send = delivery.send_create(
            statement=statement, lists=[press_list], kind=PressSend.Kind.EMBARGO, user=None
        )
        delivery.deliver_send.call(send.pk)
    assert len(smtp.recorder.received) == 2
    smtp.recorder.received.clear()
    return send


def test_unscheduling_tells_them_to_hold(
    sent_under_embargo, statement, manager, smtp, django_capture_on_commit_callbacks
):
    with time_machine.travel(BEFORE, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            workflow.perform(statement, manager, "unschedule")
        deliver_all()

    [english] = smtp.recorder.to("ann@example.org")
    assert english.subject == "HOLD, DO NOT PUBLISH: Calls to the helpline doubled"
    assert "under embargo until 00:01 Tuesday 3 July 2018, will not be published then" in (
        english.text
    )
    [welsh] = smtp.recorder.to("bryn@example.com")
    assert welsh.subject.startswith("ARHOSWCH, PEIDIWCH Â CHYHOEDDI: Galwadau")
    assert welsh.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_rescheduling_gives_the_new_embargo_once(
    sent_under_embargo, statement, manager, smtp, django_capture_on_commit_callbacks
):
    later = datetime.datetime(2018, 7, 10, 9, 30, tzinfo=UK)
    with time_machine.travel(BEFORE, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            workflow.perform(statement, manager, "unschedule")
        deliver_all()
        smtp.recorder.received.clear()
        with django_capture_on_commit_callbacks(execute=True):
            workflow.perform(statement, manager, "schedule", when=later)
        deliver_all()
        statement.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            statement.save()  # saved again, nothing changed: nobody is told again
        deliver_all()

    [english] = smtp.recorder.to("ann@example.org")
    line = "EMBARGOED UNTIL 09:30 Tuesday 10 July 2018"
    assert english.subject == f"EMBARGO CHANGED: {line}: Calls to the helpline doubled"
    assert line in english.text
    assert len(smtp.recorder.received) == 2


def test_an_unsubscribed_reader_gets_no_correction(
    sent_under_embargo, statement, manager, contacts, smtp, django_capture_on_commit_callbacks
):
    contacts[0].unsubscribed_at = BEFORE
    contacts[0].save()
    with time_machine.travel(BEFORE, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            workflow.perform(statement, manager, "unschedule")
        deliver_all()

    assert smtp.recorder.to("ann@example.org") == []
    assert len(smtp.recorder.to("bryn@example.com")) == 1


def test_withdrawal_after_publication_tells_everyone_sent_it(
    sent_under_embargo, statement, manager, smtp, django_capture_on_commit_callbacks
):
    with time_machine.travel(AFTER, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            workflow.perform(statement, manager, "withdraw", comment="A figure was wrong.")
        deliver_all()

    [english] = smtp.recorder.to("ann@example.org")
    assert english.subject == "WITHDRAWN: Calls to the helpline doubled"
    assert "has been withdrawn" in english.text
    assert "Why: A figure was wrong." in english.text
    assert len(smtp.recorder.received) == 2


def test_emails_not_yet_sent_are_stopped(
    statement, press_list, contacts, manager, smtp, django_capture_on_commit_callbacks
):
    with time_machine.travel(BEFORE, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            send = delivery.send_create(
                statement=statement, lists=[press_list], kind=PressSend.Kind.EMBARGO, user=None
            )
            workflow.perform(statement, manager, "unschedule")
        deliver_all()

    assert smtp.recorder.received == []  # nobody was sent it, so nobody needs correcting
    assert set(send.deliveries.values_list("status", flat=True)) == {Delivery.Status.CANCELLED}
    assert not PressSend.objects.filter(kind=PressSend.Kind.CORRECTION).exists()


def test_a_change_that_sends_it_back_to_review_holds_it(
    sent_under_embargo, statement, manager, smtp, django_capture_on_commit_callbacks
):
    with time_machine.travel(BEFORE, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            workflow.record_edit(statement, manager)
            statement.save()
        deliver_all()

    assert statement.status == Status.IN_REVIEW
    assert len(smtp.recorder.received) == 2
    assert smtp.recorder.received[0].subject.startswith("HOLD, DO NOT PUBLISH")


def test_publishing_early_lifts_the_embargo(
    sent_under_embargo, statement, manager, smtp, django_capture_on_commit_callbacks
):
    with time_machine.travel(BEFORE, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            workflow.perform(statement, manager, "unschedule")
        deliver_all()
        smtp.recorder.received.clear()
        with django_capture_on_commit_callbacks(execute=True):
            workflow.perform(statement, manager, "publish")
        deliver_all()

    [english] = smtp.recorder.to("ann@example.org")
    assert english.subject == "EMBARGO LIFTED: Calls to the helpline doubled"
    assert "the embargo is lifted, and you may publish it" in english.text
