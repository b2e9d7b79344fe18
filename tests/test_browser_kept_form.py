"""With JavaScript, a report that could not be sent (past the hourly limit) stays on the page as
typed, photos still chosen, says why, and goes through when sent again."""

import pytest

from cases.models import Photo, Report

from .journeys import check_step
from .test_browser_report import fill_report

JOURNEY = "relative past the limit"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_page_keeps_everything_and_sends_it_once_allowed(
    live_server, browser_page, tmp_path, settings
):
    page = browser_page
    page.goto(f"{live_server.url}/en/report/")
    fill_report(page, tmp_path)
    page.fill("input[name='submitter_name']", "Kept Name")
    token = page.input_value("input[name='started']")
    settings.REPORT_RATE_LIMIT = {"limit": 0, "window": 3600}
    page.wait_for_timeout(3100)  # a person takes longer than the form's bot threshold
    page.click("form[data-upload-form] button[type='submit']")
    problem = page.locator("form[data-upload-form] [data-form-problem]")
    assert "this one has not been sent" in problem.inner_text(timeout=15000)
    assert problem.locator("[data-photos-not-kept]").count() == 0  # they are still chosen
    assert page.input_value("input[name='submitter_name']") == "Kept Name"
    assert page.input_value("textarea[name='narrative']") == "Полиция үйден алып кетті."
    assert page.evaluate("document.querySelector(\"[name='photos-0-file']\").files.length") == 1
    assert page.input_value("input[name='started']") != token
    # The browser reports the refused request itself; that is the step under test.
    page.console_errors[:] = [e for e in page.console_errors if "429" not in e]
    check_step(page, live_server, JOURNEY, "not sent, kept")
    assert Report.objects.count() == 0

    settings.REPORT_RATE_LIMIT = {"limit": 5, "window": 3600}
    page.click("form[data-upload-form] button[type='submit']")
    page.locator(".receipt-code code").inner_text(timeout=15000)
    assert Report.objects.get().submitter_name == "Kept Name"
    assert Photo.objects.count() == 2
