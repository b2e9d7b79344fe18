"""Where our code relies on another library's private names, for a reason named beside it:
each test here fails loudly when the library changes what we rely on, or makes it needless."""

import inspect

import redis
from django.core.cache.backends import redis as django_redis
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import trans_real

from advocacy.cache import RedisCache, ReusingRedisCacheClient

# No command is sent: building clients and pools connects to nothing.
SERVER = "redis://127.0.0.1:6379/5"


def test_djangos_redis_cache_still_builds_its_client_the_way_advocacy_cache_expects():
    backend = RedisCache(SERVER, {})
    client = backend._cache
    assert isinstance(client, ReusingRedisCacheClient)
    assert (
        "write" in inspect.signature(django_redis.RedisCacheClient._get_connection_pool).parameters
    )
    assert client._client is redis.Redis
    first = client.get_client("a key", write=True)
    assert client.get_client("another key") is first
    assert first.connection_pool is client._get_connection_pool(True)


def test_djangos_own_redis_client_is_still_built_per_call_which_advocacy_cache_avoids():
    plain = django_redis.RedisCacheClient([SERVER])
    assert plain.get_client() is not plain.get_client(), "Django reuses clients now: drop ours"


def test_tote_is_right_to_left_through_djangos_public_calls():
    with translation.override("kk-arab"):
        assert translation.get_language_bidi()
        assert (
            Template("{% load i18n %}{% get_current_language_bidi as rtl %}{{ rtl }}").render(
                Context()
            )
            == "True"
        )
    with translation.override("kk"):
        assert not translation.get_language_bidi()


def test_django_still_decides_direction_from_the_base_language_alone():
    djangos = trans_real.get_language_bidi.__wrapped__
    with translation.override("kk-arab"):
        assert not djangos(), "Django reads the whole code now: drop advocacy.languages' patch"
