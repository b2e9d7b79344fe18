"""Staff log in with a strong password and a second factor; guessing gets locked out."""

import re
import subprocess
import sys
import time

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.oath import totp

from advocacy.otp.models import AuthenticatorDevice, BackupCodeDevice

from .conftest import ENCRYPTION_KEYS_ENV, authenticator, current_code, log_in_to_admin

pytestmark = pytest.mark.django_db

PASSWORD = "a long staff password"


def staff(username="moderator", password=PASSWORD):
    return User.objects.create_user(username, password=password, is_staff=True)


def log_in(client, username, password=PASSWORD, code="", headers=None):
    data = {"username": username, "password": password, "otp_token": code}
    return client.post("/admin/login/", data, headers=headers)


def wrong_code(device):
    """A six-digit code the app shows neither now nor within the tolerated steps around now."""
    accepted = {
        f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"
        for drift in range(-device.tolerance - 1, device.tolerance + 2)
    }
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted)


def admin_opens(client):
    return client.get("/admin/").status_code == 200


def backup_codes(user):
    return [t.code for t in BackupCodeDevice.objects.get(user=user).codes.all()]


def give_backup_codes(user, *codes):
    device = BackupCodeDevice.objects.create(user=user, name="backup", confirmed=True)
    for code in codes:
        device.codes.create(code=code)


# Passwords ------------------------------------------------------------------------------------


@pytest.mark.argon2
def test_a_new_password_is_hashed_with_argon2():
    assert staff().password.startswith("argon2")


@pytest.mark.argon2
def test_an_older_pbkdf2_hash_still_logs_in_and_is_upgraded_to_argon2(client):
    user = staff()
    User.objects.filter(pk=user.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    log_in_to_admin(client, user, PASSWORD)
    user.refresh_from_db()
    assert user.password.startswith("argon2")


@pytest.mark.parametrize("password", ["short pass", "12345678901", "x" * 11])
def test_passwords_shorter_than_twelve_characters_are_refused(password):
    with pytest.raises(ValidationError) as refusal:
        password_validation.validate_password(password)
    assert "at least 12 characters" in " ".join(refusal.value.messages)


@pytest.mark.parametrize("password", ["123456789012345", "password1234", "moderator-2026"])
def test_common_numeric_and_username_like_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        password_validation.validate_password(password, User(username="moderator-2026"))


def test_a_long_unusual_passphrase_is_accepted():
    password_validation.validate_password("tulips over the Ili river", User(username="moderator"))


# Lockout --------------------------------------------------------------------------------------


def test_login_is_locked_after_the_limit_even_with_the_right_password(client):
    user = staff()
    authenticator(user)
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        response = log_in(client, "moderator", "wrong password guess")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.text
    locked = log_in(client, "moderator", "wrong password guess")
    assert locked.status_code == 429
    assert "Logging in is paused for 1 hour." in locked.text

    right = log_in(client, "moderator", PASSWORD, current_code(authenticator(user)))
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert not admin_opens(client)


def test_another_username_from_the_same_address_is_not_locked(client):
    colleague = staff("colleague")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "moderator", "wrong password guess")
    assert log_in(client, "moderator", "wrong password guess").status_code == 429
    response = log_in(client, "colleague", PASSWORD, current_code(authenticator(colleague)))
    assert response.status_code == 302
    assert admin_opens(client)


def test_the_same_username_from_another_address_is_not_locked(client):
    user = staff()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "moderator", "wrong password guess")
    other = Client(REMOTE_ADDR="203.0.113.7", headers={"accept-language": "en"})
    response = log_in(other, "moderator", PASSWORD, current_code(authenticator(user)))
    assert response.status_code == 302


def test_the_address_comes_from_the_proxy_header_when_configured(client, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    user = staff()
    behind_proxy = {"x-real-ip": "198.51.100.1"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "moderator", "wrong password guess", headers=behind_proxy)
    assert AccessAttempt.objects.get().ip_address == "198.51.100.1"
    assert log_in(client, "moderator", headers=behind_proxy).status_code == 429
    code = current_code(authenticator(user))
    response = log_in(client, "moderator", PASSWORD, code, headers={"x-real-ip": "198.51.100.2"})
    assert response.status_code == 302  # same connection address, another client behind the proxy


def test_a_forged_address_header_falls_back_to_the_connection_address(client, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    staff()
    log_in(client, "moderator", "wrong password guess", headers={"x-real-ip": "not an address"})
    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"


def test_wrong_two_factor_codes_count_towards_the_lockout(client):
    device = authenticator(staff())
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(client, "moderator", PASSWORD, "not-a-backup-code")
        assert "That code is not right." in response.text
    assert log_in(client, "moderator", PASSWORD, wrong_code(device)).status_code == 429
    assert not admin_opens(client)


def test_failed_logins_never_store_the_password_or_the_code(client, caplog):
    staff()
    log_in(client, "moderator", "secret-guess-one", "k3y2code")
    log_in(client, "moderator", PASSWORD, "k3y2code")
    stored = " ".join(f"{a.get_data} {a.post_data}" for a in AccessAttempt.objects.all())
    for secret in ("secret-guess-one", PASSWORD, "k3y2code"):
        assert secret not in stored
        assert secret not in caplog.text


def test_the_lockout_page_is_in_the_staff_members_language():
    russian = Client(headers={"accept-language": "ru"})
    staff()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(russian, "moderator", "wrong password guess")
    assert response.status_code == 429
    assert response.headers["Content-Language"] == "ru"
    assert "Logging in is paused" not in response.text


# Two factors ----------------------------------------------------------------------------------


def test_the_login_page_asks_for_the_two_factor_code(client):
    page = client.get("/admin/login/").text
    assert 'name="otp_token"' in page and 'autocomplete="one-time-code"' in page


def test_the_admin_refuses_a_session_with_only_a_password(client):
    user = staff()
    authenticator(user)
    client.force_login(user)
    for url in ("/admin/", "/admin/cases/case/", "/admin/cases/report/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_a_correct_password_without_the_code_is_refused(client):
    authenticator(staff())
    response = log_in(client, "moderator")
    assert "Enter the code from your authenticator app" in response.text
    assert not admin_opens(client)


def test_a_wrong_code_is_refused(client):
    device = authenticator(staff())
    response = log_in(client, "moderator", PASSWORD, wrong_code(device))
    assert "That code is not right." in response.text
    assert not admin_opens(client)


def test_password_and_the_apps_current_code_open_the_admin(client):
    device = authenticator(staff())
    response = log_in(client, "moderator", PASSWORD, current_code(device))
    assert response.status_code == 302
    assert admin_opens(client)


def test_a_code_from_the_app_works_only_once(client):
    device = authenticator(staff())
    code = current_code(device)
    assert log_in(client, "moderator", PASSWORD, code).status_code == 302
    client.post("/admin/logout/")
    assert "That code is not right." in log_in(client, "moderator", PASSWORD, code).text


def test_a_backup_code_opens_the_admin_once(client):
    user = staff()
    authenticator(user)
    give_backup_codes(user, "abcd2345", "efgh6723")
    response = log_in(client, "moderator", PASSWORD, " ABCD 2345 ")  # as people type them
    assert response.status_code == 302
    assert admin_opens(client)
    assert backup_codes(user) == ["efgh6723"]

    client.post("/admin/logout/")
    assert not admin_opens(client)
    assert "That code is not right." in log_in(client, "moderator", PASSWORD, "abcd2345").text
    assert not admin_opens(client)


def test_without_the_requirement_a_password_opens_the_admin(client, settings):
    settings.ADMIN_REQUIRE_2FA = False
    staff()
    page = client.get("/admin/login/").text
    assert 'name="otp_token"' not in page
    assert log_in(client, "moderator").status_code == 302
    assert admin_opens(client)


def run_settings(**env):
    code = "from advocacy import settings; print(settings.ADMIN_REQUIRE_2FA)"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=True,
    ).stdout.strip()


def test_two_factor_is_required_by_default_unless_debug():
    assert run_settings(SECRET_KEY="x", **ENCRYPTION_KEYS_ENV) == "True"
    assert run_settings(DEBUG="true") == "False"
    assert run_settings(DEBUG="true", ADMIN_REQUIRE_2FA="true") == "True"


# Enrolment ------------------------------------------------------------------------------------


def set_up_page(client):
    response = client.get("/admin/2fa/setup/")
    assert response.status_code == 200
    return response


def test_a_password_alone_does_not_make_a_report_an_office_intake(client, settings):
    from cases.models import Report

    from .test_report_form import report_post

    settings.REPORT_RATE_LIMIT = {"limit": 1, "window": 3600}
    staff()
    assert log_in(client, "moderator").status_code == 302  # signed in to set up two-factor
    assert client.post("/en/report/", report_post()).status_code == 200
    assert client.post("/en/report/", report_post()).status_code == 429
    assert [report.taken_by for report in Report.objects.all()] == [None]


def test_a_new_staff_member_sets_up_two_factor_login_at_first_login(client):
    user = staff()
    response = log_in(client, "moderator")  # no device yet: the password alone lets them enrol
    assert response.status_code == 302
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/admin/2fa/setup/"
    assert not admin_opens(client)

    page = set_up_page(client).text
    device = AuthenticatorDevice.objects.get(user=user, confirmed=False)
    secret = re.search(r'<code class="two-factor-secret">([A-Z2-7 ]+)</code>', page).group(1)
    assert secret.replace(" ", "") in device.config_url
    assert 'src="data:image/svg+xml' in page
    assert set_up_page(client).text.count(secret) == 1  # a reload shows the same secret

    done = client.post("/admin/2fa/setup/", {"otp_token": current_code(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.text)
    assert len(codes) == 10 and sorted(codes) == sorted(backup_codes(user))
    assert "no-store" in done["Cache-Control"]
    device.refresh_from_db()
    assert device.confirmed
    assert admin_opens(client)

    client.post("/admin/logout/")
    assert log_in(client, "moderator").status_code == 200  # the code is now required
    assert log_in(client, "moderator", PASSWORD, codes[3]).status_code == 302
    assert admin_opens(client)
    assert codes[3] not in backup_codes(user)


def test_a_wrong_first_code_does_not_set_up_the_device(client):
    user = staff()
    client.force_login(user)
    set_up_page(client)
    device = AuthenticatorDevice.objects.get(user=user)
    response = client.post("/admin/2fa/setup/", {"otp_token": wrong_code(device)})
    assert "That code is not right." in response.text
    device.refresh_from_db()
    assert not device.confirmed and not BackupCodeDevice.objects.exists()
    assert not admin_opens(client)


def test_after_a_wrong_first_code_set_up_waits_a_moment(client):
    user = staff()
    client.force_login(user)
    set_up_page(client)
    device = AuthenticatorDevice.objects.get(user=user)
    with time_machine.travel(time.time(), tick=False) as clock:
        client.post("/admin/2fa/setup/", {"otp_token": wrong_code(device)})
        too_soon = client.post("/admin/2fa/setup/", {"otp_token": current_code(device)})
        assert "Too many wrong codes: wait a little" in too_soon.text
        clock.shift(2)
        done = client.post("/admin/2fa/setup/", {"otp_token": current_code(device)})
        assert "Your backup codes" in done.text


def test_a_secret_shown_in_another_session_is_never_reused(client):
    user = staff()
    client.force_login(user)
    first = set_up_page(client).text
    other = Client()
    other.force_login(user)
    second = set_up_page(other).text
    pattern = r'<code class="two-factor-secret">([A-Z2-7 ]+)</code>'
    assert re.search(pattern, first).group(1) != re.search(pattern, second).group(1)
    assert AuthenticatorDevice.objects.filter(user=user).count() == 1


def test_someone_with_only_the_password_cannot_replace_an_existing_authenticator(client):
    user = staff()
    device = authenticator(user)
    client.force_login(user)
    response = client.get("/admin/2fa/setup/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.post("/admin/2fa/setup/", {"otp_token": "123456"})
    assert list(AuthenticatorDevice.objects.filter(user=user)) == [device]


def test_a_verified_staff_member_replaces_a_lost_phone_with_a_backup_code(client):
    user = staff()
    old = authenticator(user)
    give_backup_codes(user, "abcd2345")
    assert log_in(client, "moderator", PASSWORD, "abcd2345").status_code == 302
    set_up_page(client)
    new = AuthenticatorDevice.objects.get(user=user, confirmed=False)
    done = client.post("/admin/2fa/setup/", {"otp_token": current_code(new)})
    assert done.status_code == 200
    assert list(AuthenticatorDevice.objects.filter(user=user)) == [new]
    assert not AuthenticatorDevice.objects.filter(pk=old.pk).exists()
    assert len(backup_codes(user)) == 10


def test_people_who_are_not_staff_cannot_enrol(client):
    client.force_login(User.objects.create_user("visitor", password=PASSWORD))
    assert client.get("/admin/2fa/setup/").status_code == 302
    assert not AuthenticatorDevice.objects.exists()


def test_a_staff_member_half_way_through_set_up_can_log_out(client):
    client.force_login(staff())
    set_up_page(client)
    assert client.post("/admin/logout/").status_code == 200
    assert "_auth_user_id" not in client.session
