"""Top-level URL map: the public contract of DESIGN.md."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.decorators.http import require_safe

from cases import public_input, views
from cases.caching import cache_public_page
from cases.feeds import NewCasesFeed
from cases.sitemaps import SITEMAPS


def public(view, parameters=None):
    """Django's own views (feed, sitemaps), read-only and cached like our public pages."""
    return require_safe(cache_public_page(view, parameters=parameters))


# A database that stopped answering gives a 503 to try again (cases/error_pages.py).
handler500 = "cases.error_pages.server_error"


urlpatterns = [
    path("", views.root_redirect, name="root"),
    path("healthz", views.healthz, name="healthz"),
    path("feeds/cases.atom", public(NewCasesFeed()), name="feed_cases"),
    path(
        "sitemap.xml",
        public(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        public(sitemap_views.sitemap, public_input.SITEMAP_SECTION),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("data/cases.json", views.open_data_file, {"extension": "json"}, name="data_cases_json"),
    path("data/cases.csv", views.open_data_file, {"extension": "csv"}, name="data_cases_csv"),
    path(settings.ADMIN_URL, admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", include("cases.urls")),
    prefix_default_language=True,
)

if settings.SERVE_MEDIA:
    # Development and tests only; in production the web server serves the public media root.
    from django.http import Http404
    from django.urls import re_path
    from django.views.static import serve

    def serve_public_media(request, path):
        try:
            return serve(request, path, document_root=settings.MEDIA_ROOT)
        except (OSError, ValueError):  # a name no file system holds (too long, a NUL)
            raise Http404 from None

    urlpatterns.append(re_path(r"^media/(?P<path>.+)$", serve_public_media))
