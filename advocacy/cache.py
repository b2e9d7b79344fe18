"""Django's Redis cache, keeping one Redis client per connection pool instead of one per call.

Django's RedisCacheClient builds a new `redis.Redis` for every get or set, and redis-py fills a
table of response callbacks in each new client: measured, a large share of a cached page's time
(README, "Performance"). A client is only a handle on its pool and is safe to share between
threads, so keeping one per pool changes nothing else.

Django offers no public way to choose the client class or to reach the pool, so this uses three
of its private names: RedisCache._class, RedisCacheClient._get_connection_pool and ._client.
tests/test_library_internals.py fails when Django changes them, or stops building a client per
call (then this module can go).
"""

from django.core.cache.backends import redis as django_redis


class ReusingRedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
