"""Hardened for a hostile world: headers, production checks, private photos, Redis."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import override_settings

from cases import ratelimit
from cases.storage import private_file_response

from .conftest import (
    ENCRYPTION_KEYS_ENV,
    SCRATCH_REDIS_URL,
    redis_answers,
    scratch_redis_caches,
)
from .factories import make_case, make_photo, make_published_case

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {
    "SECRET_KEY": "production-like-secret-9f8Qz!Lm2@Rt5#Vw8$Yb1%Nc4^Hd7&Kg0*Jp3",
    "ALLOWED_HOSTS": "cases.example.org",
    "DATABASE_URL": "postgres://cases@db.example.org/cases",
    "BACKUP_RECIPIENTS": "age19p5ttlrcj3wann8wj4vd5datt2pzfgaml326z9zh8da340s0ua3slhrrd2",
} | ENCRYPTION_KEYS_ENV


def run_python(code, **env):
    """Import the settings alone in a fresh interpreter with production-like variables."""
    return run_manage(code=code, **env)


def run_manage(*args, code=None, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECURE_SSL_REDIRECT"}}
    return subprocess.run(
        [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args],
        env=clean | PRODUCTION_ENV | env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_production_settings_pass_the_deployment_checks():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.parametrize("url", ["/en/", "/en/report/", "/en/cases/", "/healthz"])
def test_every_response_carries_the_security_headers(client, url):
    make_published_case()
    response = client.get(url, secure=True)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_https_responses_carry_hsts_in_production(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/en/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_guesses_at_a_private_photo_are_404_to_the_public(client):
    photo = make_photo(make_case(), approved=False)
    name, private_bytes = photo.image.name, photo.image.read()
    for url in (
        f"/media/{name}",
        f"/media/private/{name}",
        f"/media/../private/{name}",
        f"/admin/cases/photo/{photo.pk}/file/image/",
    ):
        response = client.get(url)
        assert response.status_code in (302, 400, 404), url  # admin: to the login page
        assert private_bytes not in response.content


def test_an_unapproved_photo_of_a_published_case_has_no_public_file(client, isolated_media):
    case = make_published_case(photo_consent=True)
    photo = make_photo(case, approved=False)
    public_root, _ = isolated_media
    assert not any(public_root.rglob("*.jpg"))
    assert client.get(f"/media/{photo.image.name}").status_code == 404


def test_private_photos_are_streamed_decrypted_and_never_cached(isolated_media):
    photo = make_photo(make_case())
    jpeg = photo.image.read()
    response = private_file_response(photo.image)
    assert jpeg.startswith(b"\xff\xd8")
    assert b"".join(response.streaming_content) == jpeg
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]


def test_s3_settings_give_a_public_bucket_and_an_encrypted_private_one():
    code = (
        "import advocacy.settings as s;"
        "private = s.STORAGES['private'];"
        "print(s.STORAGES['default']['OPTIONS']['querystring_auth'], private['BACKEND'],"
        "private['OPTIONS']['backend'], private['OPTIONS']['options']['bucket_name'])"
    )
    result = run_python(code, S3_PUBLIC_BUCKET="cases-public", S3_PRIVATE_BUCKET="cases-private")
    assert result.stdout.split() == [
        "False",
        "cases.storage.EncryptedStorage",
        "storages.backends.s3.S3Storage",
        "cases-private",
    ], result.stderr


def test_one_bucket_without_the_other_is_refused():
    result = run_python("import advocacy.settings", S3_PUBLIC_BUCKET="cases-public")
    assert "Set both S3_PUBLIC_BUCKET and S3_PRIVATE_BUCKET" in result.stderr


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_rate_limits_are_shared_through_redis(rf):
    redis_cache = scratch_redis_caches("advocacy-test")
    with override_settings(CACHES=redis_cache):
        caches["default"].clear()
        request = rf.post("/en/report/", REMOTE_ADDR="203.0.113.9")
        results = [ratelimit.hit(request, scope="t", limit=2, window=60) for _ in range(3)]
        assert results == [True, True, False]
        assert caches["default"].get(f"ratelimit:t:{ratelimit.client_key(request)}") == 3
        caches["default"].clear()


def test_sessions_use_redis_when_redis_url_is_set():
    code = "import advocacy.settings as s; print(s.SESSION_ENGINE, s.CACHES['default']['BACKEND'])"
    result = run_python(code, REDIS_URL=SCRATCH_REDIS_URL)
    assert result.stdout.split() == [
        "django.contrib.sessions.backends.cached_db",
        "advocacy.cache.RedisCache",
    ], result.stderr


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_the_redis_cache_keeps_one_client_and_still_reads_what_it_wrote():
    redis_cache = scratch_redis_caches("advocacy-client-test")
    with override_settings(CACHES=redis_cache):
        cache = caches["default"]
        cache.set("page", {"generation": 7}, 60)
        cache.set("generation", 7, 60)
        cache.incr("generation")
        found = cache.get_many(["page", "generation"])
        assert found == {"page": {"generation": 7}, "generation": 8}
        assert cache._cache.get_client() is cache._cache.get_client(write=True)
        cache.delete_many(["page", "generation"])
