"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py` behind nginx (docs/deploy.md).

Django's own settings come from the environment (advocacy/settings.py); the two values here
that differ between servers come from the environment too: GUNICORN_BIND and GUNICORN_WORKERS.
"""

import os


def cores() -> int:
    """CPUs this process may run on (a container or a CPU quota may allow fewer than exist)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def env_workers() -> int:
    raw = os.environ.get("GUNICORN_WORKERS", "").strip()
    if raw:
        return int(raw)
    # The usual 2 x cores + 1, capped: each worker may hold a photo ingest (~80 MiB at peak),
    # and a small office's traffic never needs more processes than this.
    return min(2 * cores() + 1, 9)


wsgi_app = "advocacy.wsgi:application"
# Set explicitly: left unset, gunicorn would bind 0.0.0.0:$PORT whenever PORT is in the
# environment. Only nginx on this machine should reach gunicorn.
bind = [address.strip() for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")]

# Sync workers: nginx reads a whole request body (up to 5 photos of 15 MB, sent slowly from a
# phone) before it opens the connection to gunicorn, and reads the response into its own
# buffers, so a worker is busy only while Python works, never while a client's network does.
# Photo ingest is CPU-bound, so processes (not threads sharing one GIL) are what scales it.
worker_class = "sync"
workers = env_workers()

# A report with five large HEIC photos takes several seconds to decode and rebuild; a minute
# is ample, and still frees a stuck worker.
timeout = 60
graceful_timeout = 30

# Restart each worker now and then to return memory that Pillow and libheif leave fragmented;
# the jitter keeps all workers from restarting at once. Every request counts, cached pages
# included, and a restarted worker starts with an empty memory of pages: at 1,000 a worker
# restarted every few seconds under load (README, "Performance"), while an office's uploads
# are a few dozen a day.
max_requests = 50000
max_requests_jitter = 5000

# Load Django once in the master, then fork: less memory, and a broken configuration fails the
# start instead of every worker in turn. Code changes therefore need a restart, not a HUP.
preload_app = True

# Only nginx, on this machine, may tell gunicorn that the request came over HTTPS. Django trusts
# X-Forwarded-Proto itself (SECURE_PROXY_SSL_HEADER); nginx always overwrites what a client sent.
forwarded_allow_ips = "127.0.0.1"

# limit_request_line, limit_request_fields and limit_request_field_size keep gunicorn's defaults
# (4094 bytes, 100 fields, 8190 bytes): no URL of ours comes near them.

# Access log to stdout (journald under systemd): method, path, status, bytes, milliseconds.
# No client address, query string, referrer or user agent: someone who seizes the logs must
# not learn who visited which case or what they searched for. Behind nginx the address would be
# 127.0.0.1 anyway; the real one (X-Real-IP) is deliberately left out.
accesslog = "-"
access_log_format = "%(m)s %(U)s %(s)s %(b)s %(M)sms"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# gunicornc's control socket can add, kill and reconfigure workers; systemd's signals do all
# we need, so no socket is left lying in the service's home.
control_socket_disable = True

proc_name = "advocacy"
