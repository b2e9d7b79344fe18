"""A relative on a phone reports in Kazakh with two photos, then checks and adds to the report."""

import pytest
from PIL import Image

from cases.models import Photo, Report

from .journeys import check_step

JOURNEY = "relative on a phone"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Records what the progress bar showed, so the test can tell it really moved.
WATCH_PROGRESS = """
window.progressSeen = [];
const box = document.querySelector('[data-progress]');
new MutationObserver(() => {
  if (!box.hidden) window.progressSeen.push(box.querySelector('progress').value);
}).observe(box, {attributes: true, subtree: true, attributeFilter: ['hidden', 'value']});
box.querySelector('progress').addEventListener('change', () => {});
"""


def photo_file(tmp_path, name, color):
    path = tmp_path / name
    Image.new("RGB", (1600, 1200), color).save(path, "JPEG", quality=95)
    return path


def fill_report(page, tmp_path):
    page.fill("input[name='names-0-text']", "Әділғазы Ерғазы")
    page.fill("input[name='names-1-text']", "Adilgazy Yergazy")
    page.check("input[name='situation'][value='detained_camp']")
    page.fill("input[name='situation_year']", "2017")
    page.fill("textarea[name='narrative']", "Полиция үйден алып кетті.")
    page.set_input_files("input[name='photos-0-file']", photo_file(tmp_path, "a.jpg", "red"))
    page.set_input_files("input[name='photos-1-file']", photo_file(tmp_path, "b.jpg", "blue"))
    page.check("input[name='consent'][value='public_anonymous']")


def test_a_relative_on_a_phone_reports_checks_and_adds_a_photo(live_server, browser_page, tmp_path):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/kk/report/")
    assert page.locator("html").get_attribute("lang") == "kk"
    check_step(page, live_server, JOURNEY, "report form")
    fill_report(page, tmp_path)
    assert page.locator("[data-preview] img").count() == 2  # previews shown
    check_step(page, live_server, JOURNEY, "two photos chosen")
    page.evaluate(WATCH_PROGRESS)
    page.wait_for_timeout(3100)  # a person takes longer than the form's bot threshold
    page.click("form[data-upload-form] button[type='submit']")
    code = page.locator(".receipt-code code").inner_text(timeout=15000)
    assert page.evaluate("window.progressSeen.length") > 0, "the progress bar never showed"
    assert Report.objects.get().language == "kk"
    assert Photo.objects.count() == 2
    check_step(page, live_server, JOURNEY, "receipt")

    page.goto(f"{live_server.url}/kk/report/status/")
    page.fill("input[name='code']", code)
    page.click("form.receipt-form button[type='submit']")
    assert page.locator("[data-report-progress='received']").is_visible()
    check_step(page, live_server, JOURNEY, "status")

    page.set_input_files("input[name='photos-0-file']", photo_file(tmp_path, "c.jpg", "green"))
    page.click("form[data-upload-form] button[type='submit']")
    page.locator(".alert-success").wait_for(timeout=15000)
    assert Photo.objects.count() == 3
    check_step(page, live_server, JOURNEY, "third photo added")


def focused_field(page):
    return page.evaluate(
        "() => { const e = document.activeElement; return e.name || e.id || e.tagName; }"
    )


def test_the_report_form_works_with_the_keyboard_alone(live_server, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/en/report/")
    order = []
    for _ in range(120):
        page.keyboard.press("Tab")
        order.append(focused_field(page))
        if order[-1] == "BUTTON" and page.evaluate("document.activeElement.type") == "submit":
            break
    fields = [name for name in order if name.startswith(("names-", "submitter_", "consent"))]
    assert fields[0] == "names-0-text", order
    assert fields.index("submitter_name") < fields.index("consent"), order
    assert "website" not in order  # the honeypot never takes focus

    page.focus("input[name='names-0-text']")
    page.keyboard.type("Adil Example")
    page.focus("input[name='submitter_email']")
    page.keyboard.type("not an email")
    page.focus("input[name='consent'][value='internal']")
    page.keyboard.press("Space")
    page.wait_for_timeout(3100)  # a person takes longer than the form's bot threshold
    page.focus("form[data-upload-form] button[type='submit']")
    # Past the browser's own email check, to see the server's error tied to its field.
    page.evaluate("document.querySelector('input[name=submitter_email]').type = 'text'")
    page.keyboard.press("Enter")
    page.locator("#form-errors").wait_for()
    assert focused_field(page) == "form-errors"  # the summary is read out first
    email = page.locator("input[name='submitter_email']")
    assert email.get_attribute("aria-invalid") == "true"
    error = page.locator(f"#{email.get_attribute('aria-describedby')}")
    assert "valid email" in error.inner_text()
    assert page.locator("input[name='names-0-text']").input_value() == "Adil Example"
    check_step(page, live_server, "keyboard", "form errors")


def test_an_expired_form_says_so_and_keeps_what_was_typed(live_server, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/en/report/")
    page.fill("input[name='names-0-text']", "Adil Example")
    page.fill("textarea[name='narrative']", "A long account the relative must not lose.")
    page.check("input[name='consent'][value='internal']")
    page.context.clear_cookies()  # the CSRF cookie is gone, as after a long wait
    page.click("form[data-upload-form] button[type='submit']")
    problem = page.locator("form[data-upload-form] [data-form-problem]")
    assert "The form has expired" in problem.inner_text(timeout=15000)
    assert page.locator("textarea[name='narrative']").input_value().startswith("A long account")
    assert not Report.objects.exists()
    # The page took the fresh tokens that came back: sending again goes through.
    page.wait_for_timeout(3100)  # a person takes longer than the form's bot threshold
    page.click("form[data-upload-form] button[type='submit']")
    page.locator(".receipt-code code").inner_text(timeout=15000)
    assert Report.objects.get().narrative.startswith("A long account")
