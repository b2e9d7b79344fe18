"""Every per-client limit reads the client the same way: the report and receipt limits and the
staff login lockout, from CLIENT_IP_HEADER, a list header read from the entry our proxy appended."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User

from advocacy.clients import client_address
from cases.models import Report

from .test_report_form import report_post

pytestmark = pytest.mark.django_db

CLIENT = "203.0.113.7"


def forwarded(first_entry):
    """What nginx's $proxy_add_x_forwarded_for sends: the client's own claims, then the address
    the proxy saw."""
    return {"x-forwarded-for": f"{first_entry}, {CLIENT}"}


@pytest.fixture
def behind_a_list_header(settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"


@pytest.mark.parametrize(
    "header, expected",
    [
        ("198.51.100.1, 203.0.113.7", CLIENT),
        ("203.0.113.7", CLIENT),
        ("junk, 2001:db8::1 ", "2001:db8::1"),
        ("203.0.113.7, not an address", "127.0.0.1"),
        ("", "127.0.0.1"),
    ],
)
def test_the_address_is_the_entry_the_proxy_appended(rf, behind_a_list_header, header, expected):
    request = rf.get("/", headers={"x-forwarded-for": header} if header else {})
    assert client_address(request) == expected


def test_forged_first_entries_do_not_give_a_fresh_report_budget(
    client, settings, behind_a_list_header
):
    settings.REPORT_RATE_LIMIT = {"limit": 2, "window": 3600}
    statuses = [
        client.post("/en/report/", report_post(), headers=forwarded(f"10.0.0.{n}")).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 429, 429]
    assert Report.objects.count() == 2


def test_forged_first_entries_do_not_give_a_fresh_receipt_budget(
    client, settings, behind_a_list_header
):
    settings.RECEIPT_ATTEMPTS_LIMIT = {"limit": 2, "window": 3600}
    statuses = [
        client.post(
            "/en/report/status/", {"code": "WRONG"}, headers=forwarded(f"10.0.0.{n}")
        ).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 429, 429]


def test_the_login_lockout_keys_on_the_same_address(client, behind_a_list_header):
    User.objects.create_user("moderator", password="a long staff password", is_staff=True)
    client.post(
        "/admin/login/",
        {"username": "moderator", "password": "wrong", "otp_token": "000000"},
        headers=forwarded("10.9.9.9"),
    )
    assert AccessAttempt.objects.get().ip_address == CLIENT
