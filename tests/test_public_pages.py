"""Public pages show published cases only, in every language, in a constant number of queries."""

import re
from datetime import date

import pytest
from django.test import Client

from cases.models import Case, Citation, Name, Photo, Prefecture, Situation
from cases.public import CASES_PER_PAGE
from cases.services import publish_case

from .factories import make_case, make_photo, make_published_case, make_source

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "kk", "kk-arab", "ru", "ug", "zh-hans"]


def test_root_redirects_to_the_language_the_browser_asks_for(client):
    response = client.get("/", headers={"accept-language": "ru,en;q=0.5"})
    assert response.status_code == 302
    assert response["Location"] == "/ru/"


def test_root_redirects_to_kazakh_by_default():
    assert Client().get("/")["Location"] == "/kk/"


@pytest.mark.parametrize(
    ("language", "tag", "direction"),
    [
        ("en", "en", "ltr"),
        ("kk", "kk", "ltr"),
        ("kk-arab", "kk-Arab", "rtl"),
        ("ru", "ru", "ltr"),
        ("ug", "ug", "rtl"),
        ("zh-hans", "zh-Hans", "ltr"),
    ],
)
def test_home_sets_language_and_direction(client, language, tag, direction):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    assert f'<html lang="{tag}" dir="{direction}">' in response.text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", ["", "cases/", "sources/", "stats/", "about/"])
def test_every_public_page_exists_in_every_language(client, language, page):
    make_published_case()
    assert client.get(f"/{language}/{page}").status_code == 200


def test_home_lists_published_cases_and_never_drafts(client):
    make_published_case(display_name="Published Person")
    make_case(display_name="Draft Person")
    response = client.get("/en/")
    assert "Published Person" in response.text
    assert "Draft Person" not in response.text
    assert "1 case is published." in response.text


def test_home_says_how_to_report_and_links_the_form(client):
    page = client.get("/en/").text
    assert "How to report a missing relative" in page
    assert 'href="/en/report/"' in page
    assert 'href="/en/report/status/"' in page


def test_navigation_links_statistics_and_about_and_the_footer_links_about(client):
    page = client.get("/en/").text
    assert 'href="/en/stats/"' in page
    assert page.count('href="/en/about/"') >= 2  # nav and footer
    assert 'href="/en/about/#corrections"' in page


def test_the_language_switcher_links_this_page_in_each_language_without_a_form(client):
    case = make_published_case()
    page = client.get(f"/en/cases/{case.reference}/").text
    for language in LANGUAGES:
        assert f'href="/{language}/cases/{case.reference}/" hreflang="{language}"' in page
    assert 'aria-current="true">English</a>' in page
    assert "csrfmiddlewaretoken" not in page
    assert "<form" not in page.split("<main")[0]  # no POST form in the header


def test_the_language_switcher_keeps_the_query_string(client):
    page = client.get("/en/cases/?situation=missing").text
    assert 'href="/ru/cases/?situation=missing"' in page


def test_case_page_shows_its_citation(client):
    source = make_source(
        title="Camp survivors speak", publisher="Example Wire", url="https://news.example/a"
    )
    case = make_published_case(source=source, display_name="Cited Person")
    response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    assert "Camp survivors speak" in response.text
    assert 'href="https://news.example/a"' in response.text


def test_case_page_shows_public_spellings_in_bdi_but_never_hidden_ones(client):
    case = make_published_case(names=["Әділғазы Ерғазы", "阿地力加孜"])
    Name.objects.create(case=case, text="Hidden Legalname", is_public=False)
    page = client.get(case.get_absolute_url()).text
    assert "<bdi>Әділғазы Ерғазы</bdi>" in page
    assert '<bdi lang="zh">阿地力加孜</bdi>' in page
    assert "Hidden Legalname" not in page


def test_case_page_says_how_to_cite_it_with_reference_url_and_dates(client):
    case = make_published_case(display_name="Citable Person")
    page = client.get(case.get_absolute_url()).text
    assert "How to cite this page" in page
    assert f"case {case.reference}" in page
    assert f"http://testserver/en/cases/{case.reference}/" in page
    assert "Last updated" in page
    assert "Accessed" in page


def test_case_page_says_how_to_send_a_correction(client):
    case = make_published_case()
    page = client.get(case.get_absolute_url()).text
    assert 'href="/en/about/#corrections"' in page
    assert f"quoting the reference {case.reference}" in page


def test_case_page_has_open_graph_meta_with_only_the_public_photo(client):
    case = make_case(photo_consent=True, public_summary="Taken from home in 2018.")
    public = make_photo(case, alt_text="portrait")
    make_photo(case, approved=False, alt_text="not approved")
    Citation.objects.create(case=case, source=make_source(), claim="Detained")
    case = publish_case(case=case, by=None)
    public.refresh_from_db()
    page = client.get(case.get_absolute_url()).text
    assert f'<meta property="og:title" content="{case.display_name}">' in page
    assert '<meta property="og:description" content="Taken from home in 2018.">' in page
    assert f'content="http://testserver/en/cases/{case.reference}/"' in page
    assert f'<meta property="og:image" content="http://testserver{public.public_url}">' in page
    assert page.count('property="og:image"') == 1


def test_case_page_has_no_og_image_without_photo_consent(client):
    case = make_case(photo_consent=False)
    make_photo(case)
    Citation.objects.create(case=case, source=make_source(), claim="Detained")
    case = publish_case(case=case, by=None)
    page = client.get(case.get_absolute_url()).text
    assert "og:image" not in page
    assert "/media/" not in page


@pytest.mark.parametrize("status", [Case.Status.DRAFT, Case.Status.IN_REVIEW, Case.Status.HIDDEN])
def test_an_unpublished_case_is_not_found_even_by_its_reference(client, status):
    case = make_case(status=status, reference="KNOWNREF")
    response = client.get("/en/cases/KNOWNREF/")
    assert response.status_code == 404
    assert case.display_name not in response.text


def test_a_source_cited_only_by_unpublished_cases_is_not_listed(client):
    source = make_source(title="Only cited by a draft")
    Citation.objects.create(case=make_case(), source=source, claim="x")
    assert "Only cited by a draft" not in client.get("/en/sources/").text
    assert client.get(f"/en/sources/{source.pk}/").status_code == 404


def test_the_source_list_names_the_published_cases_each_source_supports(client):
    source = make_source(title="Shared coverage")
    make_published_case(source=source, display_name="First Supported")
    make_published_case(source=source, display_name="Second Supported")
    draft = make_case(display_name="Draft Supported")
    Citation.objects.create(case=draft, source=source, claim="x")
    page = client.get("/en/sources/").text
    assert "<bdi>First Supported</bdi>" in page
    assert "<bdi>Second Supported</bdi>" in page
    assert "Draft Supported" not in page


def test_the_source_list_names_a_few_cases_and_links_to_all_of_them(client):
    source = make_source(title="Widely cited")
    for number in range(7):
        case = make_published_case(source=source, display_name=f"Cited Person {number}")
        Citation.objects.create(case=case, source=source, claim="A second claim")
    page = client.get("/en/sources/").text
    named = [number for number in range(7) if f"<bdi>Cited Person {number}</bdi>" in page]
    assert named == [2, 3, 4, 5, 6]  # the five added last, each once
    assert f'<a href="{source.get_absolute_url()}">all the cases it supports</a>' in page


def test_the_source_list_links_to_more_cases_only_when_there_are_more(client):
    source = make_source(title="Cited five times")
    for number in range(5):
        make_published_case(source=source, display_name=f"Cited Person {number}")
    page = client.get("/en/sources/").text
    assert page.count("<bdi>Cited Person") == 5
    assert "all the cases it supports" not in page


def test_the_source_page_lists_its_cases_a_page_at_a_time(client):
    source = make_source(title="Widely cited")
    for number in range(CASES_PER_PAGE + 1):
        make_published_case(source=source, display_name=f"Cited Person {number}")
    first = client.get(source.get_absolute_url()).text
    second = client.get(source.get_absolute_url() + "?page=2").text
    assert first.count("Cited Person") == CASES_PER_PAGE
    assert "Page 1 of 2" in first
    assert second.count("Cited Person") == 1
    assert "<bdi>Cited Person 0</bdi>" in second


def test_the_source_page_says_what_it_supports_for_each_case(client):
    source = make_source(title="One story")
    case = make_published_case(source=source, display_name="Supported Person")
    Citation.objects.create(case=case, source=source, claim="Sentenced in 2019", locator="p. 4")
    page = client.get(source.get_absolute_url()).text
    assert "<bdi>Supported Person</bdi>" in page
    assert "<bdi>Sentenced in 2019</bdi> (<bdi>p. 4</bdi>)" in page


def test_unapproved_photos_never_appear_on_a_case_page(client):
    case = make_case(photo_consent=True)
    approved = make_photo(case, approved=True, alt_text="approved portrait")
    make_photo(case, approved=False, alt_text="unapproved portrait")
    Citation.objects.create(case=case, source=make_source(), claim="Detained")
    case = publish_case(case=case, by=None)
    approved.refresh_from_db()
    page = client.get(case.get_absolute_url()).text
    assert approved.public_url in page
    assert "unapproved portrait" not in page


def test_a_result_card_shows_the_public_photo_name_situation_and_hometown(client):
    case = make_case(
        display_name="Card Person",
        photo_consent=True,
        situation=Situation.MISSING,
        hometown_prefecture=Prefecture.ILI,
        hometown_detail="Kunes county",
    )
    photo = make_photo(case, alt_text="Card portrait")
    Citation.objects.create(case=case, source=make_source(), claim="Missing")
    publish_case(case=case, by=None)
    photo.refresh_from_db()
    page = client.get("/en/cases/").text
    assert f'src="{photo.public_url}" alt="Card portrait"' in page
    assert "<bdi>Card Person</bdi>" in page
    assert "Missing · since March 2018" in page
    assert "Ili, <bdi>Kunes county</bdi>" in page


def test_the_case_list_filters_by_situation_prefecture_and_year(client):
    make_published_case(
        display_name="Camp Ili 2017",
        situation=Situation.DETAINED_CAMP,
        hometown_prefecture=Prefecture.ILI,
        situation_date=date(2017, 5, 1),
    )
    make_published_case(
        display_name="Camp Altay 2018",
        situation=Situation.DETAINED_CAMP,
        hometown_prefecture=Prefecture.ALTAY,
        situation_date=date(2018, 5, 1),
    )
    make_published_case(
        display_name="Missing Ili 2018",
        situation=Situation.MISSING,
        hometown_prefecture=Prefecture.ILI,
        situation_date=date(2018, 6, 1),
    )

    def names(query):
        page = client.get(f"/en/cases/?{query}").text
        return {
            name
            for name in ("Camp Ili 2017", "Camp Altay 2018", "Missing Ili 2018")
            if name in page
        }

    assert names("situation=detained_camp") == {"Camp Ili 2017", "Camp Altay 2018"}
    assert names("prefecture=ili") == {"Camp Ili 2017", "Missing Ili 2018"}
    assert names("year=2018") == {"Camp Altay 2018", "Missing Ili 2018"}
    assert names("situation=detained_camp&prefecture=ili&year=2017") == {"Camp Ili 2017"}


def test_a_bad_filter_value_is_ignored_not_an_error(client):
    make_published_case(display_name="Still Listed")
    response = client.get("/en/cases/?situation=nonsense&year=abc")
    assert response.status_code == 200
    assert "Still Listed" in response.text


def test_the_year_filter_spans_the_years_of_published_cases_only(client):
    make_published_case(situation_date=date(2016, 1, 1))
    make_published_case(situation_date=date(2018, 5, 1))
    make_case(situation_date=date(2011, 1, 1))
    page = client.get("/en/cases/").text
    offered = re.findall(r'<option value="(\d{4})">', page)
    assert offered == ["2018", "2017", "2016"]


def test_search_finds_a_case_by_a_spelling_in_another_script(client):
    make_published_case(display_name="Searched Person", names=["Әділғазы Ерғазы"])
    make_published_case(display_name="Other Person", names=["Bakyt Tokhtarov"])
    page = client.get("/en/cases/?q=Adilgazy").text
    assert "Searched Person" in page
    assert "Other Person" not in page


def test_search_never_finds_a_case_by_a_hidden_name(client):
    case = make_published_case(display_name="Pseudonym Only")
    Name.objects.create(case=case, text="Secretlegal Name", is_public=False)
    page = client.get("/en/cases/?q=Secretlegal").text
    assert "Pseudonym Only" not in page
    assert "No published case matches" in page


def test_pagination_links_keep_the_search_and_filters(client):
    source = make_source()
    for i in range(30):
        make_published_case(
            source=source,
            display_name=f"Person {i}",
            names=[f"Adil {i}"],
            situation=Situation.MISSING,
        )
    page = client.get("/en/cases/?q=Adil&situation=missing").text
    assert "30 cases" in page
    assert 'href="?q=Adil&amp;situation=missing&amp;page=2"' in page
    second = client.get("/en/cases/?q=Adil&situation=missing&page=2").text
    # The page reads its parameters in one order (cases/public_input.py), and its links keep it.
    assert 'href="?page=1&amp;q=Adil&amp;situation=missing"' in second


def test_about_lists_the_verification_levels_and_consent_levels_of_the_model(client):
    page = client.get("/en/about/").text
    for label in ("Not yet verified", "Relative&#x27;s testimony", "Corroborated by independent"):
        assert label in page
    assert "May be published with the name" in page
    assert "Office records only" in page
    for anchor in ("corrections", "privacy", "verification", "consent"):
        assert f'id="{anchor}"' in page


def test_public_pages_carry_no_inline_style_or_script(client):
    case = make_published_case()
    for url in ("/en/", "/en/cases/", case.get_absolute_url(), "/en/stats/", "/en/about/"):
        page = client.get(url).text
        assert " style=" not in page
        assert "<script" not in page


def populate(count):
    """`count` published cases, each with a public name, a public photo and two citations."""
    source = make_source()
    for i in range(count):
        case = make_published_case(
            source=source, display_name=f"Person {i}", names=[f"Name {i}"], photo_consent=True
        )
        make_photo(case)
        Citation.objects.create(case=case, source=source, claim="Second claim")
        case.events.create(kind="detained", date=date(2018, 1, 1), public_text="Taken")
        publish_case(case=case, by=None)
    assert Photo.objects.exclude(public_name="").count() == count
    return Case.objects.published().first()


PUBLIC_URLS = [
    "/en/",
    "/ug/",
    "/en/cases/",
    "/en/cases/?page=2",
    "/en/cases/?q=Name&situation=unknown&prefecture=unknown&year=2018",
    "/en/sources/",
    "case",
    "source",
    "/en/stats/",
    "/en/about/",
    "/feeds/cases.atom",
    "/sitemap.xml",
    "/sitemap-pages.xml",
    "/sitemap-cases.xml",
    "/sitemap-sources.xml",
    "/data/cases.json",
    "/data/cases.csv",
]


@pytest.mark.parametrize("count", [1, 50])
@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_make_a_constant_number_of_queries(
    client, django_assert_max_num_queries, count, url
):
    case = populate(count)
    url = {
        "case": case.get_absolute_url(),
        "source": case.citations.first().source.get_absolute_url(),
    }.get(url, url)
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200


def test_a_case_page_shows_the_year_of_birth_but_never_the_full_date(client):
    from datetime import date

    from cases.dates import Precision

    case = make_published_case(birth_date=date(1985, 3, 9), birth_date_precision=Precision.DAY)
    page = client.get(case.get_absolute_url()).text
    assert "1985" in page
    assert "March 9, 1985" not in page and "9 March 1985" not in page
