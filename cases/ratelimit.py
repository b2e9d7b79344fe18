"""Per-client limits kept in Django's cache (LocMem in development, Redis in production).

Every count is atomic (`add`, then `incr`): an attempt is counted before it is looked at, so
twenty requests at once get exactly as many answers as the limit allows, never more.
"""

from contextlib import suppress

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac

from advocacy.clients import client_address


def _digest(*parts: str) -> str:
    """Keyed with the secret, so that the cache never holds anything from which an address or
    a cookie could be recovered (a plain hash of an IPv4 address is reversible)."""
    return salted_hmac("ratelimit", "\n".join(parts), algorithm="sha256").hexdigest()[:32]


def client_key(request) -> str:
    """Who is asking: the client's address."""
    return _digest(client_address(request) or "")


def browser_key(request) -> str:
    """One browser at that address: the address with the browser's CSRF secret.

    Every form here needs that cookie, so each person at the office's shared address counts
    apart. A browser without one yet is given it with this answer (get_token), and keeps its
    count. A script that drops its cookies gets a fresh count each time, which is why the
    address keeps a count of its own as well.
    """
    get_token(request)
    return _digest(client_address(request) or "", request.META.get("CSRF_COOKIE", ""))


def _count(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # the entry expired between add and incr: this is a fresh window
        cache.set(key, 1, timeout=window)
        return 1


def hit(request, *, scope: str, limit: int, window: int) -> bool:
    """Count one attempt; True while this client stays within `limit` per `window` seconds."""
    return _count(f"ratelimit:{scope}:{client_key(request)}", window) <= limit


class ReceiptAttempt:
    """One try of a receipt code, counted for the browser and for its address at once.

    Counted before the code is looked up; a code that opens a report gives its count back, so
    only wrong codes use up a budget. One person's mistakes spend their browser's budget (the
    strict RECEIPT_ATTEMPTS_LIMIT) and only a share of the address's (the generous
    RECEIPT_ADDRESS_ATTEMPTS_LIMIT): the next relative at the office's shared address still
    gets in with their right code.
    """

    def __init__(self, request):
        self.keys = [
            (f"ratelimit:receipt:{browser_key(request)}", settings.RECEIPT_ATTEMPTS_LIMIT),
            (
                f"ratelimit:receipt-address:{client_key(request)}",
                settings.RECEIPT_ADDRESS_ATTEMPTS_LIMIT,
            ),
        ]
        counts = [(_count(key, rule["window"]), rule["limit"]) for key, rule in self.keys]
        self.allowed = all(count <= limit for count, limit in counts)

    def succeeded(self) -> None:
        for key, _rule in self.keys:
            with suppress(ValueError):  # expired meanwhile: nothing left to give back
                cache.decr(key)


def first_use(scope: str, token: str, *, window: int) -> bool:
    """True the first time `token` is presented within `window` seconds, False after that."""
    return cache.add(_once_key(scope, token), True, timeout=window)


def forget_use(scope: str, token: str) -> None:
    """The use did not happen after all (storing failed): the token may be presented again."""
    cache.delete(_once_key(scope, token))


def _once_key(scope: str, token: str) -> str:
    return f"once:{scope}:{_digest(token)}"
