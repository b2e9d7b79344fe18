"""A scraper's and a prober's requests: no cache bypass, no 500, no link to another host.

Pages declare the GET parameters they read (cases/public_input.py); anything else in an address
is ignored, and the page is served from the cache as if it were not there. Work that misses the
cache costs the client's budget of rendered pages per minute.
"""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import search
from cases.models import Case, Name, Report, Situation
from cases.public_input import MAX_TEXT_LENGTH

from .conftest import log_in_to_admin
from .factories import make_case, make_published_case, make_source

pytestmark = pytest.mark.django_db


def queries_of(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, len(queries)


@pytest.fixture
def case():
    return make_published_case(
        display_name="Adil Ergazy",
        names=["Adil Ergazy"],
        source=make_source(),
        situation=Situation.MISSING,
    )


def case_pages(case):
    source = case.citations.get().source
    return [
        "/en/",
        "/en/cases/",
        case.get_absolute_url(),
        "/en/sources/",
        f"/en/sources/{source.pk}/",
        "/en/stats/",
        "/en/about/",
        "/feeds/cases.atom",
        "/sitemap.xml",
    ]


def test_an_unknown_parameter_is_served_from_the_cache_without_a_query(client, case):
    for url in case_pages(case):
        first = client.get(url)
        assert first.status_code == 200, url
        for junk in ("?r=1", "?r=2&utm_source=x", "?nocache=a%00b", "?page=1&r=3"):
            response, queries = queries_of(client, url + junk)
            assert response.status_code == 200, url + junk
            assert queries == 0, url + junk
            assert response.content == first.content, url + junk


def test_one_search_however_spelt_is_one_cached_page(client, case):
    first = client.get("/en/cases/?q=Adil&situation=missing")
    assert "Adil Ergazy" in first.text
    for spelling in (
        "?situation=missing&q=Adil",
        "?q=++Adil+&situation=missing&prefecture=&year=&page=",
        "?q=Adil&situation=missing&situation=missing&page=1",
        "?q=Adil&situation=missing&page=abc",
        "?q=Adil&situation=missing&prefecture=no-such-prefecture",
    ):
        response, queries = queries_of(client, "/en/cases/" + spelling)
        assert queries == 0, spelling
        assert response.content == first.content, spelling


def test_a_page_number_is_one_address_however_written(client, case):
    _response, _queries = queries_of(client, "/en/sources/")
    for spelling in ("?page=1", "?page=01", "?page=0", "?page=-1", "?page=99999999999"):
        response, queries = queries_of(client, "/en/sources/" + spelling)
        assert (response.status_code, queries) == (200, 0), spelling


def test_links_on_a_page_carry_no_parameter_it_does_not_read(client, case):
    page = client.get("/en/cases/?q=Adil&tracker=zqjunkqz").text
    assert "zqjunkqz" not in page
    assert 'href="/ru/cases/?q=Adil"' in page


@pytest.mark.page_budget
def test_a_client_past_its_budget_gets_a_429_in_its_language_while_cached_pages_still_open(
    client, case, settings
):
    settings.UNCACHED_PAGES_BUDGET = {"limit": 3, "window": 60}
    case_page = case.get_absolute_url()
    client.get(case_page)  # rendered (1 of 3), now cached for everyone
    for word in ("Adil", "Ergazy"):
        assert client.get(f"/ru/cases/?q={word}").status_code == 200
    refused = client.get("/ru/cases/?q=Another")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert '<html lang="ru"' in refused.text
    assert "Слишком много поисков" in refused.text
    assert client.get(case_page).status_code == 200  # cached: still served
    assert client.get("/ru/cases/?q=Adil").status_code == 200  # and so is a cached search
    assert client.get("/ru/cases/?q=Another", REMOTE_ADDR="203.0.113.9").status_code == 200


@pytest.mark.page_budget
def test_the_budget_counts_each_render_once_whatever_the_junk(client, case, settings):
    settings.UNCACHED_PAGES_BUDGET = {"limit": 2, "window": 60}
    case_page = case.get_absolute_url()
    for number in range(20):  # junk never reaches the budget: it is the cached page
        assert client.get(f"{case_page}?r={number}").status_code == 200
    assert client.get("/en/cases/?q=Adil").status_code == 200
    assert client.get("/en/cases/?q=Nobody").status_code == 429


@pytest.mark.parametrize(
    "path",
    [
        "/en/cases/%00/",
        "/en/cases/%00%00%00%00%00%00%00%00/",
        "/en/cases/abcdefgh/",
        "/en/cases/" + "A" * 5000 + "/",
        "/en/cases/%ED%A0%80/",
        "/en/sources/0/",
        "/en/sources/007/",
        "/en/sources/-1/",
        "/en/sources/99999999999999999999999/",
        "/en/sources/%00/",
    ],
)
def test_a_malformed_path_parameter_is_a_404_before_any_query(client, path):
    response, queries = queries_of(client, path)
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert queries == 0


@pytest.mark.parametrize(
    "query",
    [
        "q=%00",
        "q=Adil%00Ergazy",
        "q=Adil%01",
        "q=%ED%A0%80",  # a lone surrogate, as UTF-8 would spell it
        "q=%FF%FE",  # not UTF-8 at all
        "q=" + "a" * (MAX_TEXT_LENGTH + 1),
        "q=" + "ab+" * 62,
        "q=" + "x+" * 500,
    ],
)
def test_unreadable_search_text_is_a_400_in_the_visitors_language_without_a_query(
    client, case, query
):
    response, queries = queries_of(client, "/kk/cases/?" + query)
    assert response.status_code == 400
    assert '<html lang="kk"' in response.text
    assert "Бұл мекенжайды оқу мүмкін емес" in response.text
    assert queries == 0


def test_right_to_left_marks_and_arabic_joiners_are_searched_not_refused(client):
    make_published_case(names=["ئادىل ئەرغازى"])
    response = client.get("/ug/cases/", {"q": "\u200fئادىل\u200c"})
    assert response.status_code == 200


def test_search_text_with_tabs_and_newlines_is_searched_as_words(client, case):
    response = client.get("/en/cases/", {"q": "Adil\t\nErgazy"})
    assert response.status_code == 200
    assert "Adil Ergazy" in response.text


def test_sixty_two_short_words_search_without_overflowing_sqlites_parser(case):
    # The admin and the duplicate finder search too: the bound is in names.query_words.
    assert list(search.search_cases(Case.objects.published(), "ad " * 62)) == [case]


def test_duplicates_of_a_name_of_many_words_are_found_without_overflowing_the_parser(case):
    other = make_case(display_name="Another")
    Name.objects.create(case=other, text="ad " * 62)
    assert [found for found, _score, _reasons in search.likely_duplicates(other)] == [case]


def test_the_admin_search_of_many_words_answers(client, case, admin_user):
    response = log_in_to_admin(client, admin_user, "password").get(
        "/admin/cases/case/", {"q": "ab " * 70}
    )
    assert response.status_code == 200


def test_a_path_that_looks_like_another_host_gets_no_link_to_it(client):
    # gunicorn hands "//evil.example/en/" on as the path; Django's test client would not.
    response = client.get("/", PATH_INFO="//evil.example/en/")
    assert response.status_code == 404
    assert "evil.example" not in response.text
    for href in re.findall(r'href="([^"]*)"', response.text):
        # Absolute links go to our own address only (hreflang alternates, from SITE_URL).
        own = href.startswith(settings.SITE_URL + "/")
        assert not href.startswith("//") and ("://" not in href or own), href


def test_language_links_of_a_case_page_lead_to_the_same_case(client, case):
    page = client.get(case.get_absolute_url()).text
    for language in ("kk", "ru", "ug", "zh-hans"):
        assert f'href="/{language}/cases/{case.reference}/"' in page


def every_get_page(case):
    return [
        *case_pages(case),
        "/",
        "/healthz",
        "/en/report/",
        "/en/report/status/",
        "/data/cases.json",
        "/data/cases.csv",
        "/sitemap-cases.xml",
        "/admin/login/",
    ]


def test_head_works_wherever_get_does(client, case):
    for url in every_get_page(case):
        get = client.get(url)
        head = client.head(url)
        assert head.status_code == get.status_code, url
        body = b"".join(head.streaming_content) if head.streaming else head.content
        assert body == b"", url


def test_head_of_the_report_form_stores_nothing(client):
    assert client.head("/en/report/").status_code == 200
    assert client.head("/en/report/status/").status_code == 200
    assert not Report.objects.exists()


@pytest.mark.page_budget
@pytest.mark.django_db(transaction=True)
def test_concurrent_searches_from_one_client_get_exactly_its_budget(settings):
    """Counted with add then incr, never read then written: no burst gets past the limit."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections
    from django.test import Client

    settings.UNCACHED_PAGES_BUDGET = {"limit": 10, "window": 60}

    def search(number):
        try:
            return Client().get(f"/en/cases/?q=nobody{number}").status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(search, range(30)))
    assert statuses.count(200) == 10
    assert statuses.count(429) == 20
