"""Settings for the case site, one file, every value from the environment.

Defaults make `make run` work on a laptop with no configuration (DEBUG on, SQLite,
local media). With DEBUG off, anything that must be secret has to be given.
"""

import base64
import os
import tempfile
from pathlib import Path

import dj_database_url
import pyrage
from cryptography.fernet import Fernet
from django.conf import global_settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def gettext_noop(text: str) -> str:
    """Marks text for makemessages only: Django's gettext_noop needs settings, still loading."""
    return text


def envbool(name: str, default: bool) -> bool:
    """Read a yes/no flag; a typo must not silently flip a security setting."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def envpath(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    return Path(raw).resolve() if raw else default


DEBUG = envbool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (it signs sessions and CSRF tokens)."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105

# Old keys, still accepted for signatures made before a rotation (staff sessions, the report
# form's start time). Remove them once SESSION_COOKIE_AGE has passed; never keep a leaked key.
SECRET_KEY_FALLBACKS = envlist("SECRET_KEY_FALLBACKS", [])

# Private data at rest (cases/crypto.py; docs/deploy.md, "Keys"). Fernet keys encrypt relatives'
# details, narratives, second-factor secrets and private photos: the first key encrypts, every
# key decrypts. The lookup key makes the keyed hashes that let staff find a report by phone or
# email. Development gets fixed keys that anyone can read, refused with DEBUG off.
DEV_FIELD_KEY = base64.urlsafe_b64encode(b"development-only-never-in-prod!!").decode()
DEV_LOOKUP_HASH_KEY = "development-only-lookup-key-never-in-production"
FIELD_ENCRYPTION_KEYS = envlist("FIELD_ENCRYPTION_KEYS", [DEV_FIELD_KEY] if DEBUG else [])
LOOKUP_HASH_KEY = os.environ.get("LOOKUP_HASH_KEY") or (DEV_LOOKUP_HASH_KEY if DEBUG else "")
if not DEBUG:
    if not FIELD_ENCRYPTION_KEYS or not LOOKUP_HASH_KEY:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS and LOOKUP_HASH_KEY must be set when DEBUG is off "
            "(they keep relatives' details encrypted; `manage.py generate_keys` makes them)."
        )
    if DEV_FIELD_KEY in FIELD_ENCRYPTION_KEYS or LOOKUP_HASH_KEY == DEV_LOOKUP_HASH_KEY:
        raise ImproperlyConfigured("The development keys are public: never with DEBUG off.")
if len(LOOKUP_HASH_KEY) < 32:
    raise ImproperlyConfigured("LOOKUP_HASH_KEY must be at least 32 characters long.")
for position, key in enumerate(FIELD_ENCRYPTION_KEYS, start=1):
    try:
        Fernet(key)
    except ValueError:
        raise ImproperlyConfigured(
            f"FIELD_ENCRYPTION_KEYS: key {position} is not a Fernet key (32 bytes, url-safe "
            "base64; `manage.py generate_keys` makes one)."
        ) from None

# Backups are encrypted to these age public keys (age1...); the private keys stay offline.
BACKUP_RECIPIENTS = envlist("BACKUP_RECIPIENTS", [])
for recipient in BACKUP_RECIPIENTS:
    try:
        pyrage.x25519.Recipient.from_str(recipient)
    except pyrage.RecipientError:
        raise ImproperlyConfigured(
            f"BACKUP_RECIPIENTS: {recipient!r} is not an age public key (age1...)."
        ) from None

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "advocacy.apps.SiteConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "django_tasks_db",
    "cases",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "advocacy.languages.LanguageTagMiddleware",  # <html lang="kk-Arab">, after LocaleMiddleware
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "advocacy.urls"
WSGI_APPLICATION = "advocacy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite by default so that a fresh clone runs with nothing installed;
# production sets DATABASE_URL=postgres://...
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 0),
        # A kept connection that the server closed (a restart, a fail-over) is noticed and
        # replaced before a request uses it, rather than failing that request.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: the browser tests' live server answers in several threads, and an
    # in-memory database would be one connection shared between them.
    DATABASES["default"]["TEST"] = {
        "NAME": Path(tempfile.gettempdir()) / f"advocacy-test-{os.getpid()}.sqlite3"
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Name search folds case and builds trigrams; under a C ctype PostgreSQL
    # does neither for Cyrillic, so test databases are created UTF-8 from template0.
    DATABASES["default"]["TEST"] = {"TEMPLATE": "template0", "CHARSET": "UTF8"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff authentication: staff accounts are the keys to every family's data.
# Code: advocacy/staff_auth.py. README: "Staff accounts and two-factor login".
# `admin.site` becomes advocacy.staff_auth.StaffAdminSite (through advocacy.apps).
INSTALLED_APPS[INSTALLED_APPS.index("django.contrib.admin")] = "advocacy.apps.StaffAdminConfig"
INSTALLED_APPS += [
    "django_otp",
    # django-otp's own devices stay installed only so that migration 0002 of advocacy.otp can
    # move their secrets, encrypted, into ours (advocacy/otp/models.py) and delete them.
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "advocacy.otp",  # authenticator apps and backup codes, their secrets encrypted
    "axes",
]
# request.user.is_verified() for the admin site, right after the user is known.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # axes wants to be last
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out login before the password
    "django.contrib.auth.backends.ModelBackend",
]
# New and changed passwords get Argon2; older hashes still verify and are upgraded at login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# The admin asks for a code from an authenticator app (or a backup code) after the password.
ADMIN_REQUIRE_2FA = envbool("ADMIN_REQUIRE_2FA", not DEBUG)
# The name an authenticator app shows next to the account: a staff phone may be searched at a
# border, so choose something that does not name the office.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Case records")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the device admin never shows secrets or QR codes
# Lockout per username *and* address: the office shares one address, so locking the address
# would lock out every colleague, and locking the username alone would let anyone lock out staff.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_HOURS", 1)  # hours
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME < 1:
    raise ImproperlyConfigured("AXES_FAILURE_LIMIT and AXES_COOLOFF_HOURS must be at least 1.")
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "advocacy.clients.client_address"  # reads CLIENT_IP_HEADER
AXES_LOCKOUT_CALLABLE = "advocacy.staff_auth.lockout_response"  # 429, in the staff's language
# Masked wherever axes logs or stores a failed login's form (a backup code is a secret too).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "otp_token"]
AXES_VERBOSE = False  # no banner on every manage.py command; lockouts are still logged
# Staff sessions last 8 hours from login (SESSION_COOKIE_AGE), not 8 hours from the last click.
SESSION_SAVE_EVERY_REQUEST = False

# English is the source of every string, so it is what Django falls back to (LANGUAGE_CODE) when a
# catalog lacks one: a Russian page must never show a Kazakh string instead. A visitor whose
# browser asks for none of our languages is sent to Kazakh (VISITOR_LANGUAGE).
LANGUAGE_CODE = "en"
VISITOR_LANGUAGE = "kk"
LANGUAGES = [
    ("kk", "Қазақша"),
    ("kk-arab", "قازاق ءتىلى (توتە)"),  # Kazakh in Arabic script (Töte), as CLDR names it
    ("ru", "Русский"),
    ("ug", "ئۇيغۇرچە"),
    ("zh-hans", "简体中文"),
    ("en", "English"),
]
# Languages Django does not ship, registered by advocacy.languages: Töte is Kazakh as Kazakhs of
# Xinjiang read it, right to left. Its catalogs are made from the kk ones (manage.py tote_catalogs).
EXTRA_LANG_INFO = {
    "kk-arab": {
        "bidi": True,
        "code": "kk-arab",
        "name": gettext_noop("Kazakh (Arabic script)"),
        "name_local": "قازاق ءتىلى (توتە)",
    },
}
LANGUAGES_BIDI = [*global_settings.LANGUAGES_BIDI, "kk-arab"]
# Kazakh formats (dates like "9 наурыз 2018"): Django ships none for kk, nor for kk_Arab.
FORMAT_MODULE_PATH = ["advocacy.formats"]
# locale/ is ours, rewritten by makemessages; supplements/ fills Django's kk gaps, never rewritten.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "supplements" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Almaty")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = envpath("STATIC_ROOT", BASE_DIR / "staticfiles")

# Two media roots (DESIGN.md, privacy model 3): only the public one is ever served.
# The private one holds every sanitized photo and is reached through a staff-only view.
MEDIA_URL = "/media/"
MEDIA_ROOT = envpath("MEDIA_ROOT", BASE_DIR / "media" / "public")
PRIVATE_MEDIA_ROOT = envpath("PRIVATE_MEDIA_ROOT", BASE_DIR / "media" / "private")
if PRIVATE_MEDIA_ROOT == MEDIA_ROOT or MEDIA_ROOT in PRIVATE_MEDIA_ROOT.parents:
    raise ImproperlyConfigured("PRIVATE_MEDIA_ROOT must not lie inside the served MEDIA_ROOT.")

# Django serves the public media root itself only in development and tests.
SERVE_MEDIA = envbool("SERVE_MEDIA", DEBUG)

STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": MEDIA_URL},
    },
    # Encrypted with the field keys on the way in, decrypted only for staff (cases/storage.py).
    "private": {
        "BACKEND": "cases.storage.EncryptedStorage",
        "OPTIONS": {
            "backend": "django.core.files.storage.FileSystemStorage",
            "options": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
        },
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
    },
}

# Optional S3-compatible object storage (django-storages, `pip install -e .[s3]`): a public
# bucket for published photos and a private one that holds them encrypted, read only by us.
S3_PUBLIC_BUCKET = os.environ.get("S3_PUBLIC_BUCKET", "")
S3_PRIVATE_BUCKET = os.environ.get("S3_PRIVATE_BUCKET", "")
if bool(S3_PUBLIC_BUCKET) != bool(S3_PRIVATE_BUCKET):
    raise ImproperlyConfigured("Set both S3_PUBLIC_BUCKET and S3_PRIVATE_BUCKET, or neither.")
if S3_PUBLIC_BUCKET:
    s3_common = {
        "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("S3_REGION") or None,
        "access_key": os.environ.get("S3_ACCESS_KEY_ID", ""),
        "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY", ""),
        "file_overwrite": False,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": s3_common
        | {
            "bucket_name": S3_PUBLIC_BUCKET,
            "querystring_auth": False,
            "custom_domain": os.environ.get("S3_PUBLIC_DOMAIN") or None,
        },
    }
    STORAGES["private"]["OPTIONS"] = {
        "backend": "storages.backends.s3.S3Storage",
        "options": s3_common | {"bucket_name": S3_PRIVATE_BUCKET, "querystring_auth": True},
    }

# The largest photo a relative may send, as received; the report form and its messages say so.
PHOTO_MAX_UPLOAD_BYTES = 15 * 1024 * 1024
# Uploads: up to 5 photos of PHOTO_MAX_UPLOAD_BYTES each (cases/forms.py), plus text.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400

# Per client (see CLIENT_IP_HEADER). At the office one address may send dozens of reports a
# day for the families waiting there, so the report limit is generous and settable.
REPORT_RATE_LIMIT = {"limit": envint("REPORT_RATE_LIMIT", 30), "window": 3600}
# Wrong receipt codes: few per browser, so that guessing codes is hopeless even before their 80
# bits; more per address, since the office's relatives share one and each may mistype a code.
RECEIPT_ATTEMPTS_LIMIT = {"limit": envint("RECEIPT_ATTEMPTS_LIMIT", 10), "window": 3600}
RECEIPT_ADDRESS_ATTEMPTS_LIMIT = {
    "limit": envint("RECEIPT_ADDRESS_ATTEMPTS_LIMIT", 100),
    "window": 3600,
}
# Pages one client may have rendered per minute: searches, filters, page numbers and pages not
# yet in the cache. Cached pages are served whatever is left of it (cases/caching.py).
UNCACHED_PAGES_BUDGET = {"limit": envint("UNCACHED_PAGES_PER_MINUTE", 60), "window": 60}
if UNCACHED_PAGES_BUDGET["limit"] < 1:
    raise ImproperlyConfigured("UNCACHED_PAGES_PER_MINUTE must be at least 1.")
# Behind nginx every request comes from 127.0.0.1: name the header that carries the client,
# e.g. HTTP_X_REAL_IP, set by the proxy (never trust it without one).
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "REMOTE_ADDR")
# An expired form gives the relative back what they typed, not a bare error page.
CSRF_FAILURE_VIEW = "cases.report_views.csrf_failure"

# Data safety: `manage.py backup` / `restore`, and `manage.py purge` for retention.
BACKUP_DIR = envpath("BACKUP_DIR", BASE_DIR / "backups")
# /data/cases.json and .csv, written once per state of public data and served from here.
OPEN_DATA_DIR = envpath("OPEN_DATA_DIR", BASE_DIR / "var" / "open-data")
# While a rebuild of the open data waits this long for the worker, visitors stop getting the
# previous file and the request builds it itself: a case unpublished while the worker is down
# must not stay in the download for long (cases/exports.py).
OPEN_DATA_REBUILD_GRACE_SECONDS = envint("OPEN_DATA_REBUILD_GRACE_SECONDS", 120)

# Long work runs in the task worker (`manage.py run_worker`, cases/tasks.py): the queue is a
# table in the site's own database (django-tasks-db), so the worker needs nothing new to run.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# A failed task is tried again this many times in all, waiting TASK_RETRY_BASE_SECONDS, then
# four times as long after each further failure.
TASK_MAX_ATTEMPTS = envint("TASK_MAX_ATTEMPTS", 4)
TASK_RETRY_BASE_SECONDS = envint("TASK_RETRY_BASE_SECONDS", 30)
# A spam report unchanged this long is deleted with its photos.
SPAM_RETENTION_DAYS = envint("SPAM_RETENTION_DAYS", 30)
# A closed report unchanged this long loses the submitter's contact details.
CONTACT_RETENTION_DAYS = envint("CONTACT_RETENTION_DAYS", 180)
# Records of staff logins and failed attempts (username, address) older than this are deleted.
LOGIN_LOG_RETENTION_DAYS = envint("LOGIN_LOG_RETENTION_DAYS", 90)

# Staff email: the daily digest (`manage.py send_moderation_digest`). Console in development.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
STAFF_LANGUAGE = os.environ.get("STAFF_LANGUAGE", "ru")
# The office's language in case dossiers (cases/dossier.py): each label is printed in it and in
# English, the language the WGEID reads. English alone when it is "en".
DOSSIER_LANGUAGE = os.environ.get("DOSSIER_LANGUAGE", STAFF_LANGUAGE)
if DOSSIER_LANGUAGE not in {code for code, _name in LANGUAGES}:
    raise ImproperlyConfigured(
        f"DOSSIER_LANGUAGE must be one of the site's languages, not {DOSSIER_LANGUAGE!r}"
    )
REPORT_WAITING_DAYS = envint("REPORT_WAITING_DAYS", 3)
mail_backend = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": mail_backend}}
if mail_backend == "django.core.mail.backends.smtp.EmailBackend":
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": envint("EMAIL_PORT", 587),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": envbool("EMAIL_USE_TLS", True),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "cases@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

# No page may ask a third party for anything (DESIGN.md, privacy model 4).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
# Not "no-referrer": under it browsers send "Origin: null" with every form POST, which
# Django's CSRF check must refuse. "same-origin" still tells other sites nothing.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Production runs behind nginx, which terminates TLS and sets X-Forwarded-Proto itself
# (overwriting whatever a client sent), so Django may trust that header there.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
if envbool("BEHIND_TLS_PROXY", not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Staff sessions end with the browser and after a working day at the latest.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# REDIS_URL moves the cache (public pages, rate limits) and sessions to Redis, shared by
# every gunicorn worker; without it each process keeps its own memory cache.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "advocacy.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "advocacy",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# How long a process serves public pages from its own memory before it asks the shared cache
# again whether public data changed (cases/caching.py); 0 asks on every request.
PAGE_CACHE_RECHECK_MS = envint("PAGE_CACHE_RECHECK_MS", 1000)

# Errors go to the console without request bodies: Django's reporter already
# hides POST values of views marked with sensitive_post_parameters.
DEFAULT_EXCEPTION_REPORTER_FILTER = "advocacy.reporting.PrivateRequestFilter"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint (case dossiers) logs each step of every rendering at INFO.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

SITE_NAME = _("Xinjiang Missing Relatives Record")
