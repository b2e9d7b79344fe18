"""Staff second factors whose secrets are encrypted in the database (cases/fields.py).

django-otp's own TOTP and static devices store the authenticator's key and the backup codes in
clear, so a copied database would let anyone pass the second factor of every staff member.
These devices plug into django-otp the same way (its Device and mixins: throttling, last use)
and keep both encrypted with the field keys, rotated with everything else.
"""

import hmac
import time
from base64 import b32encode
from binascii import unhexlify
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.util import random_hex

from cases.fields import EncryptedCharField


def new_secret() -> str:
    """20 random bytes, hex: RFC 4226's length for HMAC-SHA1, which authenticator apps expect."""
    return random_hex(20)


class AuthenticatorDevice(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (time-based codes, RFC 6238): 6 digits every 30 seconds."""

    step = 30
    t0 = 0
    digits = 6
    tolerance = 1  # the code before and after the current one, for a phone's clock drift

    key = EncryptedCharField(_("secret"), max_length=80, default=new_secret, editable=False)
    drift = models.SmallIntegerField(default=0, editable=False)
    last_t = models.BigIntegerField(
        default=-1, editable=False, help_text=_("A code is accepted once: only later ones count.")
    )

    class Meta(Device.Meta):
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    @property
    def bin_key(self) -> bytes:
        return unhexlify(self.key.encode())

    def get_throttle_factor(self):
        return getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1)

    def verify_token(self, token) -> bool:
        if not self.verify_is_allowed()[0]:
            return False
        try:
            code = int(token)
        except (TypeError, ValueError):
            code = None
        totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
        totp.time = time.time()
        if code is not None and totp.verify(code, self.tolerance, self.last_t + 1):
            self.last_t = totp.t()
            self.drift = totp.drift
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return True
        self.throttle_increment(commit=True)
        return False

    @property
    def config_url(self) -> str:
        """The otpauth:// address an authenticator app reads from the QR code."""
        issuer = settings.OTP_TOTP_ISSUER.replace(":", "")
        label = f"{issuer}:{self.user.get_username()}" if issuer else self.user.get_username()
        params = {
            "secret": b32encode(self.bin_key).decode(),
            "algorithm": "SHA1",
            "digits": self.digits,
            "period": self.step,
        }
        if issuer:
            params["issuer"] = issuer
        return f"otpauth://totp/{quote(label)}?{urlencode(params, quote_via=quote)}"


class BackupCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """A staff member's backup codes: each works once, for when the phone is lost."""

    class Meta(Device.Meta):
        verbose_name = _("backup codes")
        verbose_name_plural = _("backup codes")

    def get_throttle_factor(self):
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    @staticmethod
    def random_code() -> str:
        """Ten characters of base32, as django-otp's backup codes."""
        return StaticToken.random_token()

    def verify_token(self, token) -> bool:
        """Codes are encrypted with a fresh IV each, so SQL cannot look one up: the few codes
        of this device are decrypted and compared in constant time."""
        if not self.verify_is_allowed()[0]:
            return False
        given = str(token).encode()
        match = next(
            (code for code in self.codes.all() if hmac.compare_digest(code.code.encode(), given)),
            None,
        )
        if match is None:
            self.throttle_increment()
            return False
        match.delete()
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True


class BackupCode(models.Model):
    device = models.ForeignKey(BackupCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code = EncryptedCharField(max_length=16)

    class Meta:
        verbose_name = _("backup code")
        verbose_name_plural = _("backup codes")

    def __str__(self):
        return _("backup code #%(pk)s") % {"pk": self.pk}
