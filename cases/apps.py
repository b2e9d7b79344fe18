from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from . import (
            checks,  # noqa: F401 (registers the deploy checks)
            import_admin,  # noqa: F401 (the import's admin pages, in a module of their own)
            tasks,  # noqa: F401 (connects the open data rebuild to public changes)
        )
        from .publicity import connect_signals

        # Writes that change what the public sees empty the page cache; others leave no trace.
        connect_signals()
