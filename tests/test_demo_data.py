"""The demo loader builds what the AP story states, once."""

import pytest
from django.core.management import call_command

from cases.models import Case, Citation, Report, Source

pytestmark = pytest.mark.django_db


def counts():
    return [model.objects.count() for model in (Case, Citation, Report, Source)]


def test_demo_data_publishes_the_two_brothers_citing_the_ap_story():
    call_command("load_demo_data")
    published = Case.objects.published()
    assert published.count() == 2
    assert {c.get_situation_display() for c in published} == {
        "detained in a camp",
        "released, but not allowed to leave China",
    }
    for case in published:
        assert case.citations.get().source.publisher == "The Associated Press"


def test_demo_data_gives_staff_a_queue_of_unpublished_example_reports():
    call_command("load_demo_data")
    reports = Report.objects.all()
    assert reports.count() == 3
    assert not Case.objects.published().filter(reports__in=reports).exists()


def test_loading_demo_data_twice_changes_nothing():
    call_command("load_demo_data")
    before = counts()
    call_command("load_demo_data")
    assert counts() == before


def test_home_lists_the_demo_cases_and_a_case_shows_its_ap_citation(client):
    call_command("load_demo_data")
    home = client.get("/en/")
    assert "Younger brother of Adilgazy Yergazy (detained)" in home.text
    case = Case.objects.published().first()
    page = client.get(case.get_absolute_url())
    assert "The Associated Press" in page.text
    assert "little brothers were arrested" in page.text


@pytest.mark.parametrize(
    "query", ["Yergazy", "Ергазы", "Ерғазы", "Ergazy", "Adilgazy Yergazy", "Yergazy Adilgazy"]
)
def test_a_search_for_the_family_name_lists_both_demo_cases(client, query):
    call_command("load_demo_data")
    page = client.get("/en/cases/", {"q": query}).text
    assert "Younger brother of Adilgazy Yergazy (detained)" in page
    assert "Younger brother of Adilgazy Yergazy (released)" in page
    published = Case.objects.published()
    assert all(case.names.filter(is_public=True, text="Yergazy").exists() for case in published)
