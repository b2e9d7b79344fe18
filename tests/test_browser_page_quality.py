"""Every public page in every language, as a phone (390 px) and a desktop (1280 px) show it,
passes axe-core's WCAG 2.2 AA rules, target size included, with no serious or critical finding.

One browser walks all pages; each page is loaded once and checked at both widths.
"""

from datetime import date

import pytest
from django.conf import settings

from cases.models import Citation, Event, Name
from cases.services import publish_case

from .factories import make_case, make_photo, make_published_case, make_source
from .journeys import ARTIFACTS, WCAG22_AA, serious_accessibility_violations
from .test_report_form import started

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.urls_public_media"),
]

WIDTHS = (390, 1280)
NOT_FOUND = "no-such-page/"
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def public_record():
    """One published case with all that a case page shows: photo, names, events, citations in
    English and in Chinese, so that most pages show content in a language other than theirs."""
    english = make_source(
        title="Camp survivors speak",
        publisher="Example Wire",
        language="en",
        url="https://news.example/camps",
    )
    chinese = make_source(title="新疆报道", publisher="示例", language="zh-Hans")
    case = make_case(
        display_name="Example Person",
        photo_consent=True,
        summary_language="en",
        public_summary="Taken from home in 2017. The family has heard nothing since.",
    )
    Name.objects.create(case=case, text="阿地力", is_public=True)
    make_photo(case, alt_text="Portrait of Example Person")
    Event.objects.create(
        case=case, kind=Event.Kind.DETAINED, date=date(2017, 4, 1), public_text="Taken at night"
    )
    Citation.objects.create(case=case, source=english, claim="Detained in 2017", excerpt="He was")
    Citation.objects.create(case=case, source=chinese, claim="Detained in 2017")
    make_published_case(display_name="Second Person", source=english)
    return publish_case(case=case, by=None), english


def public_paths(case, source):
    return {
        "home": "",
        "case list": "cases/",
        "search": "cases/?q=Example",
        "case": f"cases/{case.reference}/",
        "sources": "sources/",
        "source": f"sources/{source.pk}/",
        "statistics": "stats/",
        "about": "about/",
        "report form": "report/",
        "report status": "report/status/",
        "not found": NOT_FOUND,
    }


def check_both_widths(page, name, problems):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 844})
        if violations := serious_accessibility_violations(page, WCAG22_AA):
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=ARTIFACTS / f"wcag22-{name}-{width}.png".replace(" ", "-"))
            problems.append(f"{name} at {width} px: {violations}")


def test_every_public_page_meets_wcag_2_2_aa_on_a_phone_and_a_desktop(live_server, browser_page):
    case, source = public_record()
    page, problems = browser_page, []
    for language in LANGUAGES:
        for name, path in public_paths(case, source).items():
            page.goto(f"{live_server.url}/{language}/{path}")
            check_both_widths(page, f"{language} {name}", problems)

        # The form's errors, the receipt, and the status page behind the code.
        page.goto(f"{live_server.url}/{language}/report/")
        page.click("form[data-upload-form] button[type='submit']")
        page.locator("#form-errors").wait_for()
        check_both_widths(page, f"{language} report errors", problems)
        page.fill("input[name='names-0-text']", "Example Relative")
        page.check("input[name='consent'][value='internal']")
        # As if a person had taken a minute: the form drops posts faster than a person types.
        page.evaluate(f"document.querySelector('input[name=started]').value = '{started()}'")
        page.click("form[data-upload-form] button[type='submit']")
        code = page.locator(".receipt-code code").inner_text()
        check_both_widths(page, f"{language} receipt", problems)
        page.goto(f"{live_server.url}/{language}/report/status/")
        page.fill("input[name='code']", code)
        page.click("form.receipt-form button[type='submit']")
        page.locator("[data-report-progress]").wait_for()
        check_both_widths(page, f"{language} report status with a report", problems)
        page.context.clear_cookies()
    # The only console error expected: the browser noting the 404 of the page not found.
    assert [error for error in page.console_errors if NOT_FOUND not in error] == []
    assert not problems, "\n".join(problems)
