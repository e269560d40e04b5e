"""Signing in to the admin, tried as a stranger would: lockouts after wrong passwords (by account
and by address, django-axes), unlocking by a manager, how long a staff session lasts, and which
passwords are refused."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.regions.factories import OrganisationFactory, data_officer, manager_user
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
HOME = "198.51.100.7"
ELSEWHERE = "203.0.113.9"


def try_password(client, username: str, password: str, address: str = HOME):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_lock_the_account_even_against_the_right_one(client, time_machine):
    manager_user(username="manager")
    time_machine.move_to(timezone.now(), tick=False)
    answers = [try_password(client, "manager", f"guess-{n}") for n in range(30)]
    limit = settings.AXES_FAILURE_LIMIT
    for answer in answers[: limit - 1]:
        assert answer.status_code == 200
        assert "Please enter the correct username and password" in answer.text
    for answer in answers[limit - 1 :]:
        assert answer.status_code == 429
        assert "Signing in is paused" in answer.text
        assert "a campaign manager can unlock your account" in answer.text

    right = try_password(client, "manager", PASSWORD)
    assert right.status_code == 429
    assert not signed_in(client)
    # From another address too: it is the account that is locked.
    assert try_password(client, "manager", PASSWORD, ELSEWHERE).status_code == 429

    time_machine.shift(settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1))
    after = try_password(client, "manager", PASSWORD)
    assert after.status_code == 302
    assert after["Location"] == reverse("admin:two_factor_set_up") + "?next=%2Fadmin%2F"
    assert signed_in(client)


def test_wrong_passwords_for_many_accounts_lock_the_address(client):
    officer = data_officer(OrganisationFactory())
    for n in range(settings.AXES_FAILURE_LIMIT):
        try_password(client, f"someone-{n}", "guess")
    assert try_password(client, officer.username, PASSWORD).status_code == 429
    assert not signed_in(client)
    # The same account from another address is let in.
    assert try_password(client, officer.username, PASSWORD, ELSEWHERE).status_code == 302
    assert signed_in(client)


def test_a_right_password_before_the_limit_starts_the_count_again(client):
    officer = data_officer(OrganisationFactory())
    for _ in range(2):
        for n in range(settings.AXES_FAILURE_LIMIT - 1):
            try_password(client, officer.username, f"guess-{n}")
        assert try_password(client, officer.username, PASSWORD).status_code == 302
        client.logout()


def test_a_campaign_manager_unlocks_an_account(client):
    officer = data_officer(OrganisationFactory())
    locked = client.__class__()
    for n in range(settings.AXES_FAILURE_LIMIT):
        try_password(locked, officer.username, f"guess-{n}")
    assert try_password(locked, officer.username, PASSWORD).status_code == 429

    sign_in(client, manager_user())
    attempts = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert attempts.status_code == 200
    assert officer.username in attempts.text
    from axes.models import AccessAttempt

    client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )
    assert not AccessAttempt.objects.exists()
    assert try_password(locked, officer.username, PASSWORD).status_code == 302


def test_partner_data_officers_cannot_unlock(client):
    sign_in(client, data_officer(OrganisationFactory()))
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_a_staff_session_ends_after_two_idle_hours(client, time_machine):
    officer = data_officer(OrganisationFactory())
    time_machine.move_to(timezone.now(), tick=False)
    sign_in(client, officer)
    # Each request starts the two hours again.
    for _ in range(3):
        time_machine.shift(datetime.timedelta(hours=1, minutes=50))
        assert client.get(reverse("admin:index")).status_code == 200
    time_machine.shift(datetime.timedelta(hours=2, minutes=1))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_session_cookie_ends_when_the_browser_closes(client):
    officer = data_officer(OrganisationFactory())
    response = try_password(client, officer.username, PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value
    assert not cookie["expires"]
    assert not cookie["max-age"]
    assert cookie["httponly"]


def test_visitors_still_get_no_cookie(client, demo):
    assert not client.get(demo.get_absolute_url()).cookies


@pytest.mark.parametrize(
    "password, reason",
    [
        ("short-pw", "too short"),
        ("password12345", "too common"),
        ("918273645501928", "entirely numeric"),
        ("careful-manager-1", "too similar to the username"),
    ],
)
def test_weak_passwords_are_refused(password, reason):
    user = manager_user(username="careful-manager")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert reason in " ".join(refused.value.messages)
    validate_password("correct horse battery staple", user)
