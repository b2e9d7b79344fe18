"""The site's URLs plus /bench/baseline, a bare HttpResponse: bench/throughput.py's yardstick.

Used only by bench/bench_wsgi.py; the site itself never routes to it.
"""

from django.http import HttpResponse
from django.urls import path

from advocacy.urls import urlpatterns as site_urlpatterns


def baseline(request):
    """The least a request can cost on this server: every middleware, no query, no template."""
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [path("bench/baseline", baseline), *site_urlpatterns]
