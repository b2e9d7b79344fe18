"""The site's URLs plus the public media root served at MEDIA_URL, as nginx serves it in production.

advocacy/urls.py adds the same route only when SERVE_MEDIA is on (`make test` sets it); this
urlconf makes the privacy crawl and the browser journey independent of that setting. The root is
read per request, so each test's own media root (conftest.isolated_media) is the one served.
"""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from advocacy.urls import urlpatterns as site_urlpatterns


def serve_public_media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    *site_urlpatterns,
    re_path(r"^media/(?P<path>.*)$", serve_public_media),
]
