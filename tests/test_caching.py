"""Anonymous public pages come from the cache, and never show a state older than the last edit."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache, caches
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from cases.caching import (
    GENERATION_KEY,
    PAGE_TIMEOUT,
    LocalPages,
    cache_public_page,
    local_pages,
    page_timeout,
)
from cases.models import Case, Citation, Name
from cases.services import publish_case, unpublish_case

from .conftest import redis_answers, scratch_redis_caches
from .factories import make_case, make_photo, make_published_case, make_source

pytestmark = pytest.mark.django_db

CACHED_URLS = [
    "/en/",
    "/en/cases/",
    "/en/sources/",
    "/en/stats/",
    "/en/about/",
    "/feeds/cases.atom",
    "/sitemap.xml",
    "/sitemap-cases.xml",
]
# /data/cases.json and .csv are served from files of their own, not this cache: test_open_data.py.


@pytest.mark.parametrize("url", CACHED_URLS)
def test_a_second_anonymous_visit_is_served_without_touching_the_database(
    client, django_assert_num_queries, url
):
    make_published_case()
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.status_code == 200
    assert second.content == first.content


def test_a_cached_case_page_costs_no_query(client, django_assert_num_queries):
    case = make_published_case()
    client.get(case.get_absolute_url())
    with django_assert_num_queries(0):
        assert client.get(case.get_absolute_url()).status_code == 200


def test_each_language_is_cached_apart(client):
    make_published_case()
    assert '<html lang="en"' in client.get("/en/").text
    assert '<html lang="ru"' in client.get("/ru/").text
    assert '<html lang="en"' in client.get("/en/").text


def test_the_query_string_is_part_of_the_cached_page(client):
    make_published_case(display_name="Only Missing", situation="missing")
    make_published_case(display_name="Only Released", situation="released")
    assert "Only Released" not in client.get("/en/cases/?situation=missing").text
    assert "Only Missing" not in client.get("/en/cases/?situation=released").text


def test_a_newly_published_case_shows_at_once_on_cached_pages(client):
    make_published_case(display_name="Old Case")
    for url in CACHED_URLS:
        client.get(url)
    make_published_case(display_name="Fresh Case")
    for url in ["/en/", "/en/cases/", "/feeds/cases.atom"]:
        assert "Fresh Case" in client.get(url).text, url


def test_an_unpublished_case_leaves_cached_pages_at_once(client):
    case = make_published_case(display_name="Leaving Case")
    url = case.get_absolute_url()
    for page in ["/en/", "/en/cases/", url, "/feeds/cases.atom"]:
        assert "Leaving Case" in client.get(page).text
    unpublish_case(case=case, by=None)
    assert client.get(url).status_code == 404
    for page in ["/en/", "/en/cases/", "/feeds/cases.atom"]:
        assert "Leaving Case" not in client.get(page).text, page


def test_an_edit_of_the_case_shows_at_once(client):
    case = make_published_case(display_name="Before Edit")
    client.get(case.get_absolute_url())
    case.display_name = "After Edit"
    case.save()
    assert "After Edit" in client.get(case.get_absolute_url()).text


@pytest.mark.parametrize("edit", ["source", "citation", "name", "event", "photo"])
def test_an_edit_of_what_a_case_page_shows_empties_the_cache(client, edit):
    case = make_published_case(photo_consent=True)
    photo = make_photo(case, alt_text="Before")
    publish_case(case=case, by=None)
    url = case.get_absolute_url()
    client.get(url)
    if edit == "source":
        source = case.citations.get().source
        source.title = "After"
        source.save()
    elif edit == "citation":
        Citation.objects.create(case=case, source=make_source(), claim="After")
    elif edit == "name":
        Name.objects.create(case=case, text="After", is_public=True)
    elif edit == "event":
        case.events.create(kind="detained", public_text="After")
    else:
        photo.refresh_from_db()
        photo.alt_text = "After"
        photo.save()
    assert "After" in client.get(url).text


def test_pages_for_staff_are_neither_served_from_nor_stored_in_the_cache(client):
    make_published_case()
    client.get("/en/")  # cached for the public
    staff = User.objects.create_user("editor", password="x" * 16, is_staff=True)
    client.force_login(staff)
    response = client.get("/en/")
    assert response.status_code == 200
    client.logout()
    make_published_case(display_name="Published Meanwhile")
    client.force_login(staff)
    client.get("/en/")
    client.logout()
    # If the staff visit had been stored, this would make no query.
    with CaptureQueriesContext(connection) as queries:
        assert "Published Meanwhile" in client.get("/en/").text
    assert len(queries) > 0


def test_public_pages_carry_no_csrf_token_and_set_no_cookie(client):
    case = make_published_case()
    for url in ["/en/", "/en/cases/", case.get_absolute_url(), "/en/stats/", "/en/about/"]:
        response = client.get(url)
        assert "csrfmiddlewaretoken" not in response.text
        assert not response.cookies, url


def view_using(effect):
    def view(request):
        effect(request)
        return HttpResponse(f"rendered {view.calls}")

    view.calls = 0

    def counting(request):
        view.calls += 1
        return view(request)

    return cache_public_page(counting), view


def anonymous_get(path="/en/x/"):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return request


def test_a_page_that_asked_for_a_csrf_token_is_never_cached():
    cached, view = view_using(get_token)
    cached(anonymous_get())
    cached(anonymous_get())
    assert view.calls == 2


def test_a_plain_page_is_rendered_once():
    cached, view = view_using(lambda request: None)
    cached(anonymous_get())
    cached(anonymous_get())
    assert view.calls == 1


def test_a_post_is_never_served_from_the_cache():
    cached, view = view_using(lambda request: None)
    cached(anonymous_get())
    request = RequestFactory().post("/en/x/")
    request.user = AnonymousUser()
    cached(request)
    assert view.calls == 2


@pytest.mark.parametrize("path", ["/en/", "/en/cases/?q=Name", "/en/sources/", "/ug/stats/"])
def test_a_cached_page_answers_a_conditional_get_without_rendering(
    client, django_assert_num_queries, path
):
    make_published_case(names=["Name Cited"])
    etag = client.get(path)["ETag"]
    with django_assert_num_queries(0):
        second = client.get(path, headers={"if-none-match": etag})
    assert second.status_code == 304
    assert second.content == b""


def test_a_case_page_answers_a_conditional_get_without_rendering(client, django_assert_num_queries):
    case = make_published_case()
    first = client.get(case.get_absolute_url())
    etag = first["ETag"]
    with django_assert_num_queries(0):
        second = client.get(case.get_absolute_url(), headers={"if-none-match": etag})
    assert second.status_code == 304
    assert second.content == b""


def test_a_signed_in_visitor_is_never_served_the_cached_page(client, admin_client):
    case = make_published_case()
    assert client.get(case.get_absolute_url()).has_header("ETag")  # now in the cache
    assert not admin_client.get(case.get_absolute_url()).has_header("ETag")


def test_a_session_cookie_that_signs_in_no_one_still_gets_the_cached_page(client):
    case = make_published_case()
    client.get(case.get_absolute_url())
    client.cookies["sessionid"] = "not-a-session"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(case.get_absolute_url())
    assert response.has_header("ETag")
    assert len(queries) == 1  # the session lookup, then the cached page


def test_a_staff_page_view_gets_no_etag_and_never_a_304(admin_client):
    case = make_published_case()
    response = admin_client.get(case.get_absolute_url(), headers={"if-none-match": "*"})
    assert response.status_code == 200
    assert not response.has_header("ETag")


def test_the_etag_changes_when_the_case_changes(client):
    case = make_published_case(display_name="Before")
    etag = client.get(case.get_absolute_url())["ETag"]
    case.display_name = "After"
    case.save()
    response = client.get(case.get_absolute_url(), headers={"if-none-match": etag})
    assert response.status_code == 200
    assert "After" in response.text
    assert response["ETag"] != etag


def test_the_etag_differs_between_languages(client):
    case = make_published_case()
    english = client.get(f"/en/cases/{case.reference}/")["ETag"]
    russian = client.get(f"/ru/cases/{case.reference}/", headers={"if-none-match": english})
    assert russian.status_code == 200
    assert russian["ETag"] != english


def test_an_unpublished_case_answers_a_stale_etag_with_404(client):
    case = make_published_case()
    etag = client.get(case.get_absolute_url())["ETag"]
    unpublish_case(case=case, by=None)
    response = client.get(case.get_absolute_url(), headers={"if-none-match": etag})
    assert response.status_code == 404


def test_a_draft_makes_no_etag(client):
    make_case(reference="DRAFTREF")
    response = client.get("/en/cases/DRAFTREF/")
    assert response.status_code == 404
    assert not response.has_header("ETag")


def test_with_a_per_process_memory_cache_pages_expire_within_seconds(client, settings):
    """Another gunicorn worker's edit cannot reach this process's memory: the entry must expire."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    make_published_case()
    noon = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)  # the same day throughout
    with time_machine.travel(noon, tick=False) as traveller:
        client.get("/en/")
        traveller.shift(60)
        with CaptureQueriesContext(connection) as queries:
            client.get("/en/")
    assert len(queries) > 0


def test_a_shared_cache_keeps_pages_until_the_next_edit(settings, tmp_path):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    assert page_timeout() == PAGE_TIMEOUT


# A shared cache (Redis in production) with this process's own copy in front of it ------------


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def shared_cache(settings, monkeypatch):
    """Redis as in production, the page cache's own memory on a clock the test moves."""
    if not redis_answers():
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = scratch_redis_caches("advocacy-page-test")
    settings.PAGE_CACHE_RECHECK_MS = 1000
    clock = Clock()
    monkeypatch.setattr(local_pages, "clock", clock)
    cache.clear()
    local_pages.clear()
    yield clock
    cache.clear()
    local_pages.clear()


def edit_elsewhere(case, **fields):
    """An edit through another gunicorn worker: the shared generation moves, not this process's."""
    Case.objects.filter(pk=case.pk).update(**fields)
    cache.incr(GENERATION_KEY)


def redis_calls(monkeypatch):
    """Records each read of the shared cache from now on."""
    backend, calls = caches["default"], []
    for name in ("get", "get_many"):
        original = getattr(backend, name)
        monkeypatch.setattr(
            backend, name, lambda *a, _o=original, _n=name, **k: calls.append(_n) or _o(*a, **k)
        )
    return calls


def test_a_repeated_hit_costs_no_round_trip_to_the_shared_cache(
    client, shared_cache, monkeypatch, django_assert_num_queries
):
    make_published_case()
    first = client.get("/en/")
    calls = redis_calls(monkeypatch)
    with django_assert_num_queries(0):
        again = client.get("/en/")
    assert (again.status_code, again.content) == (200, first.content)
    assert calls == []


def test_an_edit_made_elsewhere_shows_once_the_generation_is_read_again(client, shared_cache):
    case = make_published_case(display_name="Before the edit")
    assert "Before the edit" in client.get(case.get_absolute_url()).text
    edit_elsewhere(case, display_name="After the edit")
    shared_cache.now += 0.5  # within PAGE_CACHE_RECHECK_MS, the page as it was may still show
    assert "Before the edit" in client.get(case.get_absolute_url()).text
    shared_cache.now += 0.5
    assert "After the edit" in client.get(case.get_absolute_url()).text


def test_an_unpublication_made_in_this_process_shows_at_once(client, shared_cache):
    case = make_published_case()
    assert client.get(case.get_absolute_url()).status_code == 200
    unpublish_case(case=case, by=None)
    assert client.get(case.get_absolute_url()).status_code == 404


def test_a_page_newer_than_this_process_knows_is_served_as_it_is(client, shared_cache):
    case = make_published_case(display_name="Before the edit")
    client.get(case.get_absolute_url())
    edit_elsewhere(case, display_name="After the edit")
    shared_cache.now += 1
    assert "After the edit" in client.get(case.get_absolute_url()).text  # stored, newer
    local_pages.clear()  # another process, which last read the generation before the edit
    local_pages.remember_generation(cache.get(GENERATION_KEY) - 1)
    assert "After the edit" in client.get(case.get_absolute_url()).text


def test_this_process_keeps_only_so_many_bytes_of_pages():
    pages = LocalPages(max_bytes=800)
    for number in range(10):
        pages.keep(f"page {number}", 1, bytes(100))
    assert pages.page("page 0", 1) is None
    assert pages.page("page 9", 1) == bytes(100)
    assert sum(pages.page(f"page {n}", 1) is not None for n in range(10)) == 8


def test_pages_that_miss_the_cache_share_the_counts_until_public_data_changes(client):
    make_published_case(display_name="Counted")

    def queries_of(url):
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    # Another language is another page, which misses the cache; the counts are the same.
    first, second = queries_of("/en/"), queries_of("/ru/")
    assert second == first - 2  # the counts of published cases and of sources
    assert (queries_of("/en/stats/"), queries_of("/ru/stats/")) == (3, 0)
    make_published_case(display_name="Counted too")
    assert "2 published cases" in client.get("/en/stats/").text
