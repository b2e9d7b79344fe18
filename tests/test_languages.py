"""Every page speaks the visitor's language: no English left, errors included; Uyghur reads
right to left; Kazakh dates read as Kazakh dates."""

import re
from datetime import date

import pytest
from django.utils import translation
from django.utils.formats import date_format

from cases.models import Name

from .factories import make_case
from .public_site import make_case_with_every_public_field, public_paths, visible_text
from .test_report_form import report_post

pytestmark = pytest.mark.django_db

LANGUAGES = ["kk", "ru", "ug", "zh-hans"]
# Words that are the same in every language: names of formats, apps, and our languages' own
# names in the switcher ("English" is written in English there on purpose).
ALLOWED = {
    "JPEG",
    "PNG",
    "WebP",
    "HEIC",
    "MB",
    "WhatsApp",
    "Telegram",
    "English",
    "Atom",
    "JSON",
    "CSV",
    "URL",
    "OK",
    "SVG",
    "Email",  # Django's own Chinese catalog writes it so in its validation messages
}


def english_words(html: str, content: set[str]) -> set[str]:
    words = set(re.findall(r"[A-Za-z][A-Za-z'’]+", visible_text(html)))
    return {w for w in words - ALLOWED - content if not w.isupper()}


@pytest.fixture
def site_in_no_language():
    """Published content written in no UI language, so any Latin word left is our UI's."""
    case = make_case_with_every_public_field(names=["Әділ Ерғазы", "阿地力"], excerpt="Ерғазы")
    Name.objects.create(case=make_case(), text="Hidden Person")
    return case


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_is_free_of_english(client, site_in_no_language, language):
    case = site_in_no_language
    content = {"Adil", "Yergazy"}  # romanised names of the case are content, not UI
    for url in public_paths(case, language, query="Ерғазы"):
        response = client.get(url)
        left = english_words(response.text, content)
        assert not left, f"{url} still shows English: {sorted(left)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_form_errors_arrive_in_the_forms_language(client, language):
    data = report_post(
        submitter_email="not an email", birth_year="next year", consent="", narrative="Ұсталды."
    )
    response = client.post(f"/{language}/report/", data)
    assert response.status_code == 200
    left = english_words(response.text, set())
    assert not left, f"errors of /{language}/report/ still show English: {sorted(left)}"
    with translation.override(language):
        from django.core.validators import EmailValidator

        assert str(EmailValidator.message) in response.text


def test_uyghur_pages_read_right_to_left(client, site_in_no_language):
    for url in public_paths(site_in_no_language, "ug", query="Ерғазы"):
        assert '<html lang="ug" dir="rtl">' in client.get(url).text


def test_kazakh_dates_read_as_kazakh_dates():
    with translation.override("kk"):
        assert date_format(date(2018, 3, 9), "DATE_FORMAT") == "9 наурыз 2018"
