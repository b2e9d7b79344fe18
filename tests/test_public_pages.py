"""Public pages show published cases only, in a constant number of queries."""

import pytest
from django.test import Client

from cases.models import Case, Citation

from .factories import make_case, make_photo, make_published_case, make_source

pytestmark = pytest.mark.django_db


def test_root_redirects_to_the_language_the_browser_asks_for(client):
    response = client.get("/", headers={"accept-language": "ru,en;q=0.5"})
    assert response.status_code == 302
    assert response["Location"] == "/ru/"


def test_root_redirects_to_kazakh_by_default():
    assert Client().get("/")["Location"] == "/kk/"


@pytest.mark.parametrize(
    ("language", "direction"),
    [("en", "ltr"), ("kk", "ltr"), ("ru", "ltr"), ("ug", "rtl"), ("zh-hans", "ltr")],
)
def test_home_sets_language_and_direction(client, language, direction):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    assert f'<html lang="{language}" dir="{direction}">' in response.text


def test_home_lists_published_cases_and_never_drafts(client):
    make_published_case(display_name="Published Person")
    make_case(display_name="Draft Person")
    response = client.get("/en/")
    assert "Published Person" in response.text
    assert "Draft Person" not in response.text


def test_case_page_shows_its_citation(client):
    source = make_source(
        title="Camp survivors speak", publisher="Example Wire", url="https://news.example/a"
    )
    case = make_published_case(source=source, display_name="Cited Person")
    response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    assert "Camp survivors speak" in response.text
    assert 'href="https://news.example/a"' in response.text


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


def test_unapproved_photos_never_appear_on_a_case_page(client):
    case = make_case(photo_consent=True)
    approved = make_photo(case, approved=True, alt_text="approved portrait")
    make_photo(case, approved=False, alt_text="unapproved portrait")
    Citation.objects.create(case=case, source=make_source(), claim="Detained")
    from cases.services import publish_case

    case = publish_case(case=case, by=None)
    approved.refresh_from_db()
    page = client.get(case.get_absolute_url()).text
    assert approved.public_url in page
    assert "unapproved portrait" not in page


def populate(count):
    source = make_source()
    for i in range(count):
        case = make_published_case(
            source=source, display_name=f"Person {i}", names=[f"Name {i}"], photo_consent=True
        )
        make_photo(case)
        Citation.objects.create(case=case, source=source, claim="Second claim")
    return Case.objects.published().first()


@pytest.mark.parametrize("count", [1, 50])
@pytest.mark.parametrize("page", ["/en/", "/en/cases/", "/en/sources/", "case", "source"])
def test_public_pages_make_a_constant_number_of_queries(
    client, django_assert_max_num_queries, count, page
):
    case = populate(count)
    url = {
        "case": case.get_absolute_url(),
        "source": case.citations.first().source.get_absolute_url(),
    }.get(page, page)
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200
