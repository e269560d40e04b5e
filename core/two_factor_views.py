"""The admin's two-factor pages (core/two_factor.py says the rules): the code asked for after the
password, setting up an authenticator app with its recovery codes, a staff member's own
two-factor page, and the page a locked-out sign-in gets (django-axes)."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import two_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


def next_url(request: HttpRequest) -> str:
    """Where to go once signed in: the `next` the sign-in page was given, if it is this site's."""
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def next_step_url(request: HttpRequest) -> str | None:
    """The two-factor page a user signed in with their password must pass next, if any."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return None
    if two_factor.passed(user):
        return None
    has_factor = two_factor.has_app(user) or two_factor.recovery_codes_left(user)
    url = reverse("admin:two_factor_verify" if has_factor else "admin:two_factor_set_up")
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    if target:
        url += "?" + urlencode({REDIRECT_FIELD_NAME: target})
    return url


class TwoFactorStepView(View):
    """A step after the password: for a signed-in staff member only; "Cancel" signs them out."""

    admin_site: admin.AdminSite = None
    template_name: str

    @method_decorator([never_cache, csrf_protect, sensitive_post_parameters("code")])
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect("admin:login")
        if request.method == "POST" and "cancel" in request.POST:
            logout(request)
            return redirect("admin:login")
        return super().dispatch(request, *args, **kwargs)

    def render(self, request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "next": request.POST.get(REDIRECT_FIELD_NAME)
            or request.GET.get(REDIRECT_FIELD_NAME, ""),
            **context,
        }
        return render(request, self.template_name, context, status=status)


class VerifyView(TwoFactorStepView):
    """The second factor: a code from the app, or a recovery code."""

    template_name = "admin/two_factor/verify.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        if two_factor.passed(request.user):
            return HttpResponseRedirect(next_url(request))
        return self.render(request, {"form": CodeForm(), "title": _("Enter your code")})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CodeForm(request.POST)
        device = None
        if form.is_valid():
            code = form.cleaned_data["code"].strip().replace(" ", "")
            device = match_token(request.user, code)
        if device is None:
            if form.is_valid():
                form.add_error(
                    "code",
                    _(
                        "That code is not right, or has been used already. Enter the code your "
                        "app shows now, or one of your recovery codes. After several wrong codes "
                        "you must wait a little longer before each try."
                    ),
                )
            return self.render(request, {"form": form, "title": _("Enter your code")})
        otp_login(request, device)
        if isinstance(device, StaticDevice):
            left = two_factor.recovery_codes_left(request.user)
            messages.warning(
                request,
                _(
                    "You signed in with a recovery code; %(left)d are left. If your phone is "
                    "lost, set up your app again and make new recovery codes on your "
                    "two-factor page."
                )
                % {"left": left},
            )
        return HttpResponseRedirect(next_url(request))


class SetUpView(TwoFactorStepView):
    """Setting up an authenticator app: a QR code (drawn here), the key to type instead, and a
    code from the app to confirm it; then the recovery codes, shown once."""

    template_name = "admin/two_factor/set_up.html"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        # Someone with the password alone may not add an app beside the one the account has.
        if (
            user.is_authenticated
            and two_factor.required(user)
            and not two_factor.is_verified(user)
            and (two_factor.has_app(user) or two_factor.recovery_codes_left(user))
        ):
            return redirect("admin:two_factor_verify")
        return super().dispatch(request, *args, **kwargs)

    def page(self, request: HttpRequest, form: CodeForm, device: TOTPDevice) -> HttpResponse:
        return self.render(
            request,
            {
                "form": form,
                "title": _("Set up two-factor sign-in"),
                "qr_code": two_factor.qr_code_svg(device),
                "secret": two_factor.secret_for_typing(device),
                "replacing": two_factor.has_app(request.user),
            },
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        device = two_factor.app_enrolment_start(user=request.user)
        return self.page(request, CodeForm(), device)

    def post(self, request: HttpRequest) -> HttpResponse:
        device = two_factor.app_enrolment_start(user=request.user)
        form = CodeForm(request.POST)
        codes = None
        if form.is_valid():
            codes = two_factor.app_enrolment_confirm(
                user=request.user, device=device, code=form.cleaned_data["code"]
            )
            if codes is None:
                form.add_error(
                    "code",
                    _(
                        "That code is not the one your app shows now. Check that you scanned "
                        "this page's QR code, then enter the newest code."
                    ),
                )
        if codes is None:
            return self.page(request, form, device)
        otp_login(request, device)
        self.template_name = "admin/two_factor/recovery_codes.html"
        return self.render(
            request,
            {"title": _("Your recovery codes"), "codes": codes, "continue_url": next_url(request)},
        )


class AccountView(View):
    """A staff member's own two-factor page: whether it is on, new recovery codes, and (for a
    role that does not require it) turning it on or off. Reached through the admin (so only
    once fully signed in)."""

    admin_site: admin.AdminSite = None

    def context(self, request: HttpRequest, **extra) -> dict:
        user = request.user
        return {
            **self.admin_site.each_context(request),
            "title": _("Two-factor sign-in"),
            "has_app": two_factor.has_app(user),
            "must_use": two_factor.must_use(user),
            "codes_left": two_factor.recovery_codes_left(user),
            **extra,
        }

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "admin/two_factor/account.html", self.context(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if "new_codes" in request.POST and two_factor.has_app(user):
            codes = two_factor.recovery_codes_renew(user=user)
            return render(
                request,
                "admin/two_factor/recovery_codes.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Your recovery codes"),
                    "codes": codes,
                    "continue_url": reverse("admin:two_factor"),
                },
            )
        if "turn_off" in request.POST and not two_factor.must_use(user):
            two_factor.two_factor_remove(user=user)
            messages.success(request, _("Two-factor sign-in is off for your account."))
            return redirect("admin:two_factor")
        return redirect("admin:two_factor")


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a sign-in while the account or the address is locked out."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        **admin.site.each_context(request),
        "title": _("Sign-in paused"),
        "minutes": minutes,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "admin/locked_out.html", context, status=429)
