import logging
import socket

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction

from campaigns.notifications import notify_approved, notify_changes_requested, notify_submitted
from campaigns.publishing import Status
from tests.campaigns.factories import CampaignFactory, PressStatementFactory
from tests.regions.factories import OrganisationFactory, UserFactory, data_officer, manager_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://campaigns.example.org"


@pytest.fixture
def submitter():
    return manager_user(first_name="Sam", last_name="Submitter", email="sam@example.org")


@pytest.fixture
def editor():
    return manager_user(first_name="Erin", last_name="Editor", email="erin@example.org")


@pytest.fixture
def reviewer():
    return manager_user(first_name="Rhys", last_name="Reviewer", email="rhys@example.org")


@pytest.fixture
def statement(submitter, editor):
    return PressStatementFactory(
        title="Calls to the helpline doubled",
        status=Status.IN_REVIEW,
        publish_at=None,
        submitted_by=submitter,
        edited_by=editor,
    )


def sent(callbacks_fixture, action) -> None:
    """Run the action, then the transaction's commit (as the review actions' callers would)."""
    with callbacks_fixture(execute=True):
        action()


# --- Submitted for review -------------------------------------------------------------------


def test_submission_asks_everyone_who_may_review_that_kind_and_nobody_else(
    statement, submitter, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    direct = UserFactory(email="direct@example.org")
    direct.user_permissions.add(Permission.objects.get(codename="review_pressstatement"))
    superuser = UserFactory(email="root@example.org", is_superuser=True)
    only_campaigns = UserFactory(email="campaigns-only@example.org")
    only_campaigns.user_permissions.add(Permission.objects.get(codename="review_campaign"))
    manager_user(email="gone@example.org", is_active=False)
    manager_user(email="")
    data_officer(OrganisationFactory(), email="officer@example.org")

    sent(django_capture_on_commit_callbacks, lambda: notify_submitted(statement, submitter))

    recipients = sorted(address for message in mailoutbox for address in message.to)
    assert recipients == [direct.email, reviewer.email, superuser.email]
    assert all(len(message.to) == 1 for message in mailoutbox)  # nobody sees who else was asked


def test_submission_email_says_who_submitted_what_and_links_to_it(
    statement, submitter, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    sent(django_capture_on_commit_callbacks, lambda: notify_submitted(statement, submitter))

    [message] = mailoutbox
    assert message.subject == "For review: Calls to the helpline doubled"
    assert "Sam Submitter submitted the press statement “Calls to the helpline doubled”" in (
        message.body
    )
    link = f"https://campaigns.example.org/admin/campaigns/pressstatement/{statement.pk}/change/"
    assert link in message.body.splitlines()


def test_a_campaign_is_called_a_campaign(
    submitter, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    campaign = CampaignFactory(title="Stop it Now!", status=Status.IN_REVIEW, publish_at=None)

    sent(django_capture_on_commit_callbacks, lambda: notify_submitted(campaign, submitter))

    [message] = mailoutbox
    assert "submitted the campaign “Stop it Now!”" in message.body
    assert f"/admin/campaigns/campaign/{campaign.pk}/change/" in message.body


def test_nobody_is_told_of_their_own_submission_or_asked_to_review_their_own_text(
    statement, submitter, editor, mailoutbox, django_capture_on_commit_callbacks
):
    # Both may review statements, and both are managers; neither may approve this one.
    statement.submitted_by = None  # the action's user is left out even before it is recorded
    sent(django_capture_on_commit_callbacks, lambda: notify_submitted(statement, submitter))

    assert mailoutbox == []


def test_emails_wait_for_the_commit_and_a_rollback_sends_none(
    statement, submitter, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        notify_submitted(statement, submitter)
    assert mailoutbox == []  # not before the commit
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1

    mailoutbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify_submitted(statement, submitter)
        raise RuntimeError("the action failed")
    assert mailoutbox == []


def test_a_mail_server_that_refuses_is_logged_and_the_action_goes_on(
    statement, submitter, reviewer, settings, caplog, django_capture_on_commit_callbacks
):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2

    with caplog.at_level(logging.ERROR, logger="campaigns.notifications"):
        sent(django_capture_on_commit_callbacks, lambda: notify_submitted(statement, submitter))

    [record] = caplog.records
    assert "Could not send 1 review email(s): For review: Calls to the helpline doubled" in (
        record.getMessage()
    )
    assert "rhys@example.org" in record.getMessage()


# --- Approved -------------------------------------------------------------------------------


def test_approval_tells_the_submitter_who_approved_it_and_what_comes_next(
    statement, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    statement.status = Status.APPROVED
    sent(django_capture_on_commit_callbacks, lambda: notify_approved(statement, reviewer))

    [message] = mailoutbox
    assert message.to == ["sam@example.org"]
    assert message.subject == "Approved: Calls to the helpline doubled"
    assert "Rhys Reviewer approved the press statement" in message.body
    assert "published, at once or scheduled for a later time" in message.body
    assert f"/admin/campaigns/pressstatement/{statement.pk}/change/" in message.body


def test_approval_goes_to_the_last_editor_when_nobody_is_recorded_as_submitting(
    statement, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    statement.submitted_by = None
    sent(django_capture_on_commit_callbacks, lambda: notify_approved(statement, reviewer))

    assert [message.to for message in mailoutbox] == [["erin@example.org"]]


def test_an_author_without_an_email_address_is_not_emailed(
    statement, submitter, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    submitter.email = ""
    submitter.save()
    sent(django_capture_on_commit_callbacks, lambda: notify_approved(statement, reviewer))

    assert mailoutbox == []


# --- Sent back for changes ------------------------------------------------------------------


def test_sending_back_gives_the_author_the_reviewers_comment(
    statement, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    comment = "Name the source of the 146% & say which months it compares."
    sent(
        django_capture_on_commit_callbacks,
        lambda: notify_changes_requested(statement, reviewer, comment),
    )

    [message] = mailoutbox
    assert message.to == ["sam@example.org"]
    assert message.subject == "Changes asked for: Calls to the helpline doubled"
    assert "Rhys Reviewer sent the press statement “Calls to the helpline doubled” back" in (
        message.body
    )
    assert comment in message.body.splitlines()  # as written, not HTML-escaped
    assert f"/admin/campaigns/pressstatement/{statement.pk}/change/" in message.body
