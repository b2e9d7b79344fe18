"""gunicorn's application for bench/throughput.py: the site's, with bench_urls as its URLconf.

    gunicorn -c gunicorn.conf.py --pythonpath bench bench_wsgi:application

settings.py reads no URLconf from the environment, and must not learn to for a benchmark, so the
setting is changed here, after the settings load and before Django builds its handler.
"""

import os

os.environ["DJANGO_SETTINGS_MODULE"] = "advocacy.settings"

from django.conf import settings
from django.core.wsgi import get_wsgi_application

settings.ROOT_URLCONF = "bench_urls"
application = get_wsgi_application()
