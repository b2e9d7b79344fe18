"""What search engines, validators and screen readers read in every public page: absolute
hreflang alternates, a description in the page's language, headings in order, the language of
content that differs from the page's, and the typography of each language."""

import itertools
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings

from advocacy.languages import language_tag

from .test_browser_page_quality import NOT_FOUND, public_paths, public_record

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.urls_public_media")]

LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.fixture
def pages(client):
    """(language, page name, HTML) of every public page in every language."""
    case, source = public_record()
    found = []
    for language in LANGUAGES:
        for name, path in public_paths(case, source).items():
            if path != NOT_FOUND:
                found.append((language, name, client.get(f"/{language}/{path}").text))
    return found


class Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.levels, self.lang_of = [], {}
        self._stack = []

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))


def test_hreflang_alternates_are_absolute_and_name_every_language(pages):
    for language, name, page in pages:
        alternates = dict(
            re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', page)
        )
        assert sorted(alternates) == sorted(map(language_tag, LANGUAGES)), (language, name)
        for code in LANGUAGES:
            url = alternates[language_tag(code)]
            assert url.startswith(settings.SITE_URL + f"/{code}/"), (language, name, url)


def test_every_page_has_one_description_in_its_language(pages):
    english = {name: page for language, name, page in pages if language == "en"}
    for language, name, page in pages:
        descriptions = re.findall(r'<meta name="description" content="([^"]*)">', page)
        assert len(descriptions) == 1 and len(descriptions[0]) > 20, (language, name)
        if language != "en" and name not in ("case", "source"):  # those quote their content
            english_one = re.search(r'name="description" content="([^"]*)"', english[name])
            assert descriptions[0] != english_one.group(1), (language, name)


def test_headings_never_skip_a_level(pages):
    for language, name, page in pages:
        outline = Outline()
        outline.feed(page)
        levels = outline.levels
        assert levels[0] == 1, (language, name)
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, (language, name, levels)


def inside_citation_text(page, position):
    """The "how to cite" sentence quotes the name inside one translated string."""
    start = page.rfind('<p class="cite-text', 0, position)
    return start != -1 and "</p>" not in page[start:position]


def test_english_content_is_marked_as_english_on_pages_in_other_languages(pages):
    for language, name, page in pages:
        if language == "en":
            continue
        for text in ("Example Person", "Camp survivors speak", "Taken at night"):
            for match in re.finditer(re.escape(text), page):
                opening = page.rfind("<", 0, match.start())
                tag = page[opening : page.index(">", opening) + 1]
                if tag.startswith(("<title", "<meta")) or inside_citation_text(page, match.start()):
                    continue
                # The element holding the text, or its parent (a link inside a <cite>).
                parent = page[page.rfind("<", 0, opening) : opening]
                assert 'lang="en"' in tag + parent, (language, name, text, tag)


def test_dates_and_sentences_follow_each_languages_typography(pages):
    for language, name, page in pages:
        text = re.sub(r"<[^>]+>", "", page)
        assert "г.." not in text, (language, name)
        assert not re.search(r"[。！？] ", text), (language, name)


def test_timestamps_are_valid_machine_dates(pages):
    for _language, name, page in pages:
        for value in re.findall(r'<time datetime="([^"]+)"', page):
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\dZ", value), (name, value)
