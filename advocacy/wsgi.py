"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings")

application = get_wsgi_application()


def warm_up() -> None:
    """Load now what each worker would otherwise load on its first requests.

    gunicorn loads this module in its master and forks workers from it (preload_app), so URL
    patterns, translation catalogs and compiled templates loaded here are shared by every worker
    and by every worker started later to replace one (max_requests). No database connection is
    opened: forked workers must not share one.
    """
    from django.conf import settings
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    for code, _name in settings.LANGUAGES:
        translation.activate(code)  # loads the language's catalogs
    translation.deactivate()
    for template in sorted((settings.BASE_DIR / "templates").rglob("*.html")):
        get_template(str(template.relative_to(settings.BASE_DIR / "templates")))


warm_up()
