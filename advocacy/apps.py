"""Django's admin app, with our staff admin site as `admin.site`."""

from django.apps import AppConfig, apps
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

# What staff read for django-axes, whose own name is English only and not marked for
# translation (django-tasks-db is named in StaffAdminSite.get_app_list).
THIRD_PARTY_APPS = {
    "axes": _("Login attempts"),
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


class SiteConfig(AppConfig):
    """The project itself: registers the languages Django does not ship (advocacy.languages)."""

    name = "advocacy"
    verbose_name = "Site"

    def ready(self):
        from . import languages

        languages.register()
