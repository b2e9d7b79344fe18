"""A form that could not be sent (too many reports, an expired form) comes back with everything
the relative typed, says why, and asks for the photos again; nothing is stored."""

import re

import pytest
from django.test import Client

from cases.models import Case, Photo, Report

from .factories import jpeg_bytes, make_report
from .test_report_form import nothing_stored, report_post, upload

pytestmark = pytest.mark.django_db

URL = "/en/report/"


def typed_report():
    photos = [(upload(jpeg_bytes(), "grandfather.jpg"), "document", "His passport")]
    return report_post(
        photos=photos,
        narrative="Taken from home by police in March.",
        submitter_messenger="@kept-handle",
        situation_month="3",
    )


def assert_everything_typed_is_shown(page):
    assert 'value="Әділғазы Ерғазы"' in page
    assert 'value="Adilgazy Yergazy"' in page
    assert "Taken from home by police in March." in page
    assert 'value="Private Submitter Name"' in page
    assert 'value="+7 700 000 0000"' in page
    assert 'value="@kept-handle"' in page
    assert 'value="1985"' in page and 'value="2017"' in page
    assert re.search(r'value="public_anonymous"[^>]*checked', page)
    assert re.search(r'value="detained_camp"[^>]*checked', page)
    assert re.search(r'name="photo_consent"[^>]*checked', page)
    assert re.search(r'<option value="ili" selected>', page)
    assert re.search(r'<option value="3" selected>', page)
    assert 'value="His passport"' in page
    assert re.search(r'<option value="document" selected>', page)
    assert "Please choose them again" in page and "grandfather.jpg" in page


def test_past_the_hourly_limit_the_form_comes_back_with_everything_typed(
    client, settings, isolated_media
):
    settings.REPORT_RATE_LIMIT = {"limit": 0, "window": 3600}
    response = client.post(URL, typed_report())
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert "this one has not been sent" in response.text
    assert_everything_typed_is_shown(response.text)
    assert nothing_stored(isolated_media)


def test_the_form_sent_again_after_the_limit_is_stored(client, settings):
    settings.REPORT_RATE_LIMIT = {"limit": 0, "window": 3600}
    page = client.post(URL, typed_report()).text
    token = re.search(r'name="started" value="([^"]+)"', page).group(1)
    settings.REPORT_RATE_LIMIT = {"limit": 5, "window": 3600}
    response = client.post(URL, typed_report() | {"started": token})
    assert "Your receipt code" in response.text
    assert Report.objects.get().submitter_messenger == "@kept-handle"


def test_an_expired_form_comes_back_with_everything_typed_and_a_fresh_token(isolated_media):
    browser = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    response = browser.post(URL, typed_report())  # no CSRF cookie: as after a long pause
    assert response.status_code == 403
    assert "The form has expired" in response.text
    assert_everything_typed_is_shown(response.text)
    assert nothing_stored(isolated_media)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)
    again = browser.post(URL, typed_report() | {"csrfmiddlewaretoken": token})
    assert "Your receipt code" in again.text
    assert Report.objects.count() == 1


def test_an_expired_form_elsewhere_gets_the_plain_expired_page():
    browser = Client(enforce_csrf_checks=True, headers={"accept-language": "ru"})
    response = browser.post("/ru/report/status/", {"code": "ABCD"})
    assert response.status_code == 403
    assert "ABCD" not in response.text


def signed_in_to_a_report(client):
    report = make_report(case=Case.objects.create(display_name="Example"))
    code = report.issue_receipt()
    report.save()
    client.post("/en/report/status/", {"code": code})
    return report


def addition():
    return {
        "narrative": "He was moved to another camp.",
        "photos-TOTAL_FORMS": "5",
        "photos-INITIAL_FORMS": "0",
        "photos-0-file": upload(jpeg_bytes(), "letter.jpg"),
        "photos-0-kind": "document",
        "photos-0-description": "The letter",
    } | {f"photos-{i}-kind": "portrait" for i in range(1, 5)}


def test_an_addition_past_the_limit_comes_back_with_the_text(client, settings):
    report = signed_in_to_a_report(client)
    settings.REPORT_RATE_LIMIT = {"limit": 0, "window": 3600}
    response = client.post("/en/report/status/add/", addition())
    assert response.status_code == 429
    assert "nothing has been added" in response.text
    assert "He was moved to another camp." in response.text
    assert 'value="The letter"' in response.text
    assert "letter.jpg" in response.text
    report.refresh_from_db()
    assert "another camp" not in report.narrative
    assert Photo.objects.count() == 0


def test_a_form_kept_past_the_limit_with_a_mistake_names_each_element_once(client, settings):
    settings.REPORT_RATE_LIMIT = {"limit": 0, "window": 3600}
    page = client.post(URL, typed_report() | {"names-0-text": "", "names-1-text": ""}).text
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert "form-problem" in ids
    assert len(ids) == len(set(ids)), sorted(i for i in set(ids) if ids.count(i) > 1)
