"""Whole-page cache of public pages for anonymous visitors, emptied whenever public data changes.

Every cached page is stored with the "public generation" number current when it was rendered.
Any save or delete of a model that public pages show bumps the number, so the next request finds
its entry out of date, renders the current state and replaces it. A hit costs one round trip to
the cache, which returns the number and the page together, and no query; it answers a matching
If-None-Match with 304.
"""

import functools
import hashlib
import time

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response

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
        translation.get_language() or "",
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        timezone.localdate().isoformat(),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"public-pages:page:{digest}"


def _generation_and_entry(key: str) -> tuple[int, tuple | None]:
    """The current generation and the entry stored under key, in one round trip to the cache."""
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        generation = current_generation()
    return generation, found.get(key)


def page_etag(key: str, generation: int) -> str:
    """A validator that changes whenever the page's entry would: public data, language, day."""
    return '"' + hashlib.sha256(f"{key}|{generation}".encode()).hexdigest()[:32] + '"'


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
    """Serve anonymous GETs of a public page from the cache, storing what is safe to share.

    A cached response carries an ETag, so a reader's browser or a proxy may ask again with
    If-None-Match and get a 304 without the page.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _request_is_cacheable(request):
            return view(request, *args, **kwargs)
        key = page_key(request)
        generation, entry = _generation_and_entry(key)
        if entry is not None and entry[0] == generation:
            response = entry[1]
            return get_conditional_response(request, etag=response["ETag"], response=response)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if _response_is_cacheable(request, response):
            response["ETag"] = page_etag(key, generation)
            # Stored under the generation read before rendering: if public data changed while
            # the view ran, this entry is already out of date and the next request renders.
            cache.set(key, (generation, response), page_timeout())
        return response

    return wrapper
