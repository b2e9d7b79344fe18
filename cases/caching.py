"""Whole-page cache of public pages for anonymous visitors, emptied whenever public data changes.

Every cached page is keyed by a "public generation" number kept in the cache. Any save or delete
of a model that public pages show bumps the number, so the next request misses and renders the
current state; stale entries are never read again and simply expire.
"""

import functools
import hashlib
import time

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation

GENERATION_KEY = "public-pages:generation"
# In a shared cache (Redis) entries are invalidated explicitly; the timeout only bounds how long
# unused ones occupy memory.
PAGE_TIMEOUT = 24 * 60 * 60
# A memory cache belongs to one process: an edit made through one gunicorn worker bumps that
# worker's generation only, so elsewhere an unpublished case would linger until its entry expires.
# There, entries live seconds; production sets REDIS_URL.
LOCAL_PAGE_TIMEOUT = 10


def current_generation() -> int:
    """The number every cached page is filed under; started from the clock if the cache lost it.

    Starting from the clock rather than from zero means a cache that lost this key (eviction,
    restart of one node) never goes back to a number that old pages were filed under.
    """
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY, 0)
    return generation


def bump_generation(**kwargs) -> None:
    """Signal receiver: forget every cached public page, now and again when the write commits.

    The bump at commit closes a race: a request that read the old rows while the transaction
    was open could otherwise cache them under the new number.
    """
    _bump()
    transaction.on_commit(_bump, robust=True)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # the key was evicted: any fresh number will do
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def connect_invalidation_signals(models) -> None:
    """Called from CasesConfig.ready(): signals here only ever empty the cache (CONVENTIONS.md)."""
    for model in models:
        uid = f"public-pages-{model._meta.label_lower}"
        post_save.connect(bump_generation, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(bump_generation, sender=model, dispatch_uid=f"{uid}-delete")


def page_timeout() -> int:
    """How long a page may be served from the cache without being rendered again."""
    process_local = isinstance(caches["default"], LocMemCache)
    return LOCAL_PAGE_TIMEOUT if process_local else PAGE_TIMEOUT


def page_key(request) -> str:
    """Same page, language, host and day share an entry; the day, for "date accessed" in pages."""
    parts = [
        str(current_generation()),
        translation.get_language() or "",
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        timezone.localdate().isoformat(),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"public-pages:page:{digest}"


def _request_is_cacheable(request) -> bool:
    """Only anonymous reads: staff may see things the public must not get from a shared entry."""
    return request.method in ("GET", "HEAD") and not request.user.is_authenticated


def _response_is_cacheable(request, response) -> bool:
    """Refuse anything that carries something of one visitor: a CSRF token, a message, a nonce.

    A page that asked for a CSRF token or a CSP nonce, or showed a message, would hand one
    visitor's token or message to every other visitor, and break their forms and scripts.
    """
    messages = getattr(request, "_messages", None)
    nonce = getattr(request, "_csp_nonce", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (messages is not None and messages.used)
        and not nonce
    )


def cache_public_page(view):
    """Serve anonymous GETs of a public page from the cache, storing what is safe to share."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _request_is_cacheable(request):
            return view(request, *args, **kwargs)
        key = page_key(request)
        cached = cache.get(key)
        if cached is not None:
            return cached
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if _response_is_cacheable(request, response):
            cache.set(key, response, page_timeout())
        return response

    return wrapper
