"""Limits that hold under concurrency and don't punish the office: receipt codes counted per
browser and per address atomically, and report forms whose start token works once."""

import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import signing
from django.test import Client

from cases.forms import TIMESTAMP_SALT
from cases.models import Case, Report

from .factories import make_report
from .test_report_form import report_post

URL = "/en/report/status/"
CONCURRENT = 20


def relative_with_a_code():
    report = make_report(case=Case.objects.create(display_name="Example"))
    code = report.issue_receipt()
    report.save()
    return code


def browser():
    return Client(headers={"accept-language": "en"})


def wrong_codes(client, count):
    return [client.post(URL, {"code": f"WRONG-{n:04d}"}).status_code for n in range(count)]


@pytest.mark.django_db
def test_one_persons_mistakes_never_lock_out_the_next_relative_at_the_same_address(settings):
    settings.RECEIPT_ATTEMPTS_LIMIT = {"limit": 10, "window": 3600}
    code = relative_with_a_code()
    careless, next_in_line = browser(), browser()
    careless.get(URL)
    next_in_line.get(URL)
    assert wrong_codes(careless, 11) == [200] * 10 + [429]
    response = next_in_line.post(URL, {"code": code}, follow=True)
    assert response.status_code == 200
    assert "data-report-progress" in response.text
    # The careless browser's own budget is spent, its right code included.
    assert careless.post(URL, {"code": code}).status_code == 429


@pytest.mark.django_db
def test_the_address_has_a_ceiling_for_a_script_that_drops_its_cookies(settings):
    settings.RECEIPT_ADDRESS_ATTEMPTS_LIMIT = {"limit": 5, "window": 3600}
    statuses = [wrong_codes(browser(), 1)[0] for _ in range(7)]
    assert statuses == [200] * 5 + [429] * 2


@pytest.mark.django_db
def test_a_right_code_gives_its_attempt_back(settings):
    settings.RECEIPT_ATTEMPTS_LIMIT = {"limit": 2, "window": 3600}
    code = relative_with_a_code()
    client = browser()
    for _ in range(5):
        assert client.post(URL, {"code": code}).status_code == 302
    assert wrong_codes(client, 3) == [200, 200, 429]


@pytest.fixture
def plain_http_cookies(settings):
    """The live server speaks plain HTTP, over which a cookie jar sends no Secure cookie."""
    settings.CSRF_COOKIE_SECURE = False


class LiveBrowser:
    """A browser of our own over real HTTP, with its cookie jar, against the live server."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        page = self.opener.open(f"{base}{URL}").read().decode()
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def post_code(self, code):
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.token, "code": code}).encode()
        request = urllib.request.Request(f"{self.base}{URL}", data=body)  # noqa: S310 (live server)
        request.add_header("Referer", f"{self.base}{URL}")
        try:
            return self.opener.open(request).status
        except urllib.error.HTTPError as error:
            return error.code


def all_at_once(calls):
    start = threading.Barrier(len(calls))

    def run(call):
        start.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return sorted(pool.map(run, calls))


@pytest.mark.django_db(transaction=True)
def test_twenty_wrong_codes_at_once_get_no_more_answers_than_the_limit(
    live_server, settings, plain_http_cookies
):
    settings.RECEIPT_ATTEMPTS_LIMIT = {"limit": 10, "window": 3600}
    one = LiveBrowser(live_server.url)
    statuses = all_at_once([lambda n=n: one.post_code(f"WRONG-{n:04d}") for n in range(CONCURRENT)])
    assert statuses == [200] * 10 + [429] * 10


@pytest.mark.django_db(transaction=True)
def test_twenty_browsers_at_once_get_no_more_answers_than_the_address_limit(
    live_server, settings, plain_http_cookies
):
    settings.RECEIPT_ADDRESS_ATTEMPTS_LIMIT = {"limit": 10, "window": 3600}
    browsers = [LiveBrowser(live_server.url) for _ in range(CONCURRENT)]
    statuses = all_at_once([lambda b=b: b.post_code("WRONG-CODE") for b in browsers])
    assert statuses == [200] * 10 + [429] * 10


def started(seconds_ago):
    return signing.dumps(time.time() - seconds_ago, salt=TIMESTAMP_SALT)


@pytest.mark.django_db
def test_a_form_sent_twice_is_stored_once_and_comes_back_with_what_was_typed(client):
    data = report_post(started=started(60))
    assert "Your receipt code" in client.post("/en/report/", data).text
    again = client.post("/en/report/", data)
    assert again.status_code == 409
    assert "This form has already been sent once" in again.text
    assert "Private Submitter Name" in again.text  # the form is kept
    assert Report.objects.count() == 1
    fresh = re.search(r'name="started" value="([^"]+)"', again.text).group(1)
    assert fresh != data["started"]
    assert "Your receipt code" in client.post("/en/report/", data | {"started": fresh}).text
    assert Report.objects.count() == 2


@pytest.mark.django_db
def test_a_form_opened_days_ago_is_kept_to_be_sent_again(client):
    response = client.post("/en/report/", report_post(started=started(3 * 24 * 3600)))
    assert response.status_code == 400
    assert "opened more than a day ago" in response.text
    assert "Taken from home by police." in response.text
    assert Report.objects.count() == 0
