"""gunicorn's application for bench/throughput.py: the site's, with bench_urls as its URLconf.

    gunicorn -c gunicorn.conf.py --pythonpath bench bench_wsgi:application

settings.py reads no URLconf from the environment, and must not learn to for a benchmark, so the
setting is changed here, before advocacy.wsgi builds Django's handler.
"""

import os

os.environ["DJANGO_SETTINGS_MODULE"] = "advocacy.settings"

from django.conf import settings

settings.ROOT_URLCONF = "bench_urls"

# The site's own entry point, so the benchmark loads and warms up what production does.
from advocacy.wsgi import application  # noqa: E402, F401 - gunicorn loads it from here
