"""A moderator prepares a report for publication, an editor publishes and later unpublishes it."""

import io
import urllib.error
import urllib.request

import pytest
from django.contrib.auth.models import User
from PIL import Image

from cases import photos, services
from cases.models import Case, Photo

from .conftest import authenticator, log_in_through_the_browser, watched
from .factories import make_source, staff_user
from .journeys import check_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOURNEY = "moderator and editor"
PASSWORD = "a long test password"


def sanitized(color):
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(buffer, "JPEG")
    buffer.seek(0)
    return photos.sanitize_photo(buffer)


def submitted_report():
    report, _code = services.submit_report(
        person={"situation": "detained_camp"},
        spellings=["Әділғазы Ерғазы"],
        report={
            "relationship": "sibling",
            "submitter_name": "Private Submitter",
            "submitter_phone": "",
            "submitter_email": "",
            "submitter_messenger": "",
            "narrative": "He was taken on a Tuesday. Our address is Example Street 5.",
            "consent": "public_anonymous",
            "photo_consent": True,
        },
        photos=[
            (sanitized("red"), "portrait", "Portrait to publish"),
            (sanitized("blue"), "document", "Document to keep private"),
        ],
        language="kk",
    )
    return report


def log_in(browser, live_server, username):
    page = watched(browser.new_page())
    return log_in_through_the_browser(
        page, live_server, User.objects.get(username=username), PASSWORD
    )


def user(username, role):
    account = staff_user(username, role)
    account.set_password(PASSWORD)
    account.save()
    authenticator(account)
    return account


def status_of(url):
    try:
        return urllib.request.urlopen(url).status  # noqa: S310 - the live test server
    except urllib.error.HTTPError as error:
        return error.code


def test_a_report_goes_from_the_queue_to_a_published_page_and_back(live_server, browser_page):
    report = submitted_report()
    source = make_source(
        title="Kazakhstan says China is allowing", publisher="The Associated Press"
    )
    user("moderator", "Moderator")
    user("editor", "Editor")
    browser = browser_page.context.browser

    moderator = log_in(browser, live_server, "moderator")
    check_step(moderator, live_server, JOURNEY, "admin index")
    moderator.click("a[href$='?state__exact=new']")
    check_step(moderator, live_server, JOURNEY, "queue of new reports")
    moderator.click(f"a[href*='/admin/cases/report/{report.pk}/change/']")
    check_step(moderator, live_server, JOURNEY, "report")
    moderator.fill("textarea[name='narrative']", "He was taken on a Tuesday.")  # address removed
    moderator.click("input[name='_save']")
    moderator.goto(f"{live_server.url}/admin/cases/case/{report.case_id}/change/")
    check_step(moderator, live_server, JOURNEY, "case")
    moderator.fill("input[name='display_name']", "A. Y.")
    moderator.check("input[name='photos-0-approved']")
    moderator.click("#citations-group .select2-selection")
    moderator.fill(".select2-search__field", "Kazakhstan")  # one request, not one a keystroke
    moderator.click(".select2-results__option >> text=Kazakhstan says")
    moderator.fill("input[name='citations-0-claim']", "Taken to an internment camp")
    moderator.click("input[name='_publish']")  # for a moderator: save and send for review
    assert "Save and publish" not in moderator.content()  # moderators cannot publish
    check_step(moderator, live_server, JOURNEY, "sent for review")

    editor = log_in(browser, live_server, "editor")
    editor.goto(f"{live_server.url}/admin/cases/case/{report.case_id}/change/")
    editor.click("input[name='_publish']")
    assert "The case is published." in editor.locator(".messagelist").inner_text()
    check_step(editor, live_server, JOURNEY, "published")

    case = Case.objects.get(pk=report.case_id)
    approved = Photo.objects.get(approved=True)
    visitor = browser_page
    visitor.goto(f"{live_server.url}/en/cases/{case.reference}/")
    assert visitor.locator(f"img[src='{approved.public_url}']").is_visible()
    assert visitor.get_by_text("Taken to an internment camp").is_visible()
    assert "Document to keep private" not in visitor.content()
    assert "Example Street" not in visitor.content()
    assert source.publisher in visitor.content()
    check_step(visitor, live_server, JOURNEY, "public case page")

    with editor.expect_navigation():
        editor.click("button[value='unpublish']")
    assert status_of(f"{live_server.url}/en/cases/{case.reference}/") == 404
    assert status_of(f"{live_server.url}{approved.public_url}") == 404
    for page in (moderator, editor, visitor):
        assert page.console_errors == []
        assert all(url.startswith(live_server.url) for url in page.requested_urls)
