"""A published case with every public field filled, the public pages that show it, and the words
a visitor sees there: for the tests that read every page for a language's words."""

import re
from datetime import date
from html.parser import HTMLParser

from cases.dates import Precision
from cases.models import Citation, Event

from .factories import make_photo, make_published_case, make_source

SHOWN_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}
_HIDDEN_ELEMENTS = ("script", "style", "svg", "code")


class VisibleText(HTMLParser):
    """The words a visitor sees or hears: text and labelling attributes, not code."""

    def __init__(self):
        super().__init__()
        self.parts, self._skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN_ELEMENTS:
            self._skipping += 1
        self.parts += [value for name, value in attrs if name in SHOWN_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag in _HIDDEN_ELEMENTS:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """What a visitor reads on the page, less addresses and paths (/data/cases.csv), which are
    words of no language."""
    parser = VisibleText()
    parser.feed(html)
    return re.sub(r"(https?://|/)\S+", " ", " ".join(parser.parts))


def make_case_with_every_public_field(*, names, write=str, excerpt):
    """A published case whose content is Kazakh passed through write (into Töte, say): a word of
    another script left on its pages is then the interface's, not the content's."""
    source = make_source(
        title=write("Қазақстан хабары"), publisher=write("Хабар"), url="https://news.example/1"
    )
    case = make_published_case(
        source=source,
        display_name="Әділ Ерғазы",
        public_summary=write("Ерғазы 2017 жылы лагерьге апарылды."),
        hometown_detail=write("Күнес"),
        names=names,
        photo_consent=True,
        birth_date=date(1985, 1, 1),
    )
    Event.objects.create(
        case=case,
        kind=Event.Kind.DETAINED,
        date=date(2017, 3, 9),
        date_precision=Precision.DAY,
        place=write("Күнес"),
    )
    make_photo(case, alt_text=write("Сурет"))
    Citation.objects.filter(case=case).update(claim=write("Ұсталды"), excerpt=excerpt)
    return case


def public_paths(case, language, *, query):
    """Every public page in one language, with a search that finds the case and one that finds
    nothing, and a page not found."""
    return [
        f"/{language}/",
        f"/{language}/report/",
        f"/{language}/report/status/",
        f"/{language}/cases/",
        f"/{language}/cases/?q={query}",
        f"/{language}/cases/?q=nobody-by-this-name",
        f"/{language}/cases/{case.reference}/",
        f"/{language}/sources/",
        f"/{language}/sources/{case.citations.first().source_id}/",
        f"/{language}/stats/",
        f"/{language}/about/",
        f"/{language}/cases/NOSUCHREF/",
    ]
