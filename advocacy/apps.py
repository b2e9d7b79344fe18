"""Django's admin app, with our staff admin site as `admin.site`."""

from django.apps import AppConfig, apps
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

# What staff read for the apps and models of django-otp, django-axes and django-tasks-db, whose
# own names are English only (django-otp's are not even marked for translation).
THIRD_PARTY_APPS = {
    "axes": _("Login attempts"),
    "otp_totp": _("Authenticator apps"),
    "otp_static": _("Backup codes"),
    "django_tasks_database": _("Background tasks"),
}
THIRD_PARTY_MODELS = {
    ("otp_totp", "totpdevice"): (_("authenticator app"), _("authenticator apps")),
    ("otp_static", "staticdevice"): (_("list of backup codes"), _("lists of backup codes")),
    ("otp_static", "statictoken"): (_("backup code"), _("backup codes")),
}


class StaffAdminConfig(AdminConfig):
    """Every `@admin.register` and `admin.site.urls` then gets the two-factor site.

    Django's documented way to replace the default site: no module has to remember to
    register on another object, and third-party admins (django-otp's devices, axes's
    attempts) land on the same guarded site.
    """

    default_site = "advocacy.staff_auth.StaffAdminSite"

    def ready(self):
        super().ready()
        for label, name in THIRD_PARTY_APPS.items():
            apps.get_app_config(label).verbose_name = name
        for (label, model_name), (singular, plural) in THIRD_PARTY_MODELS.items():
            opts = apps.get_model(label, model_name)._meta
            opts.verbose_name, opts.verbose_name_plural = singular, plural


class SiteConfig(AppConfig):
    """The project itself: registers the languages Django does not ship (advocacy.languages)."""

    name = "advocacy"
    verbose_name = "Site"

    def ready(self):
        from . import languages

        languages.register()
