"""gunicorn's application for bench/lighthouse/run.sh: the site, with the collected static files
served by gunicorn itself, compressed (gzip and Brotli, made by `python -m whitenoise.compress`)
and cached for a year, as nginx serves them in production (deploy/nginx.conf).

    gunicorn -c gunicorn.conf.py --pythonpath bench/lighthouse lighthouse_wsgi:application
"""

from django.conf import settings
from whitenoise import WhiteNoise

from advocacy.wsgi import application as site

# Every static name carries a hash of its content (ManifestStaticFilesStorage): cache forever.
application = WhiteNoise(site, root=settings.STATIC_ROOT, prefix="static/", max_age=31536000)
