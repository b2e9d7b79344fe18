"""The receipt: shown once, enough as a screenshot, or kept as a small image or text file that
names nothing but the code; typed back with look-alike letters, any case, spaces or dashes."""

import base64
import io
import re
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from cases.codes import CODE_ALPHABET, normalise_code
from cases.models import Report
from cases.receipt_files import image_data_url, text_data_url

from .factories import make_report
from .test_report_form import URL, report_post

pytestmark = pytest.mark.django_db


def receipt_page(client):
    page = client.post(URL, report_post()).text
    code = re.search(r"<code>([0-9A-Z-]+)</code>", page).group(1)
    return page, code


def test_the_receipt_says_a_screenshot_is_enough(client):
    page, _code = receipt_page(client)
    assert "A screenshot of this page is enough." in page


def test_the_code_can_be_saved_as_an_image_or_a_text_file_holding_the_code_alone(client):
    page, code = receipt_page(client)
    image = re.search(r'href="data:image/png;base64,([^"]+)" download="code.png"', page)
    picture = Image.open(io.BytesIO(base64.b64decode(image.group(1))))
    assert picture.format == "PNG" and picture.size == (640, 160)
    assert len(image.group(1)) < 16_000  # small enough to keep anywhere
    text = re.search(r'href="data:text/plain;charset=utf-8,([^"]+)" download="code.txt"', page)
    assert unquote(text.group(1)) == code + "\n"


def test_the_saved_files_are_the_same_for_the_same_code():
    assert image_data_url("ABCD-EFGH") == image_data_url("ABCD-EFGH")
    assert text_data_url("ABCD-EFGH") != text_data_url("ABCD-EFGJ")


def test_a_code_typed_with_look_alikes_finds_the_report(client):
    report = make_report()
    report.receipt_hash = Report.hash_receipt("0111-ABCD-0011-EFGH")
    report.save()
    typed = "oIlL abcd – OoiI efgh"  # 0 and 1 read as letters, lower case, other separators
    response = client.post("/en/report/status/", {"code": typed})
    assert response.status_code == 302
    assert client.get("/en/report/status/").context["report"] == report


look_alike = {"0": "0Oo", "1": "1IiLl"}


@st.composite
def typed_codes(draw):
    """A real code, and the same code as a person may type it."""
    code = draw(st.text(alphabet=CODE_ALPHABET, min_size=16, max_size=16))
    typed = "".join(draw(st.sampled_from(look_alike.get(ch, ch + ch.lower()))) for ch in code)
    separators = st.sampled_from(["", " ", "-", "–", "\u00a0", " - "])
    groups = [typed[i : i + 4] for i in range(0, 16, 4)]
    joined = groups[0] + "".join(draw(separators) + group for group in groups[1:])
    if draw(st.booleans()):  # a Chinese keyboard's full-width letters
        joined = "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in joined)
    return code, joined


@settings(max_examples=200)
@given(typed_codes())
def test_every_way_of_typing_a_code_reads_as_the_code(codes):
    code, typed = codes
    assert normalise_code(typed) == code


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_any_text_typed_as_a_code_is_a_plain_not_found(client, text):
    response = client.post("/en/report/status/", {"code": text})
    assert response.status_code in (200, 429)
