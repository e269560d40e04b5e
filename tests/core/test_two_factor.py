"""Two-factor sign-in (core/two_factor.py): what a session with the password alone may open,
setting up an app on first sign-in, codes and recovery codes, and the optional case of partner
data officers."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import two_factor
from tests.regions.factories import OrganisationFactory, data_officer, manager_user
from tests.signing_in import authenticator, code_now, sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


def password_step(client, username: str, next_url: str | None = None):
    """The sign-in form as the browser sends it (its hidden `next` is the admin home)."""
    data = {"username": username, "password": PASSWORD, "next": next_url or reverse("admin:index")}
    return client.post(reverse("admin:login"), data)


def test_a_manager_with_the_password_alone_opens_nothing(client, demo):
    manager = manager_user()
    client.force_login(manager)
    for url in (
        reverse("admin:index"),
        reverse("admin:campaigns_campaign_changelist"),
        reverse("admin:axes_accessattempt_changelist"),
        reverse("admin:two_factor"),
        reverse("campaigns:campaign_preview", args=[demo.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
    # The sign-in page itself leads on to the step still missing.
    login = client.get(reverse("admin:login"))
    assert login["Location"] == reverse("admin:two_factor_set_up")


def test_first_sign_in_walks_a_manager_through_setting_up_an_app(client, time_machine):
    manager = manager_user()
    wanted = reverse("admin:campaigns_campaign_changelist")
    response = password_step(client, manager.username, wanted)
    assert response["Location"] == reverse("admin:two_factor_set_up") + "?next=" + wanted.replace(
        "/", "%2F"
    )

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.text
    assert "<svg" in html
    # Drawn here: nothing on the page is fetched from another site.
    assert not re.search(r'(src|href)="https?://', html)
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    assert two_factor.secret_for_typing(device) in html
    client.get(response["Location"])  # a reload shows the same secret until confirmed
    assert TOTPDevice.objects.get(user=manager).pk == device.pk

    time_machine.move_to(timezone.now(), tick=False)
    wrong = client.post(page.request["PATH_INFO"], {"code": "000000", "next": wanted})
    assert "not the one your app shows now" in wrong.text
    assert not TOTPDevice.objects.filter(user=manager, confirmed=True).exists()
    assert client.get(wanted).status_code == 302

    time_machine.shift(30)  # a wrong code makes the next try wait
    done = client.post(page.request["PATH_INFO"], {"code": code_now(device), "next": wanted})
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.text)
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    assert f'href="{wanted}"' in done.text
    assert client.get(wanted).status_code == 200


def test_a_manager_with_an_app_gives_its_code_after_the_password(client, time_machine):
    manager = manager_user()
    device = authenticator(manager)
    wanted = reverse("admin:campaigns_campaign_changelist")
    response = password_step(client, manager.username, wanted)
    assert response["Location"].startswith(reverse("admin:two_factor_verify"))

    time_machine.move_to(timezone.now(), tick=False)
    wrong = client.post(reverse("admin:two_factor_verify"), {"code": "123456", "next": wanted})
    assert "That code is not right" in wrong.text
    assert client.get(wanted).status_code == 302
    # After a wrong code the next try waits (twice as long after each): even the right one.
    refused = client.post(
        reverse("admin:two_factor_verify"), {"code": code_now(device), "next": wanted}
    )
    assert "That code is not right" in refused.text

    time_machine.shift(30)
    right = client.post(
        reverse("admin:two_factor_verify"), {"code": code_now(device), "next": wanted}
    )
    assert right["Location"] == wanted
    assert client.get(wanted).status_code == 200


def test_a_recovery_code_signs_in_once(client):
    manager = manager_user()
    authenticator(manager)
    (code, *others) = two_factor.recovery_codes_renew(user=manager)

    password_step(client, manager.username)
    response = client.post(reverse("admin:two_factor_verify"), {"code": code}, follow=True)
    assert response.status_code == 200
    assert "You signed in with a recovery code; 9 are left" in response.text

    client.logout()
    password_step(client, manager.username)
    again = client.post(reverse("admin:two_factor_verify"), {"code": code})
    assert "That code is not right, or has been used already" in again.text
    assert client.get(reverse("admin:index")).status_code == 302


def test_an_offsite_next_address_is_not_followed(client):
    manager = manager_user()
    device = authenticator(manager)
    password_step(client, manager.username)
    response = client.post(
        reverse("admin:two_factor_verify"),
        {"code": code_now(device), "next": "https://attacker.example/"},
    )
    assert response["Location"] == reverse("admin:index")


def test_the_password_alone_cannot_add_an_app_beside_the_one_set_up(client):
    manager = manager_user()
    authenticator(manager)
    client.force_login(manager)
    assert client.get(reverse("admin:two_factor_set_up"))["Location"] == reverse(
        "admin:two_factor_verify"
    )
    client.post(reverse("admin:two_factor_set_up"), {"code": "123456"})
    assert TOTPDevice.objects.filter(user=manager).count() == 1


def test_cancel_signs_out(client):
    manager = manager_user()
    client.force_login(manager)
    response = client.post(reverse("admin:two_factor_set_up"), {"cancel": "1"})
    assert response["Location"] == reverse("admin:login")
    assert "_auth_user_id" not in client.session


def test_the_steps_are_for_signed_in_staff_only(client):
    for name in ("admin:two_factor_verify", "admin:two_factor_set_up"):
        assert client.get(reverse(name))["Location"] == reverse("admin:login")


def test_a_partner_data_officer_imports_without_a_second_factor(client):
    officer = data_officer(OrganisationFactory())
    response = password_step(client, officer.username)
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:regions_statistic_import")).status_code == 200
    account = client.get(reverse("admin:two_factor"))
    assert "Two-factor sign-in is off for your account" in account.text


def test_an_officer_who_set_up_an_app_must_give_it(client):
    officer = data_officer(OrganisationFactory())
    authenticator(officer)
    client.force_login(officer)
    assert client.get(reverse("admin:regions_statistic_import")).status_code == 302
    sign_in(client, officer)
    assert client.get(reverse("admin:regions_statistic_import")).status_code == 200


def test_an_officer_may_turn_two_factors_off_and_a_manager_may_not(client):
    officer = data_officer(OrganisationFactory())
    sign_in(client, officer)  # no second factor yet
    client.get(reverse("admin:two_factor_set_up"))
    device = TOTPDevice.objects.get(user=officer)
    client.post(reverse("admin:two_factor_set_up"), {"code": code_now(device)})
    assert two_factor.has_app(officer)
    client.post(reverse("admin:two_factor"), {"turn_off": "1"})
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert two_factor.recovery_codes_left(officer) == 0

    manager = manager_user()
    sign_in(client, manager)
    page = client.get(reverse("admin:two_factor")).text
    assert "Turn two-factor sign-in off" not in page
    client.post(reverse("admin:two_factor"), {"turn_off": "1"})
    assert two_factor.has_app(manager)


def test_new_recovery_codes_replace_the_old_ones(client):
    manager = manager_user()
    old = two_factor.recovery_codes_renew(user=manager)
    sign_in(client, manager)
    page = client.post(reverse("admin:two_factor"), {"new_codes": "1"}).text
    new = re.findall(r"<li><code>(\w+)</code></li>", page)
    assert len(new) == 10
    assert set(
        StaticToken.objects.filter(device__user=manager).values_list("token", flat=True)
    ) == set(new)
    assert not set(old) & set(new)


def test_superusers_must_use_two_factors():
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    assert two_factor.must_use(admin)


def test_managers_may_reset_a_colleagues_app_without_seeing_its_secret(client):
    colleague = manager_user()
    device = authenticator(colleague)
    sign_in(client, manager_user())
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).text
    assert device.key not in page
    client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
