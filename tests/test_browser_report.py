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
    page.set_input_files("input[name='photos-0-file']", photo_file(tmp_path, "a.jpg", "red"))
    page.click(".more-photos > summary")
    page.set_input_files("input[name='photos-1-file']", photo_file(tmp_path, "b.jpg", "blue"))
    page.click("#step-details > summary")
    page.fill("input[name='situation_year']", "2017")
    page.fill("textarea[name='narrative']", "Полиция үйден алып кетті.")
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
    for _ in range(60):
        page.keyboard.press("Tab")
        order.append(focused_field(page))
        if order[-1] == "BUTTON" and page.evaluate("document.activeElement.type") == "submit":
            break
    assert order[0] != "names-0-text"  # the skip link and the header come first
    fields = [name for name in order if name.startswith(("names-", "photos-0-file", "consent"))]
    assert fields[0] == "names-0-text", order
    assert fields.index("photos-0-file") < fields.index("consent"), order
    assert "website" not in order  # the honeypot never takes focus
    assert "submitter_email" not in order  # folded away in the optional details

    page.focus("input[name='names-0-text']")
    page.keyboard.type("Adil Example")
    page.focus("#step-details > summary")
    page.keyboard.press("Enter")  # opens "More details"
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
    assert focused_field(page) == "submitter_email"  # the first error takes the focus
    email = page.locator("input[name='submitter_email']")
    assert email.get_attribute("aria-invalid") == "true"
    error = page.locator(f"#{email.get_attribute('aria-describedby').split()[0]}")
    assert "valid email" in error.inner_text()
    summary_link = page.locator("#form-errors a[href='#id_submitter_email']")
    assert "valid email" in summary_link.inner_text()
    assert page.locator("input[name='names-0-text']").input_value() == "Adil Example"
    check_step(page, live_server, "keyboard", "form errors")


class Counted:
    """The page, counting what a person does: every click, fill, choice, file and key press."""

    def __init__(self, page):
        self.page, self.actions = page, []

    def __getattr__(self, name):
        action = getattr(self.page, name)
        if name not in {"click", "fill", "check", "select_option", "set_input_files", "press"}:
            return action

        def counted(selector, *args, **kwargs):
            self.actions.append(f"{name} {selector}")
            return action(selector, *args, **kwargs)

        return counted


PHONE = {"width": 390, "height": 844}


def test_a_minimal_report_on_a_phone_takes_at_most_10_actions(live_server, browser_page, tmp_path):
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/ru/report/")
    person = Counted(page)
    person.fill("input[name='names-0-text']", "Адильгазы Ергазы")
    person.check("input[name='situation'][value='missing']")
    person.set_input_files("input[name='photos-0-file']", photo_file(tmp_path, "a.jpg", "red"))
    person.check("input[name='consent'][value='internal']")
    page.wait_for_timeout(3100)  # a person takes longer than the form's bot threshold
    person.click("form[data-upload-form] button[type='submit']")
    page.locator(".receipt-code code").wait_for(timeout=15000)
    assert len(person.actions) <= 10, person.actions
    report = Report.objects.get()
    assert report.case.situation == "missing" and report.consent == "internal"
    assert report.case.names.get().text == "Адильгазы Ергазы"
    assert Photo.objects.filter(report=report).count() == 1


def fill_full_report(person, tmp_path, *, name=True):
    if name:
        person.fill("input[name='names-0-text']", "Адильгазы Ергазы")
        person.fill("input[name='names-1-text']", "Adilgazy Yergazy")
    person.check("input[name='situation'][value='detained_camp']")
    person.set_input_files("input[name='photos-0-file']", photo_file(tmp_path, "a.jpg", "red"))
    person.click("#step-details > summary")
    person.fill("input[name='situation_year']", "2017")
    person.select_option("select[name='hometown_prefecture']", "ili")
    person.fill("input[name='hometown_detail']", "Кульджа")
    person.fill("textarea[name='narrative']", "Полиция забрала его из дома ночью.")


def test_a_full_report_on_a_phone_takes_at_most_16_actions(live_server, browser_page, tmp_path):
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/ru/report/")
    person = Counted(page)
    fill_full_report(person, tmp_path)
    person.check("input[name='consent'][value='public_anonymous']")
    page.wait_for_timeout(3100)
    person.click("form[data-upload-form] button[type='submit']")
    page.locator(".receipt-code code").wait_for(timeout=15000)
    assert len(person.actions) <= 16, person.actions
    case = Report.objects.get().case
    assert (case.situation, case.situation_date.year) == ("detained_camp", 2017)
    assert (case.hometown_prefecture, case.hometown_detail) == ("ili", "Кульджа")
    assert sorted(case.names.values_list("text", flat=True)) == [
        "Adilgazy Yergazy",
        "Адильгазы Ергазы",
    ]
    assert Photo.objects.filter(case=case).count() == 1


def test_after_an_error_every_value_is_back_and_the_first_error_has_the_focus(
    live_server, browser_page, tmp_path
):
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/ru/report/")
    person = Counted(page)
    fill_full_report(person, tmp_path, name=False)  # no name, no consent
    page.wait_for_timeout(3100)
    person.click("form[data-upload-form] button[type='submit']")
    page.locator("#form-errors").wait_for()
    assert focused_field(page) == "names-0-text"
    summary = page.locator("#form-errors a")
    assert [link.get_attribute("href") for link in summary.all()] == [
        "#id_names-0-text",
        "#id_consent_0",
    ]
    assert page.locator("#id_names-0-text").get_attribute("aria-invalid") == "true"
    assert page.locator("#div_id_consent .invalid-feedback").is_visible()
    assert page.locator("input[name='situation'][value='detained_camp']").is_checked()
    assert page.locator("#step-details").get_attribute("open") is not None
    assert page.locator("input[name='situation_year']").input_value() == "2017"
    assert page.locator("select[name='hometown_prefecture']").input_value() == "ili"
    assert page.locator("input[name='hometown_detail']").input_value() == "Кульджа"
    assert page.locator("textarea[name='narrative']").input_value().startswith("Полиция")
    # The browser still had the photo: it is back in its box, with its preview.
    assert page.evaluate("document.querySelector('input[name=\"photos-0-file\"]').files.length")
    assert page.locator("[data-preview] img").count() == 1
    check_step(page, live_server, "relative on a phone", "errors")

    person.fill("input[name='names-0-text']", "Адильгазы Ергазы")
    person.check("input[name='consent'][value='internal']")
    person.click("form[data-upload-form] button[type='submit']")
    page.locator(".receipt-code code").wait_for(timeout=15000)
    assert Photo.objects.filter(report=Report.objects.get()).count() == 1


def test_an_expired_form_says_so_and_keeps_what_was_typed(live_server, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/en/report/")
    page.fill("input[name='names-0-text']", "Adil Example")
    page.click("#step-details > summary")
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
