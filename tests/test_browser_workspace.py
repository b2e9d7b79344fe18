"""An editor, in Russian, takes a fresh report from the admin's login to its published page.

Every click, fill, choice and key press is counted, and so is every character typed: the
office's budget is 15 actions and 90 seconds at 2.5 s an action and 0.25 s a character.
"""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import translation

from cases import services
from cases.models import Case, Photo, Report, Source

from .conftest import log_in_through_the_browser, watched
from .factories import make_source
from .journeys import check_step
from .test_browser_moderation import PASSWORD, sanitized, user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOURNEY = "workspace"
# README shows this screenshot; a run refreshes it only when asked (UPDATE_DOCS=1), so that an
# ordinary run leaves the work tree as it found it.
DOCS = Path(__file__).resolve().parent.parent / (
    "docs" if os.environ.get("UPDATE_DOCS") else "test-artifacts"
)
SECONDS_PER_ACTION, SECONDS_PER_CHARACTER = 2.5, 0.25


class Counted:
    """A staff member's hands on the page: each call is one action; typed text is counted."""

    def __init__(self, page):
        self.page, self.actions, self.characters = page, 0, 0

    def fill(self, selector, text):
        self.page.fill(selector, text)
        self.actions, self.characters = self.actions + 1, self.characters + len(text)

    def click(self, selector):
        self.page.click(selector)
        self.actions += 1

    def check(self, selector):
        self.page.check(selector)
        self.actions += 1

    def press(self, selector, key):
        self.page.press(selector, key)
        self.actions += 1

    @property
    def seconds(self):
        return self.actions * SECONDS_PER_ACTION + self.characters * SECONDS_PER_CHARACTER


def fresh_report():
    report, _code = services.submit_report(
        person={"situation": "detained_camp", "hometown_prefecture": "tacheng"},
        spellings=["Әділғазы Ерғазы"],
        report={
            "relationship": "sibling",
            "submitter_name": "Private Submitter",
            "submitter_phone": "+7 700 000 0000",
            "submitter_email": "",
            "submitter_messenger": "",
            "narrative": "Его забрали в 2018 году.",
            "consent": "public_anonymous",
            "photo_consent": True,
        },
        photos=[(sanitized("red"), "portrait", "Портрет")],
        language="ru",
    )
    return report


def russian_page(browser_page, width=1280, height=900):
    context = browser_page.context.browser.new_context(
        locale="ru-RU", viewport={"width": width, "height": height}
    )
    return watched(context.new_page())


def log_in(hands, live_server, username):
    log_in_through_the_browser(hands, live_server, User.objects.get(username=username), PASSWORD)


def open_waiting_report_and_approve_its_photo(hands, report):
    hands.click(f".waiting-reports a[href='/admin/cases/case/{report.case_id}/change/']")
    hands.check("input[name='photos-0-approved']")


def publish_and_open_the_public_page(hands, live_server):
    with hands.page.expect_navigation():
        hands.click("input[name='_publish']")
    with translation.override("ru"):
        published = translation.gettext("The case is published.")
    assert published in hands.page.locator(".messagelist").inner_text()
    hands.click(".messagelist a[href*='/cases/']")
    hands.page.wait_for_load_state()


def assert_within_budget(hands, most_actions):
    print(f"{hands.actions} actions, {hands.characters} characters: {hands.seconds} s")  # -s
    assert hands.actions <= most_actions, f"{hands.actions} actions"
    assert hands.seconds <= 90, (
        f"{hands.seconds} s ({hands.actions} actions, {hands.characters} characters)"
    )


def test_an_editor_publishes_a_report_with_a_photo_and_a_new_source_in_15_actions(
    live_server, browser_page
):
    report = fresh_report()
    user("editor", "Editor")
    hands = Counted(russian_page(browser_page))
    log_in(hands, live_server, "editor")
    open_waiting_report_and_approve_its_photo(hands, report)
    check_step(hands.page, live_server, JOURNEY, "workspace at 1280 px")
    DOCS.mkdir(exist_ok=True)
    hands.page.evaluate("window.scrollTo(0, 0)")
    hands.page.screenshot(path=DOCS / "workspace.png")

    hands.fill("input[name='citations-0-new_source_title']", "Казахстан: родственники ищут")
    hands.fill("input[name='citations-0-new_source_publisher']", "Азаттык")
    hands.fill("input[name='citations-0-new_source_date']", "2019-01-20")
    hands.fill("textarea[name='public_summary']", "Задержан в 2018 году, с тех пор связи нет.")
    hands.page.wait_for_function(
        "() => document.querySelector('.workspace-preview iframe').srcdoc.includes('Азаттык')"
    )
    publish_and_open_the_public_page(hands, live_server)

    case = Case.objects.get(pk=report.case_id)
    assert hands.page.url == f"{live_server.url}/ru/cases/{case.reference}/"
    assert hands.page.get_by_role("heading", name="Ә. Е.").is_visible()
    assert hands.page.get_by_text("Азаттык").first.is_visible()
    photo = Photo.objects.get(case=case)
    assert hands.page.locator(f"img[src='{photo.public_url}']").is_visible()
    assert "Private Submitter" not in hands.page.content()
    assert Source.objects.filter(publisher="Азаттык").count() == 1
    assert Report.objects.get(pk=report.pk).state == Report.State.REVIEWED
    check_step(hands.page, live_server, JOURNEY, "published page")
    assert_within_budget(hands, most_actions=15)


def test_with_an_existing_source_it_takes_at_most_11_actions(live_server, browser_page):
    report = fresh_report()
    make_source(title="Kazakhstan says China is allowing", publisher="The Associated Press")
    user("editor", "Editor")
    hands = Counted(russian_page(browser_page))
    log_in(hands, live_server, "editor")
    open_waiting_report_and_approve_its_photo(hands, report)
    hands.click("#citations-group .select2-selection")
    hands.fill(".select2-search__field", "Kazakhstan")
    hands.click(".select2-results__option >> text=Kazakhstan says")
    publish_and_open_the_public_page(hands, live_server)

    assert hands.page.get_by_text("The Associated Press").first.is_visible()
    assert Case.objects.get(pk=report.case_id).is_published
    assert_within_budget(hands, most_actions=11)


def test_the_workspace_works_on_a_768_px_tablet(live_server, browser_page):
    report = fresh_report()
    user("editor", "Editor")
    hands = Counted(russian_page(browser_page, width=768, height=1024))
    log_in(hands, live_server, "editor")
    open_waiting_report_and_approve_its_photo(hands, report)
    page = hands.page
    assert page.evaluate("document.documentElement.scrollWidth") <= 768  # nothing off-screen
    assert page.locator("input[name='_publish']").is_visible()  # the sticky row of buttons
    check_step(page, live_server, JOURNEY, "workspace at 768 px")
