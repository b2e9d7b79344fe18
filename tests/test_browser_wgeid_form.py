"""A relative on a phone opens the questions for the UN, answers some, and sends the report:
the open section passes axe-core's WCAG 2.2 AA rules in a left-to-right and a right-to-left
language, and what was answered reaches the case's WGEID record."""

import pytest

from cases.wgeid_models import FamilyStep, WgeidRecord

from .journeys import ARTIFACTS, WCAG22_AA, serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["ru", "ug"])
def test_the_open_questions_for_the_un_pass_wcag_on_a_phone(live_server, browser_page, language):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/{language}/report/")
    page.click("#step-details > summary")
    page.click("#step-un > summary")
    assert page.locator("#id_wgeid_passport_number").is_visible()
    violations = serious_accessibility_violations(page, WCAG22_AA)
    if violations:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"wcag22-wgeid-{language}.png", full_page=True)
    assert violations == []
    assert page.console_errors == []


def test_a_relative_answers_for_the_un_and_the_case_is_prefilled(live_server, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/kk/report/")
    page.fill("input[name='names-0-text']", "Әділғазы Ерғазы")
    page.check("input[name='consent'][value='internal']")
    page.click("#step-un > summary")
    page.fill("input[name='wgeid_passport_number']", "E12345678")
    page.check("input[name='wgeid_disappearance_kind'][value='arrested']")
    page.fill("input[name='wgeid_year']", "2018")
    page.select_option("select[name='wgeid_month']", "3")
    page.check("input[name='wgeid_responsible'][value='police']")
    page.fill("textarea[name='wgeid_family_steps']", "Полицияға хат жаздық, жауап жоқ.")
    page.check("input[name='wgeid_consent_submission'][value='yes']")
    page.check("input[name='wgeid_consent_named'][value='no']")
    page.wait_for_timeout(3000)  # a person takes longer than the form's script guard
    page.click("button[type='submit']")
    page.wait_for_selector(".receipt-code")
    record = WgeidRecord.objects.get()
    assert (record.passport_number, record.responsible, record.consent_named) == (
        "E12345678",
        "police",
        "no",
    )
    assert record.disappearance_date.isoformat() == "2018-03-01"
    assert FamilyStep.objects.get().request == "Полицияға хат жаздық, жауап жоқ."
    assert page.console_errors == []
    assert all(url.startswith(live_server.url) for url in page.requested_urls)
