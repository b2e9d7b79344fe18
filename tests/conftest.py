"""Fixtures shared by every test module."""

import os
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import translation
from django_otp.oath import totp
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from playwright.sync_api import sync_playwright

from advocacy.otp.models import AuthenticatorDevice
from cases.caching import local_pages

# Property tests check what input does, not how fast: a loaded machine (CI runs two test processes
# on two cores) must not fail one for an example over Hypothesis's 200 ms deadline, nor for
# examples slow to generate. Speed is measured in bench/.
hypothesis_settings.register_profile(
    "suite", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("suite")

# What production settings need besides SECRET_KEY, for tests that import them in a fresh process.
ENCRYPTION_KEYS_ENV = {
    "FIELD_ENCRYPTION_KEYS": "cHJvZHVjdGlvbi1saWtlLWtleS1vZi10aGUtdGVzdHM=",
    "LOOKUP_HASH_KEY": "production-like-lookup-key-of-the-tests",
}


def redis_url_of_this_worker(redis_url: str, worker: str | None) -> str:
    """The Redis database of one pytest-xdist worker: the configured one plus the worker's number.

    Tests empty the cache between them (FLUSHDB), so two workers sharing a database would wipe
    each other's rate limits and cached pages in mid-test.
    """
    if not redis_url or not worker:
        return redis_url
    parts = urllib.parse.urlsplit(redis_url)
    base = int(parts.path.strip("/") or 0)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{base + int(worker.removeprefix('gw'))}"))


# Tests of the Redis cache itself use their own database, apart from the suite's REDIS_URL.
SCRATCH_REDIS_URL = redis_url_of_this_worker(
    "redis://127.0.0.1:6379/12", os.environ.get("PYTEST_XDIST_WORKER")
)


def scratch_redis_caches(key_prefix: str) -> dict:
    """CACHES for a test of the Redis cache as production configures it, on the scratch database."""
    return {
        "default": {
            "BACKEND": "advocacy.cache.RedisCache",
            "LOCATION": SCRATCH_REDIS_URL,
            "KEY_PREFIX": key_prefix,
        }
    }


def redis_answers() -> bool:
    """Whether a Redis server runs here for the tests that need one (CI starts it)."""
    import redis

    try:
        return redis.Redis.from_url(SCRATCH_REDIS_URL).ping()
    except redis.RedisError:
        return False


@pytest.fixture(scope="session", autouse=True)
def redis_database_per_worker():
    """Settings were read before any fixture runs, so the worker's database is set over them,
    and in the environment for the processes tests start (task worker, fresh settings)."""
    url = redis_url_of_this_worker(
        os.environ.get("REDIS_URL", ""), os.environ.get("PYTEST_XDIST_WORKER")
    )
    if url == os.environ.get("REDIS_URL", ""):
        yield
        return
    from django.conf import settings

    os.environ["REDIS_URL"] = url
    caches = {alias: config | {"LOCATION": url} for alias, config in settings.CACHES.items()}
    with override_settings(CACHES=caches, REDIS_URL=url):
        yield


@pytest.fixture
def client():
    """Unprefixed pages (admin) follow the browser's language: tests read them in English."""
    return Client(headers={"accept-language": "en"})


@pytest.fixture(autouse=True)
def english_outside_requests():
    """A request leaves its language active in the thread; the next test must not inherit it."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fast_password_hasher(request, settings):
    """Argon2 is slow on purpose; only the tests of Argon2 itself (marked `argon2`) pay for it."""
    if request.node.get_closest_marker("argon2") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def generous_page_budget(request, settings):
    """The suite renders hundreds of pages a minute from one address; only the tests of the
    budget itself (marked `page_budget`) keep the production default."""
    if request.node.get_closest_marker("page_budget") is None:
        settings.UNCACHED_PAGES_BUDGET = {"limit": 100_000, "window": 60}


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate limits and cached pages of one test must not leak into the next."""
    cache.clear()
    local_pages.clear()
    yield
    cache.clear()
    local_pages.clear()


@pytest.fixture(autouse=True)
def isolated_media(settings, tmp_path):
    """Each test gets empty public and private media roots, and plain static files."""
    public, private = tmp_path / "public", tmp_path / "private"
    settings.MEDIA_ROOT = public
    settings.PRIVATE_MEDIA_ROOT = private
    settings.STORAGES = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": public, "base_url": settings.MEDIA_URL},
        },
        "private": {
            "BACKEND": "cases.storage.EncryptedStorage",
            "OPTIONS": {
                "backend": "django.core.files.storage.FileSystemStorage",
                "options": {"location": private, "base_url": None},
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return public, private


@pytest.fixture(autouse=True)
def isolated_open_data(settings, tmp_path):
    """Each test builds its own data files: one test's file must not be served in the next."""
    settings.OPEN_DATA_DIR = tmp_path / "open-data"
    return settings.OPEN_DATA_DIR


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail the test if any pixels get decoded."""
    from PIL import ImageFile

    def load(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


def authenticator(user):
    """The staff member's authenticator app, set up and confirmed (as /admin/2fa/setup/ does)."""
    device, _ = AuthenticatorDevice.objects.get_or_create(user=user, defaults={"name": "phone"})
    return device


def current_code(device):
    """The code the authenticator app shows right now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):0{device.digits}d}"


def log_in_to_admin(client, user, password="x" * 16):
    """Log in through the admin's form with password and a real two-factor code.

    Client.login() cannot stand in: axes refuses an authentication without its request.
    """
    response = client.post(
        "/admin/login/",
        {
            "username": user.username,
            "password": password,
            "otp_token": current_code(authenticator(user)),
        },
    )
    assert response.status_code == 302, "the admin login was refused"
    return client


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def watched(page):
    """Record the page's console errors and every request it makes, to assert on later."""
    page.set_default_timeout(10_000)
    # No transitions: a screenshot or an accessibility check mid-fade sees colours no one reads.
    page.emulate_media(reduced_motion="reduce")
    page.console_errors = []
    page.requested_urls = []
    page.on(
        "console",
        lambda m: m.type == "error" and page.console_errors.append(f"{m.text} {m.location}"),
    )
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    # blob: and data: URLs (photo previews) never leave the browser.
    page.on(
        "request",
        lambda r: r.url.startswith(("http:", "https:")) and page.requested_urls.append(r.url),
    )
    return page


def log_in_through_the_browser(hands, live_server, user, password):
    """Staff sign in to the admin as a person does: address, three fields, Enter.

    hands is a Playwright page, or a wrapper with its fill and press that counts the actions
    (and the page as `.page`).
    """
    page = getattr(hands, "page", hands)
    page.goto(f"{live_server.url}/admin/")
    hands.fill("#id_username", user.username)
    hands.fill("#id_password", password)
    hands.fill("#id_otp_token", current_code(authenticator(user)))
    hands.press("#id_otp_token", "Enter")
    page.wait_for_url(f"{live_server.url}/admin/")
    return hands


@pytest.fixture
def browser_page(live_server):
    """A headless Chromium page that records console errors and every request it makes.

    Uses Debian's chromium: Playwright's own browser download does not work on our machines.
    """
    if CHROMIUM is None:
        pytest.skip("No Chromium found: install it with `apt-get install chromium` (Debian).")
    # Playwright's sync API keeps an event loop in this thread; the test thread only sets up
    # rows before and reads them after, never concurrently with the live server's thread.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = watched(browser.new_page())
        yield page
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def worker_database_url(connection) -> str:
    """DATABASE_URL of the test database, for a worker process of its own."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


class WorkerProcess:
    """`manage.py run_worker` in a process of its own, on the test database and open data."""

    def __init__(self, settings):
        from django.db import connection

        self.env = os.environ | {
            "DATABASE_URL": worker_database_url(connection),
            "OPEN_DATA_DIR": str(settings.OPEN_DATA_DIR),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        }
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--no-reload", "--interval", "0.1"],
            env=self.env,
            cwd=Path(__file__).resolve().parent.parent,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        return self

    def kill(self):
        """As the out-of-memory killer would: no chance to finish anything."""
        self.process.kill()
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker(transactional_db, settings):
    """A real task worker running beside the test (the test's writes must commit)."""
    process = WorkerProcess(settings).start()
    yield process
    process.stop()
