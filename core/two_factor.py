"""Two-factor sign-in for staff: who needs it, and setting up an authenticator app and recovery
codes (django-otp).

Signing in to the admin takes the password first (django-axes counts the failures and locks an
account or address out, see settings). A campaign manager or a superuser must then give a second
factor: a six-digit code from an authenticator app (TOTP, a `TOTPDevice`) or, with the phone
lost, one of ten single-use recovery codes (a `StaticDevice` holding `StaticToken`s). A partner
data officer needs no second factor, unless they chose to set one up: from then on they give it
like a manager does. Someone who must use two factors and has none yet is walked through setting
up an app right after the password (core/two_factor_views.py), before seeing anything else.

The rule is checked in one place, `passed(user)`: the admin site (core/sites.py,
`has_permission`) and the staff pages outside it (`staff_required`, the previews) ask it, so a
session with the password alone opens nothing that needs two factors. django-otp's middleware
remembers in the session which device a user verified with (`user.is_verified()`), and the
devices throttle wrong codes themselves (each failure doubles the wait before the next try).
"""

from base64 import b32encode
from collections.abc import Callable

import segno
from django.contrib.auth.decorators import user_passes_test
from django.db import transaction
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.roles import CAMPAIGN_MANAGERS

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10


def must_use(user) -> bool:
    """Whether the account's role requires two factors (a superuser or a campaign manager)."""
    return user.is_superuser or user.groups.filter(name=CAMPAIGN_MANAGERS).exists()


def required(user) -> bool:
    """Whether signing in as this user takes a second factor: their role requires it, or they
    set one up themselves. Remembered on the user object for the rest of the request."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_two_factor_required", None)
    if cached is None:
        cached = must_use(user) or user_has_device(user, confirmed=True)
        user._two_factor_required = cached
    return cached


def is_verified(user) -> bool:
    """Whether this session gave a second factor (django-otp's middleware sets the method)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def passed(user) -> bool:
    """Whether a signed-in staff member gave every factor their account asks for."""
    return user.is_active and user.is_staff and (is_verified(user) or not required(user))


def staff_required(view: Callable) -> Callable:
    """Like Django's staff_member_required, for staff pages outside the admin: only staff who
    passed two-factor sign-in where it applies; anyone else is sent to sign in."""
    return user_passes_test(passed, login_url="admin:login")(view)


def has_app(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def app_enrolment_start(*, user) -> TOTPDevice:
    """The authenticator app being set up for this user: a new secret, unconfirmed until a code
    from it is entered (so reloading the page shows the same QR code until then)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def app_enrolment_confirm(*, user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app being set up with a code it shows: it becomes the user's only app, and
    ten new recovery codes replace any earlier ones. Returns the recovery codes, or None (and
    changes nothing) when the code is not right."""
    if device.user_id != user.pk or device.confirmed:
        return None
    if not device.verify_token(code.strip().replace(" ", "")):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = recovery_codes_renew(user=user)
    user._two_factor_required = True
    return codes


def recovery_codes_renew(*, user) -> list[str]:
    """Ten new single-use recovery codes for the user, replacing every earlier one."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def two_factor_remove(*, user) -> None:
    """Remove every second factor of a user whose role does not require one."""
    if must_use(user):
        raise ValueError("Campaign managers and superusers must keep two-factor sign-in.")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    user._two_factor_required = False


def qr_code_svg(device: TOTPDevice) -> str:
    """The app's setup address as an SVG QR code, drawn here: the secret never leaves the site."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=4, title="QR code to scan with an authenticator app"
    )


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in the base32 form apps accept when typed, in groups of four."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
