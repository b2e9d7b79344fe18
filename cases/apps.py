from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from . import (
            checks,  # noqa: F401 (registers the deploy checks)
            tasks,  # noqa: F401 (connects the open data rebuild to public changes)
        )
        from .caching import connect_invalidation_signals

        # Everything a public page shows: any write to these empties the page cache.
        shown = ("Case", "Name", "Photo", "Citation", "Source", "Event")
        connect_invalidation_signals([self.get_model(name) for name in shown])
