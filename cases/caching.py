"""Whole-page cache of public pages for anonymous visitors, emptied whenever public data changes.

Every cached page is stored with the "public generation" number current when it was rendered.
Any change of what the public sees bumps the number (cases/publicity.py: writes that change no
public byte leave it alone), so the next request finds its entry out of date, renders the current
state and replaces it. A hit costs no query and at
most two small reads of the cache; it answers a matching If-None-Match with 304.

With a shared cache (Redis), each process also keeps the pages it served last in its own memory
(`LocalPages`), and trusts the generation it read for PAGE_CACHE_RECHECK_MS: within that time a
hit costs no round trip at all, which is most of a cached page's cost (README, "Performance").
The price: for up to that long after a public edit made elsewhere, a process may still serve a
page as it was just before the edit. The process that made the edit forgets at once, and staff,
who are never served from the cache, always see the current state.
"""

import enum
import functools
import hashlib
import pickle
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.dispatch import Signal
from django.middleware.csp import get_nonce
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response

from . import error_pages, public_input, ratelimit

GENERATION_KEY = "public-pages:generation"
# In a shared cache (Redis) entries are invalidated explicitly; the timeout only bounds how long
# unused ones occupy memory.
PAGE_TIMEOUT = 24 * 60 * 60
# A memory cache belongs to one process: an edit made through one gunicorn worker bumps that
# worker's generation only, so elsewhere an unpublished case would linger until its entry expires.
# There, entries live seconds; production sets REDIS_URL.
LOCAL_PAGE_TIMEOUT = 10
# What one process keeps of the shared cache's pages in its own memory.
LOCAL_PAGES_MAX_BYTES = 16 * 1024 * 1024


class LocalPages:
    """This process's copy of the generation and of recently served pages, as pickled bytes.

    Pickled, so each hit gets a response object of its own for the middleware to add headers to.
    A lock, as runserver serves requests in threads; gunicorn's sync workers have one.
    """

    def __init__(self, max_bytes: int = LOCAL_PAGES_MAX_BYTES, clock=time.monotonic):
        self.max_bytes = max_bytes
        self.clock = clock
        self._lock = threading.Lock()
        self._pages: OrderedDict[str, tuple[int, bytes]] = OrderedDict()
        self._bytes = 0
        self._generation: tuple[int, float] | None = None  # (generation, when it was read)

    def trusted_generation(self, seconds: float) -> int | None:
        """The generation read less than `seconds` ago, if any."""
        remembered = self._generation
        if remembered is None or self.clock() - remembered[1] >= seconds:
            return None
        return remembered[0]

    def remember_generation(self, generation: int) -> None:
        self._generation = (generation, self.clock())

    def forget_generation(self) -> None:
        self._generation = None

    def page(self, key: str, generation: int) -> bytes | None:
        """The pickled page under key, if it was rendered at generation or after."""
        with self._lock:
            entry = self._pages.get(key)
            if entry is None or entry[0] < generation:
                return None
            self._pages.move_to_end(key)
            return entry[1]

    def keep(self, key: str, generation: int, pickled: bytes) -> None:
        if len(pickled) > self.max_bytes // 8:  # a page that big would push out dozens
            return
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= len(old[1])
            self._pages[key] = (generation, pickled)
            self._bytes += len(pickled)
            while self._bytes > self.max_bytes:
                _key, (_generation, evicted) = self._pages.popitem(last=False)
                self._bytes -= len(evicted)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0
            self._generation = None


local_pages = LocalPages()


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


# Sent once a change of public data is committed, with the generation it brought: what is built
# from public data ahead of visitors (the open data files, cases/tasks.py) starts again from it.
public_data_changed = Signal()


def bump_generation() -> None:
    """Forget every cached public page, now and again when the write commits.

    The bump at commit closes a race: a request that read the old rows while the transaction
    was open could otherwise cache them under the new number.
    """
    _bump()
    transaction.on_commit(_bump_committed, robust=True)


def _bump() -> int:
    local_pages.forget_generation()
    try:
        return cache.incr(GENERATION_KEY)
    except ValueError:  # the key was evicted: any fresh number will do
        generation = time.time_ns()
        cache.set(GENERATION_KEY, generation, timeout=None)
        return generation


def _bump_committed() -> None:
    public_data_changed.send(sender=None, generation=_bump())


class CacheReach(enum.Enum):
    """Who sees what the default cache holds, which decides how far this process may trust it."""

    NOBODY = "nobody"  # the dummy cache keeps nothing
    PROCESS = "process"  # a memory cache is one process's own
    SHARED = "shared"  # Redis: every process sees every write


def cache_reach() -> CacheReach:
    """The one place that looks at which cache backend is configured."""
    backend = caches["default"]
    if isinstance(backend, DummyCache):
        return CacheReach.NOBODY
    if isinstance(backend, LocMemCache):
        return CacheReach.PROCESS
    return CacheReach.SHARED


def page_timeout() -> int:
    """How long a page may be served from the cache without being rendered again."""
    return LOCAL_PAGE_TIMEOUT if cache_reach() is CacheReach.PROCESS else PAGE_TIMEOUT


def per_generation(name: str, compute):
    """A value computed from public data (a count, a range of years), kept until it changes.

    Pages that miss the page cache share these: after a publication the first page to need the
    count of published cases computes it, and every other page of every language reuses it.
    """
    key = f"public-data:{name}:{_generation()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, page_timeout())
    return value


def page_key(request) -> str:
    """Same page, language, host and day share an entry; the day, for "date accessed" in pages.

    The page is its path and the parameters it reads, as `cache_public_page` left them in
    request.GET (public_input.canonical_query): whatever else the address holds is no part of it.
    """
    parts = [
        translation.get_language() or "",
        request.scheme,
        request.get_host(),
        request.path,
        request.GET.urlencode(),
        timezone.localdate().isoformat(),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"public-pages:page2:{digest}"


def _recheck_seconds() -> float:
    """How long this process may trust the generation it read; 0 unless the cache is shared.

    A per-process memory cache is this process's already, and a dummy cache means no caching.
    """
    if cache_reach() is not CacheReach.SHARED:
        return 0.0
    return settings.PAGE_CACHE_RECHECK_MS / 1000


def _generation() -> int:
    """The generation, as this process last read it if it may still trust that."""
    recheck = _recheck_seconds()
    generation = local_pages.trusted_generation(recheck) if recheck else None
    if generation is None:
        generation = current_generation()
        if recheck:
            local_pages.remember_generation(generation)
    return generation


def cached_page(key: str) -> tuple[int, object | None]:
    """The generation to file a new page under, and the current page under key if there is one.

    From this process's memory when it read the generation lately, else from the shared cache.
    """
    generation = _generation()
    pickled = local_pages.page(key, generation)
    if pickled is None:
        entry = cache.get(key)
        # An entry of a later generation than this process knows is newer still, and as good.
        if entry is None or entry[0] < generation:
            return generation, None
        pickled = entry[1]
        if _recheck_seconds():
            local_pages.keep(key, entry[0], pickled)
    return generation, pickle.loads(pickled)  # noqa: S301 - our own cache, as Django's is


def store_page(key: str, generation: int, response) -> None:
    pickled = pickle.dumps(response, pickle.HIGHEST_PROTOCOL)
    cache.set(key, (generation, pickled), page_timeout())
    if _recheck_seconds():
        local_pages.keep(key, generation, pickled)


def page_etag(key: str, generation: int) -> str:
    """A validator that changes whenever the page's entry would: public data, language, day."""
    return '"' + hashlib.sha256(f"{key}|{generation}".encode()).hexdigest()[:32] + '"'


def _request_is_cacheable(request) -> bool:
    """Only anonymous reads: staff may see things the public must not get from a shared entry.

    Without a session cookie no one is signed in, and looking up the user (a large share of a
    cached page's own time, README "Performance") can be skipped; with one, the session decides.
    """
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return True
    return not request.user.is_authenticated


def _response_is_cacheable(request, response) -> bool:
    """Refuse anything that carries something of one visitor: a CSRF token, a message, a nonce.

    A page that asked for a CSRF token or a CSP nonce, or showed a message, would hand one
    visitor's token or message to every other visitor, and break their forms and scripts.
    """
    messages = get_messages(request)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(messages, "used", False)
        and not get_nonce(request)
    )


def cache_public_page(view=None, *, parameters: dict | None = None):
    """Serve anonymous GETs of a public page from the cache, storing what is safe to share.

    `parameters`: the GET parameters the view reads (public_input); the view sees only those,
    cleaned, and they alone tell one page from another. Rendering a page that is not in the cache
    takes one unit of the client's budget (UNCACHED_PAGES_BUDGET), so that a scraper cannot make
    the site render at will; cached pages are served to everyone whatever is left of it. A cached
    response carries an ETag, so a reader's browser or a proxy may ask again with If-None-Match
    and get a 304 without the page.
    """
    if view is None:
        return functools.partial(cache_public_page, parameters=parameters)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            request.GET = public_input.canonical_query(request.GET, parameters or {})
        except public_input.BadInput:
            return error_pages.bad_request(request)
        if not _request_is_cacheable(request):
            return view(request, *args, **kwargs)
        key = page_key(request)
        generation, response = cached_page(key)
        if response is not None:
            return get_conditional_response(request, etag=response["ETag"], response=response)
        if not ratelimit.hit(request, scope="uncached-pages", **settings.UNCACHED_PAGES_BUDGET):
            return error_pages.too_many_pages(request)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if _response_is_cacheable(request, response):
            response["ETag"] = page_etag(key, generation)
            # Stored under the generation read before rendering: if public data changed while
            # the view ran, this entry is already out of date and the next request renders.
            store_page(key, generation, response)
        return response

    return wrapper
