from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffOTPConfig(AppConfig):
    name = "advocacy.otp"
    label = "staff_otp"
    verbose_name = _("Two-factor login")
    default_auto_field = "django.db.models.BigAutoField"
