"""A relative checks their report with the receipt code, and adds to it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Case, Citation, Report
from cases.services import publish_case

from .factories import jpeg_bytes, make_report, make_source

pytestmark = pytest.mark.django_db

URL = "/en/report/status/"


def report_with_code(**fields):
    case = Case.objects.create(display_name="Example Person", consent="public_named")
    report = make_report(case=case, **fields)
    code = report.issue_receipt()
    report.save()
    return report, code


def enter_code(client, code):
    return client.post(URL, {"code": code}, follow=True)


def test_the_status_page_asks_for_the_code(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert 'name="code"' in response.text


def test_a_receipt_code_shows_that_the_report_was_received(client):
    _report, code = report_with_code()
    response = enter_code(client, code)
    assert 'data-report-progress="received"' in response.text
    assert "We have received your report" in response.text


def test_the_code_is_accepted_in_lower_case_and_without_dashes(client):
    _report, code = report_with_code()
    response = enter_code(client, f"  {code.replace('-', ' ').lower()} ")
    assert 'data-report-progress="received"' in response.text


def test_a_published_case_is_linked_from_the_status_page(client):
    report, code = report_with_code()
    Citation.objects.create(case=report.case, source=make_source(), claim="Detained")
    case = publish_case(case=report.case, by=None)
    response = enter_code(client, code)
    assert 'data-report-progress="published"' in response.text
    assert f'href="{case.get_absolute_url()}"' in response.text


@pytest.mark.parametrize(
    ("state", "case_status", "progress"),
    [
        (Report.State.REVIEWED, Case.Status.DRAFT, "under_review"),
        (Report.State.NEW, Case.Status.IN_REVIEW, "under_review"),
        (Report.State.SPAM, Case.Status.DRAFT, "not_published"),
        (Report.State.REVIEWED, Case.Status.HIDDEN, "not_published"),
    ],
)
def test_the_state_is_told_in_plain_words(client, state, case_status, progress):
    report, code = report_with_code(state=state)
    Case.objects.filter(pk=report.case_id).update(status=case_status)
    assert f'data-report-progress="{progress}"' in enter_code(client, code).text


def test_the_status_page_shows_nothing_private(client):
    _report, code = report_with_code(submitter_phone="+7 777 123 4567", narrative="Secret story")
    page = enter_code(client, code).text
    assert "+7 777 123 4567" not in page
    assert "Secret story" not in page


def test_a_wrong_code_gets_one_generic_message(client):
    report_with_code()
    response = client.post(URL, {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert "We found no report with this code" in response.text
    assert "data-report-progress" not in response.text


def test_guessing_codes_is_rate_limited(client, settings):
    settings.RECEIPT_ATTEMPTS_LIMIT = {"limit": 3, "window": 3600}
    _report, code = report_with_code()
    for _ in range(3):
        client.post(URL, {"code": "WRONG-CODE"})
    response = client.post(URL, {"code": code})
    assert response.status_code == 429
    assert "Too many attempts" in response.text


def test_a_relative_adds_text_and_a_photo_to_their_report(client):
    report, code = report_with_code(state=Report.State.REVIEWED)
    enter_code(client, code)
    photo = SimpleUploadedFile("third.jpg", jpeg_bytes((300, 200)), content_type="image/jpeg")
    data = {
        "narrative": "He was moved to another camp.",
        "photos-TOTAL_FORMS": "5",
        "photos-INITIAL_FORMS": "0",
        "photos-0-file": photo,
        "photos-0-kind": "document",
        "photos-0-description": "Letter",
    } | {f"photos-{i}-kind": "portrait" for i in range(1, 5)}
    response = client.post("/en/report/status/add/", data, follow=True)
    assert "What you added has reached our staff" in response.text
    report.refresh_from_db()
    assert report.narrative.endswith("He was moved to another camp.")
    assert report.state == Report.State.NEW  # back in the staff's queue
    assert report.photos.get().alt_text == "Letter"
    assert report.case.photos.get().approved is False


def test_adding_a_bad_photo_keeps_the_text_and_stores_nothing(client):
    report, code = report_with_code()
    enter_code(client, code)
    data = {
        "narrative": "More details",
        "photos-TOTAL_FORMS": "1",
        "photos-INITIAL_FORMS": "0",
        "photos-0-file": SimpleUploadedFile("x.jpg", b"<html>", content_type="image/jpeg"),
        "photos-0-kind": "portrait",
    }
    response = client.post("/en/report/status/add/", data)
    assert "More details" in response.text
    assert "“x.jpg”:" in response.text
    report.refresh_from_db()
    assert "More details" not in report.narrative
    assert not report.photos.exists()


def test_adding_needs_the_code_first(client):
    response = client.post("/en/report/status/add/", {"narrative": "x"})
    assert response.status_code == 302
    assert not Report.objects.exists()


def test_closing_the_report_on_this_device_forgets_the_code(client):
    _report, code = report_with_code()
    enter_code(client, code)
    client.post("/en/report/status/forget/")
    assert "data-report-progress" not in client.get(URL).text
