"""A reader in Chromium: home, the case list, a case, its source, the statistics, in two scripts."""

import pytest

from cases.models import Citation, Name
from cases.services import publish_case

from .factories import make_case, make_photo, make_source
from .journeys import check_step

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.urls_public_media"),  # the public photo is served, as by nginx
]


@pytest.fixture
def published_case():
    source = make_source(title="Camp survivors speak", publisher="Example Wire")
    case = make_case(display_name="Browser Person", photo_consent=True)
    make_photo(case, alt_text="Portrait of Browser Person")
    Citation.objects.create(case=case, source=source, claim="Detained in 2018")
    return publish_case(case=case, by=None)


def test_a_reader_walks_from_home_to_a_case_its_source_and_the_statistics(
    live_server, browser_page, published_case
):
    page = browser_page
    journey = "public reader"
    assert page.goto(f"{live_server.url}/en/").status == 200
    check_step(page, live_server, journey, "home")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases").click()
    page.wait_for_url("**/en/cases/")
    card_photo = page.get_by_role("img", name="Portrait of Browser Person")
    assert card_photo.evaluate("img => img.complete && img.naturalWidth > 0")
    check_step(page, live_server, journey, "case list")

    page.get_by_role("link", name="Browser Person").click()
    page.wait_for_url(f"**/en/cases/{published_case.reference}/")
    assert page.get_by_role("heading", name="How to cite this page").is_visible()
    assert page.locator('meta[property="og:image"]').count() == 1
    check_step(page, live_server, journey, "case")

    page.get_by_role("link", name="About this source").click()
    page.wait_for_url("**/en/sources/*/")
    assert page.get_by_role("heading", name="Camp survivors speak").is_visible()
    check_step(page, live_server, journey, "source")

    page.get_by_role("link", name="Statistics").click()
    page.wait_for_url("**/en/stats/")
    assert page.get_by_role("img", name="Cases by situation").is_visible()
    assert page.get_by_role("table", name="Cases by situation").count() == 1
    check_step(page, live_server, journey, "statistics")


def test_the_uyghur_statistics_are_drawn_right_to_left(live_server, browser_page, published_case):
    page = browser_page
    page.goto(f"{live_server.url}/en/stats/")
    page.locator('a[hreflang="ug"]').click()
    page.wait_for_url("**/ug/stats/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    chart = page.locator("svg.bar-chart").first.bounding_box()
    bar = page.locator("svg.bar-chart rect").first.bounding_box()
    # The bar starts at the right edge, as the text does.
    chart_end = chart["x"] + chart["width"]
    assert bar["x"] + bar["width"] == pytest.approx(chart_end, abs=chart["width"] * 0.05)
    check_step(page, live_server, "public reader in Uyghur", "statistics")


def test_a_visitor_in_russian_finds_a_person_by_a_latin_spelling(live_server, browser_page):
    """Journey 3: search in Russian by a Latin spelling, read the case, switch to Uyghur."""
    source = make_source(
        title="Kazakhstan says China is allowing", publisher="The Associated Press"
    )
    case = make_case(display_name="А. Е.", photo_consent=True)
    Name.objects.create(case=case, text="Әділғазы Ерғазы", is_public=True)
    approved = make_photo(case, approved=True, alt_text="Портрет")
    make_photo(case, approved=False, alt_text="Not approved document")
    Citation.objects.create(case=case, source=source, claim="Задержан в 2017 году")
    case = publish_case(case=case, by=None)
    approved.refresh_from_db()
    page, journey = browser_page, "visitor in Russian"

    page.goto(f"{live_server.url}/ru/cases/")
    page.fill("input[name='q']", "Adilgazy Yergazy")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ru/cases/?q=*")
    check_step(page, live_server, journey, "search results")

    page.get_by_role("link", name="А. Е.").click()
    page.wait_for_url(f"**/ru/cases/{case.reference}/")
    assert page.locator(f"img[src='{approved.public_url}']").first.is_visible()
    assert page.get_by_text("Задержан в 2017 году").is_visible()
    assert "Not approved document" not in page.content()
    check_step(page, live_server, journey, "case")

    page.locator('a[hreflang="ug"]').click()
    page.wait_for_url(f"**/ug/cases/{case.reference}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    check_step(page, live_server, journey, "case in Uyghur")

    page.locator(f"a[href$='/ug/sources/{source.pk}/']").first.click()
    page.wait_for_url(f"**/ug/sources/{source.pk}/")
    assert page.get_by_text("Kazakhstan says China is allowing").first.is_visible()
    check_step(page, live_server, journey, "source in Uyghur")
