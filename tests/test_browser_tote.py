"""A relative who reads Kazakh in Töte switches to it on a phone, reports, and gets the receipt in
Töte, right to left, with no serious accessibility finding on the way."""

import re

import pytest

from cases.models import Report
from cases.tote import to_tote

from .journeys import check_step

JOURNEY = "relative reading Tote"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

_CYRILLIC_WORD = re.compile("[\u0400-\u04ff]+")


def cyrillic_words(page) -> set[str]:
    """Cyrillic words on screen, less the language switcher (names of languages)."""
    text = page.locator("main").inner_text()
    return set(_CYRILLIC_WORD.findall(text))


def test_a_relative_switches_to_tote_on_a_phone_and_reports(live_server, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/ru/report/")
    page.locator('a[hreflang="kk-arab"]').click()
    page.wait_for_url(f"{live_server.url}/kk-arab/report/")
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("kk-Arab", "rtl")
    assert not cyrillic_words(page)
    check_step(page, live_server, JOURNEY, "report form")

    page.fill("input[name='names-0-text']", to_tote("Әділғазы Ерғазы"))
    page.fill("input[name='names-1-text']", "Adilgazy Yergazy")
    page.check("input[name='situation'][value='detained_camp']")
    page.click("#step-details > summary")  # the year and the narrative are optional details
    page.fill("input[name='situation_year']", "2017")
    page.fill("textarea[name='narrative']", to_tote("Полиция үйден алып кетті."))
    page.check("input[name='consent'][value='public_anonymous']")
    check_step(page, live_server, JOURNEY, "form filled")
    page.wait_for_timeout(3100)  # a person takes longer than the form's bot threshold
    page.click("form[data-upload-form] button[type='submit']")

    code = page.locator(".receipt-code code").inner_text(timeout=15000)
    assert re.fullmatch(r"[0-9A-Z-]{8,}", code.strip())
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert not cyrillic_words(page)
    assert Report.objects.get().language == "kk-arab"
    check_step(page, live_server, JOURNEY, "receipt")
