"""Staff check a file against our records in a browser: only its fingerprint leaves the page."""

import hashlib
import io

import pytest

from cases import photos, services
from cases.models import Photo

from .conftest import log_in_through_the_browser
from .factories import jpeg_bytes, staff_user
from .test_browser_moderation import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def received(original: bytes) -> Photo:
    """A report whose one photo was this file, as the form would have stored it."""
    services.submit_report(
        person={"situation": "missing"},
        spellings=["Example Person"],
        report={"narrative": "", "consent": "internal", "photo_consent": False},
        photos=[(photos.sanitize_photo(io.BytesIO(original)), "document", "")],
        language="ru",
    )
    return Photo.objects.get()


def test_the_browser_hashes_the_file_and_sends_only_its_fingerprint(
    browser_page, live_server, tmp_path
):
    original = jpeg_bytes((900, 700), (10, 200, 90))
    photo = received(original)
    held = tmp_path / "held-by-the-lawyer.jpg"
    held.write_bytes(original)
    user = staff_user("checking", "Moderator", password=PASSWORD)
    page = browser_page
    log_in_through_the_browser(page, live_server, user, PASSWORD)
    page.goto(f"{live_server.url}/admin/cases/photo/")
    page.get_by_role("link", name="Check a file against our records").click()
    page.set_input_files("#id_file", str(held))
    with page.expect_request(lambda r: r.method == "POST") as posted:
        page.get_by_role("button", name="Check").click()
    body = posted.value.post_data_buffer or b""
    assert hashlib.sha256(original).hexdigest().encode() in body
    assert len(body) < len(original) // 4  # the file itself stayed on the computer
    result = page.locator("#check-result")
    result.wait_for()
    assert "This file is in our records: one photo." in result.text_content()
    assert "It is the file as the relative sent it." in result.text_content()
    assert f"/admin/cases/photo/{photo.pk}/change/" in result.inner_html()
    assert page.console_errors == []
