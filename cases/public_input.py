"""What public pages accept from a URL, checked once before any view, cache or query sees it.

Each public view declares the GET parameters it reads, with a cleaner for each (`PARAMETERS`
below). `canonical_query` keeps those alone, cleaned and in one order, so that a page has one
cache key however its address is spelt, and a parameter the page does not read can never make a
request miss the cache. A value that no page could use (text too long, too many words, control
characters, bytes that were not UTF-8) raises `BadInput`: the visitor gets a 400 page in their
language, and no query runs. Path parameters are checked by the URL converters at the end.
"""

import unicodedata

from django.http import QueryDict
from django.utils.http import urlencode

from . import codes, names
from .models import Prefecture, Situation

# The longest search text accepted: several spellings of a full name fit in it.
MAX_TEXT_LENGTH = 200
# Page numbers beyond this are no page of ours (24 cases a page).
MAX_PAGE_DIGITS = 6
# Characters no reader types: control characters (tab and newlines aside, which separate words
# like spaces), lone surrogates, unassigned code points, private use, and U+FFFD, which stands
# in for bytes that were not UTF-8.
_REFUSED_CATEGORIES = {"Cc", "Cs", "Cn", "Co"}
_WHITESPACE_CONTROLS = {"\t", "\n", "\r"}
_REPLACEMENT_CHARACTER = "\ufffd"


class BadInput(ValueError):
    """A value in the address that no public page can answer."""


def _refused(character: str) -> bool:
    if character in _WHITESPACE_CONTROLS:
        return False
    return (
        character == _REPLACEMENT_CHARACTER
        or unicodedata.category(character) in _REFUSED_CATEGORIES
    )


def search_text(value: str) -> str:
    """The search as typed, with its words separated by single spaces; "" when there is none."""
    if len(value) > MAX_TEXT_LENGTH:
        raise BadInput("too long")
    if any(_refused(character) for character in value):
        raise BadInput("control character or invalid text")
    words = value.split()
    if len(words) > names.MAX_QUERY_WORDS:
        raise BadInput("too many words")
    return " ".join(words)


def page_number(value: str) -> str:
    """A page number as digits without leading zeros; "" (the first page) for anything else."""
    value = value.strip()
    if not value.isascii() or not value.isdigit() or len(value) > MAX_PAGE_DIGITS:
        return ""
    number = int(value)
    return str(number) if number > 1 else ""


def year(value: str) -> str:
    value = value.strip()
    return value if len(value) == 4 and value.isascii() and value.isdigit() else ""


def one_of(choices):
    """A cleaner keeping only one of the given codes: an unknown one is no filter at all."""
    allowed = frozenset(str(code) for code, _label in choices)
    return lambda value: value if value in allowed else ""


# The GET parameters of each kind of public page, and how each value is cleaned.
PAGED = {"page": page_number}
CASE_LIST = {
    "q": search_text,
    "situation": one_of(Situation.choices),
    "prefecture": one_of(Prefecture.choices),
    "year": year,
    "page": page_number,
}
SITEMAP_SECTION = {"p": page_number}


class CanonicalQuery(QueryDict):
    """A query that canonical_query made: only declared parameters, cleaned, safe to link to."""


def canonical_query(query: QueryDict, parameters: dict) -> CanonicalQuery:
    """The declared parameters of query alone, cleaned, empty ones dropped, sorted by name.

    A parameter given twice counts once, with its last value, as QueryDict.get reads it.
    Raises BadInput for a value no page could answer.
    """
    kept = []
    for name in sorted(parameters):
        raw = query.get(name)
        if raw is not None and (value := parameters[name](raw)):
            kept.append((name, value))
    return CanonicalQuery(urlencode(kept))


class ReferenceConverter:
    """A case's public reference (codes.REFERENCE_PATTERN)."""

    regex = codes.REFERENCE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class IdConverter:
    """A database id: no leading zero (one page, one address) and within a 64-bit integer."""

    regex = "[1-9][0-9]{0,17}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)
