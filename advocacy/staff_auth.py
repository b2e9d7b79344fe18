"""Staff authentication: the admin site that asks for a second factor, and enrolment in it.

django-axes counts failed logins (settings AXES_*), django-otp keeps the devices. With
ADMIN_REQUIRE_2FA on, the admin opens only to a session verified by a code from an
authenticator app or a backup code; a staff member without either is sent to set one up.
"""

from base64 import b32encode

import django_otp
import segno
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.admin import OTPAdminAuthenticationForm

from cases.codes import grouped

from .otp.models import AuthenticatorDevice, BackupCode, BackupCodeDevice

BACKUP_CODE_COUNT = 10
QR_SCALE = 5
PENDING_DEVICE_KEY = "staff_auth_pending_device"


def lockout_response(request, response, credentials):
    """Axes's answer once a username failed too often from one address, in the staff's language."""
    context = {
        **admin.site.each_context(request),
        "title": gettext("Logging in is paused"),
        "cooloff_hours": settings.AXES_COOLOFF_TIME,
    }
    return render(request, "admin/locked_out.html", context, status=429)


def has_device(user) -> bool:
    return next(django_otp.devices_for_user(user, confirmed=True), None) is not None


def must_enrol(user) -> bool:
    """Staff logged in with a password who have no second factor yet: their first login."""
    return user.is_active and user.is_staff and not user.is_verified() and not has_device(user)


def is_verified_staff(request) -> bool:
    """Staff whose session passed the admin's login in full: the second factor too, when required.

    What staff may do outside the admin (take reports at the office, unlimited) must need no
    less than the admin does; a password alone, e.g. half-way through enrolment, is not enough.
    """
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    return not settings.ADMIN_REQUIRE_2FA or user.is_verified()


def device_for_code(user, code: str):
    """Six digits come from the authenticator app; anything else can only be a backup code.

    Choosing by shape rather than trying every device keeps a wrong code from counting
    against (and throttling) a device it was never meant for.
    """
    model = AuthenticatorDevice if code.isdecimal() and len(code) == 6 else BackupCodeDevice
    return model.objects.devices_for_user(user, confirmed=True).select_for_update().first()


def pending_device(request) -> AuthenticatorDevice:
    """The authenticator being set up in this session: the same secret on every reload."""
    user = request.user
    pending = AuthenticatorDevice.objects.filter(
        user=user, confirmed=False, pk=request.session.get(PENDING_DEVICE_KEY)
    ).first()
    if pending is None:
        # A secret shown to another session (perhaps to someone else who has the password)
        # is never handed out again.
        AuthenticatorDevice.objects.filter(user=user, confirmed=False).delete()
        pending = AuthenticatorDevice.objects.create(
            user=user, name=gettext("Authenticator app"), confirmed=False
        )
        request.session[PENDING_DEVICE_KEY] = pending.pk
    return pending


@transaction.atomic
def confirm_device(device: AuthenticatorDevice) -> list[str]:
    """Make `device` the user's only authenticator, with fresh backup codes; return the codes.

    Replace rather than add: when a lost phone is replaced, its secret and the old backup
    codes must stop working.
    """
    user = device.user
    AuthenticatorDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    BackupCodeDevice.objects.filter(user=user).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    backup = BackupCodeDevice.objects.create(
        user=user, name=gettext("Backup codes"), confirmed=True
    )
    codes = [BackupCodeDevice.random_code() for _ in range(BACKUP_CODE_COUNT)]
    BackupCode.objects.bulk_create(BackupCode(device=backup, code=code) for code in codes)
    return codes


def spaced(secret: str) -> str:
    """ABCD EFGH ...: a key typed into an authenticator app by hand, in groups as codes are."""
    return grouped(secret, separator=" ")


class StaffLoginForm(OTPAdminAuthenticationForm):
    """Username, password and one code: from the authenticator app or a backup code."""

    otp_device = None  # the code's shape picks the device (device_for_code)
    otp_challenge = None  # for devices that send codes; ours never do
    otp_token = forms.CharField(
        required=False,
        label=_("Two-factor code"),
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    otp_error_messages = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        "token_required": _("Enter the code from your authenticator app, or a backup code."),
        "invalid_token": _(
            "That code is not right. The app shows a new code every 30 seconds; "
            "each backup code works only once."
        ),
        "n_failed_attempts": ngettext_lazy(
            "%(failure_count)d wrong code in a row: wait a little before trying again.",
            "%(failure_count)d wrong codes in a row: wait a little before trying again.",
            "failure_count",
        ),
        "verification_not_allowed": _("Too many wrong codes: wait a little before trying again."),
    }

    def clean_otp(self, user):
        if user is not None and not has_device(user):
            return  # a first login: StaffAdminSite.login sends them to set up a second factor
        super().clean_otp(user)

    def _verify_token(self, user, token, device=None):
        code = "".join(token.split()).lower()
        try:
            device = device_for_code(user, code)
            if device is None:
                raise forms.ValidationError(
                    self.otp_error_messages["invalid_token"], code="invalid_token"
                )
            return super()._verify_token(user, code, device)
        except forms.ValidationError:
            # A wrong code counts towards the lockout like a wrong password.
            user_login_failed.send(
                sender=type(self),
                credentials={"username": user.get_username()},
                request=self.request,
            )
            raise


class AuthenticatorCodeForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code shown by the app"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_otp_token(self):
        return "".join(self.cleaned_data["otp_token"].split())


# The admin names apps and models by their verbose names; django-axes, django-otp and
# django-tasks-db give theirs in English only (or not as translatable strings at all), so staff
# would read them in English whatever their language. Keyed by app label, then by model name.
THIRD_PARTY_NAMES = {
    "axes": (
        _("Staff logins"),
        {
            "accessattempt": _("Failed logins"),
            "accessfailurelog": _("Failed login records"),
            "accesslog": _("Login records"),
        },
    ),
    "otp_static": (_("Backup codes"), {"staticdevice": _("Backup codes")}),
    "otp_totp": (_("Authenticator apps"), {"totpdevice": _("Authenticator apps")}),
    "django_tasks_database": (
        _("Background tasks"),
        {"dbtaskresult": _("Background task results")},
    ),
}


class StaffAdminSite(admin.AdminSite):
    """The admin, which with ADMIN_REQUIRE_2FA opens only to a session verified by django-otp.

    Settings are read per request, so tests (and a restart with new env) switch it cleanly.
    """

    login_template = "admin/staff_login.html"

    @property
    def login_form(self):
        return StaffLoginForm if settings.ADMIN_REQUIRE_2FA else None

    def has_permission(self, request):
        return super().has_permission(request) and (
            not settings.ADMIN_REQUIRE_2FA or request.user.is_verified()
        )

    def get_app_list(self, request, app_label=None):
        """Django's list, with other packages' apps named in the staff member's language."""
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            app_name, model_names = THIRD_PARTY_NAMES.get(app["app_label"], (None, {}))
            app["name"] = app_name or app["name"]
            for model in app["models"]:
                model["name"] = model_names.get(model["object_name"].lower(), model["name"])
        return app_list

    def get_urls(self):
        return [
            path("2fa/setup/", self.two_factor_setup, name="two_factor_setup"),
            # Django wraps logout in has_permission: a session that has only its password
            # (someone half-way through setting up) must still be able to end.
            path("logout/", never_cache(self.logout), name="logout"),
            *super().get_urls(),
        ]

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        if request.method == "GET" and settings.ADMIN_REQUIRE_2FA and must_enrol(request.user):
            return HttpResponseRedirect(reverse("admin:two_factor_setup", current_app=self.name))
        context = {"two_factor_required": settings.ADMIN_REQUIRE_2FA, **(extra_context or {})}
        return super().login(request, context)

    @method_decorator(never_cache)
    @method_decorator(sensitive_post_parameters("otp_token"))
    def two_factor_setup(self, request):
        """Show a new authenticator's secret, confirm it with a first code, give backup codes.

        Open to staff with no second factor yet, and to verified staff replacing theirs; never
        to a session with only the password of someone who already has one.
        """
        user = request.user
        if not (user.is_active and user.is_staff) or (has_device(user) and not user.is_verified()):
            return redirect_to_login(
                request.get_full_path(), reverse("admin:login", current_app=self.name)
            )
        device = pending_device(request)
        form = AuthenticatorCodeForm(request.POST or None)
        if form.is_valid():
            if not device.verify_is_allowed()[0]:
                form.add_error(
                    "otp_token", StaffLoginForm.otp_error_messages["verification_not_allowed"]
                )
            elif device.verify_token(form.cleaned_data["otp_token"]):
                return self._two_factor_done(request, device)
            else:
                form.add_error(
                    "otp_token",
                    gettext(
                        "That code is not right. Check that the phone's clock is set "
                        "automatically, and enter the code the app shows now."
                    ),
                )
        qr_code = segno.make(device.config_url, error="m")
        context = {
            **self.each_context(request),
            "title": gettext("Set up two-factor login"),
            "form": form,
            "qr_code": qr_code.svg_data_uri(scale=QR_SCALE),
            "qr_size": qr_code.symbol_size(scale=QR_SCALE)[0],
            "secret": spaced(b32encode(device.bin_key).decode()),
        }
        return TemplateResponse(request, "admin/two_factor_setup.html", context)

    def _two_factor_done(self, request, device):
        """The backup codes are shown in this one response and never again."""
        codes = confirm_device(device)
        request.session.pop(PENDING_DEVICE_KEY, None)
        django_otp.login(request, device)
        request.session.cycle_key()  # a session gaining the admin gets a new key
        context = {
            **self.each_context(request),
            "title": gettext("Two-factor login is set up"),
            "backup_codes": codes,
        }
        return TemplateResponse(request, "admin/two_factor_done.html", context)
