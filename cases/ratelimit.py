"""Per-client limits kept in Django's cache (LocMem in development, Redis in production)."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def client_key(request) -> str:
    """Who is asking, hashed so that the cache never holds a visitor's address in clear."""
    address = request.META.get(settings.CLIENT_IP_HEADER, "") or request.META.get("REMOTE_ADDR", "")
    return hashlib.sha256(address.encode()).hexdigest()[:32]


def hit(request, *, scope: str, limit: int, window: int) -> bool:
    """Count one attempt; True while this client stays within `limit` per `window` seconds."""
    key = f"ratelimit:{scope}:{client_key(request)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the entry expired between add and incr: this is a fresh window
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def is_limited(request, *, scope: str, limit: int) -> bool:
    """True when this client has used up its attempts, without counting a new one."""
    return cache.get(f"ratelimit:{scope}:{client_key(request)}", 0) >= limit
