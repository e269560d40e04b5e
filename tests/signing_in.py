"""Signing staff in for tests as the admin's sign-in page leaves them.

`sign_in(client, user)` is `force_login` and, for an account whose sign-in takes a second factor
(core/two_factor.py: campaign managers, superusers, anyone who set an app up), a session that has
given it, with an authenticator app set up for the user if they have none. Tests of what a
session with the password alone may do use `force_login` itself (tests/core/test_two_factor.py).
"""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import two_factor


def authenticator(user) -> TOTPDevice:
    """The user's confirmed authenticator app, set up now if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=two_factor.APP_DEVICE_NAME, confirmed=True
        )
    return device


def sign_in(client: Client, user) -> None:
    """Sign the user in, past the second factor where their account needs one."""
    client.force_login(user)
    if two_factor.required(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
        session.save()


def code_now(device: TOTPDevice) -> str:
    """The six-digit code the user's authenticator app shows now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
