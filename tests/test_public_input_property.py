"""Every public URL pattern, every GET parameter, arbitrary text: never a 5xx, on either database.

Text includes NUL and other control characters, lone surrogates (sent as the bytes UTF-8 would
give them, which are not UTF-8), right-to-left marks, 10,000 characters and 500 words.
"""

from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .factories import make_published_case, make_source

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "kk", "ru", "ug", "zh-hans"]
# Every public URL pattern by name, its path with "{lang}" and "{}" for the path parameter.
ROUTES = {
    "root": "/",
    "healthz": "/healthz",
    "feed_cases": "/feeds/cases.atom",
    "sitemap": "/sitemap.xml",
    "sitemap_section": "/sitemap-{}.xml",
    "data_cases_json": "/data/cases.json",
    "data_cases_csv": "/data/cases.csv",
    "cases:home": "/{lang}/",
    "cases:report": "/{lang}/report/",
    "cases:report_status": "/{lang}/report/status/",
    "cases:report_add": "/{lang}/report/status/add/",
    "cases:report_forget": "/{lang}/report/status/forget/",
    "cases:case_list": "/{lang}/cases/",
    "cases:case_detail": "/{lang}/cases/{}/",
    "cases:source_list": "/{lang}/sources/",
    "cases:source_detail": "/{lang}/sources/{}/",
    "cases:stats": "/{lang}/stats/",
    "cases:about": "/{lang}/about/",
    # Development and tests only (SERVE_MEDIA); nginx serves it in production.
    None: "/media/{}",
}
# Every parameter any public page reads, and some no page reads.
PARAMETERS = ["q", "situation", "prefecture", "year", "page", "p", "r", "utm_source", ""]

RIGHT_TO_LEFT = ["\u200f", "\u200e", "\u202e", "\u2067", "\u061c"]
hostile_text = st.one_of(
    st.text(),
    st.text(st.characters(codec=None, categories=["Cc", "Cs", "Cf", "Zs"])),
    st.text(st.sampled_from(["\x00", "\ud800", "\udfff", "a", " ", "%", "/", *RIGHT_TO_LEFT])),
    st.just("x" * 10_000),
    st.just("ab " * 500),
    st.just("ab " * 62),
    st.just("\u200fئادىل " * 60),
    st.just("../../etc/passwd"),
    st.just("//evil.example/"),
)


def encoded(text: str) -> str:
    """As a client puts it on the wire: UTF-8, with lone surrogates as their 3-byte forms."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def public_pattern_names() -> set:
    """The names of every URL pattern outside the admin, from the URL configuration itself."""
    found = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name != "admin":
                    walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                found.add(
                    f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
                )

    walk(get_resolver().url_patterns, None)
    return found


def test_the_routes_below_are_every_public_pattern():
    assert public_pattern_names() == set(ROUTES)


@pytest.fixture
def published():
    return make_published_case(names=["Adil Ergazy", "Әділ Ерғазы"], source=make_source())


# Routes whose pages read GET parameters, and the parameters each reads (cases/public_input.py).
DECLARED = [
    *(("/{lang}/cases/", name) for name in ("q", "situation", "prefecture", "year", "page")),
    ("/{lang}/sources/", "page"),
    ("/{lang}/sources/{}/", "page"),
    ("/sitemap-{}.xml", "p"),
]
EXAMPLES = settings(
    max_examples=25,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def fill(route: str, language: str, segment: str) -> str:
    return route.replace("{lang}", language).replace("{}", encoded(segment))


def answer(client, method: str, path: str, query) -> int:
    if query:
        path += "?" + "&".join(f"{encoded(name)}={encoded(value)}" for name, value in query)
    status = client.generic(method, path).status_code
    assert status < 500, (path[:300], status)
    return status


@pytest.mark.parametrize("route", sorted(ROUTES.values()))
@EXAMPLES
@given(
    language=st.sampled_from([*LANGUAGES, "xx"]),
    segment=hostile_text,
    query=st.lists(st.tuples(st.sampled_from(PARAMETERS), hostile_text), max_size=3),
    method=st.sampled_from(["GET", "HEAD"]),
)
def test_no_address_gives_a_server_error(
    client, published, route, language, segment, query, method
):
    answer(client, method, fill(route, language, segment), query)


@pytest.mark.parametrize(("route", "parameter"), DECLARED)
@EXAMPLES
@given(language=st.sampled_from(LANGUAGES), value=hostile_text)
def test_no_value_of_a_parameter_a_page_reads_gives_a_server_error(
    client, published, route, parameter, language, value
):
    segment = "cases" if route.startswith("/sitemap") else str(published.citations.get().source_id)
    answer(client, "GET", fill(route, language, segment), [(parameter, value)])


@settings(
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(code=hostile_text, language=st.sampled_from(LANGUAGES))
def test_no_receipt_code_gives_a_server_error(client, code, language):
    body = "code=" + encoded(code)
    response = client.generic(
        "POST",
        f"/{language}/report/status/",
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code < 500
