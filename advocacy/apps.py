"""Django's admin app, with our staff admin site as `admin.site`."""

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """Every `@admin.register` and `admin.site.urls` then gets the two-factor site.

    Django's documented way to replace the default site: no module has to remember to
    register on another object, and third-party admins (django-otp's devices, axes's
    attempts) land on the same guarded site.
    """

    default_site = "advocacy.staff_auth.StaffAdminSite"


class SiteConfig(AppConfig):
    """The project itself: registers the languages Django does not ship (advocacy.languages)."""

    name = "advocacy"
    verbose_name = "Site"

    def ready(self):
        from . import languages

        languages.register()
