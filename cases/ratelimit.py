"""Per-client limits kept in Django's cache (LocMem in development, Redis in production)."""

from django.core.cache import cache
from django.utils.crypto import salted_hmac

from advocacy.clients import client_address


def client_key(request) -> str:
    """Who is asking, keyed with the secret so that the cache never holds anything from which
    a visitor's address could be recovered (a plain hash of an IPv4 address is reversible)."""
    address = client_address(request) or ""
    return salted_hmac("ratelimit", address, algorithm="sha256").hexdigest()[:32]


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
