"""Every page speaks the visitor's language: no English left, errors included; Uyghur reads
right to left; Kazakh dates read as Kazakh dates."""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from django.utils import translation
from django.utils.formats import date_format

from cases.dates import Precision
from cases.models import Citation, Event, Name

from .factories import make_case, make_photo, make_published_case, make_source
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
SHOWN_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}


class VisibleText(HTMLParser):
    """The words a visitor sees or hears: text and labelling attributes, not code."""

    def __init__(self):
        super().__init__()
        self.parts, self._skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "svg", "code"):
            self._skipping += 1
        self.parts += [value for name, value in attrs if name in SHOWN_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style", "svg", "code"):
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def english_words(html: str, content: set[str]) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    # Addresses and paths (the page's own, /data/cases.csv) are not words of any language.
    text = re.sub(r"(https?://|/)\S+", " ", " ".join(parser.parts))
    words = set(re.findall(r"[A-Za-z][A-Za-z'’]+", text))
    return {w for w in words - ALLOWED - content if not w.isupper()}


@pytest.fixture
def site_in_no_language():
    """Published content written in no UI language, so any Latin word left is our UI's."""
    source = make_source(title="Қазақстан хабары", publisher="Хабар", url="https://news.example/1")
    case = make_published_case(
        source=source,
        display_name="Әділ Ерғазы",
        public_summary="Ерғазы 2017 жылы лагерьге апарылды.",
        hometown_detail="Күнес",
        names=["Әділ Ерғазы", "阿地力"],
        photo_consent=True,
        birth_date=date(1985, 1, 1),
    )
    Event.objects.create(
        case=case,
        kind=Event.Kind.DETAINED,
        date=date(2017, 3, 9),
        date_precision=Precision.DAY,
        place="Күнес",
    )
    make_photo(case, alt_text="Сурет")
    Citation.objects.filter(case=case).update(claim="Ұсталды", excerpt="Ерғазы")
    Name.objects.create(case=make_case(), text="Hidden Person")
    return case


def public_urls(case):
    return [
        "/{lang}/",
        "/{lang}/report/",
        "/{lang}/report/status/",
        "/{lang}/cases/",
        "/{lang}/cases/?q=Ерғазы",
        f"/{{lang}}/cases/{case.reference}/",
        "/{lang}/sources/",
        f"/{{lang}}/sources/{case.citations.first().source_id}/",
        "/{lang}/stats/",
        "/{lang}/about/",
        "/{lang}/cases/NOSUCHREF/",
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_is_free_of_english(client, site_in_no_language, language):
    case = site_in_no_language
    content = {"Adil", "Yergazy"}  # romanised names of the case are content, not UI
    for url in public_urls(case):
        response = client.get(url.format(lang=language))
        left = english_words(response.text, content)
        assert not left, f"{url.format(lang=language)} still shows English: {sorted(left)}"


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
    for url in public_urls(site_in_no_language):
        assert '<html lang="ug" dir="rtl">' in client.get(url.format(lang="ug")).text


def test_kazakh_dates_read_as_kazakh_dates():
    with translation.override("kk"):
        assert date_format(date(2018, 3, 9), "DATE_FORMAT") == "9 наурыз 2018"
