"""Staff second factors in the admin: listed and deleted (a lost phone), never shown."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import AuthenticatorDevice, BackupCodeDevice

# django-otp's own devices keep secrets in clear; ours replace them (models.py).
for plaintext_device in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(plaintext_device):
        admin.site.unregister(plaintext_device)


class DeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = ["user", "confirmed", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False  # staff set up their own at /admin/2fa/setup/


admin.site.register(AuthenticatorDevice, DeviceAdmin)
admin.site.register(BackupCodeDevice, DeviceAdmin)
