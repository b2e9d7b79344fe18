"""A name typed in Töte finds its case through the public search, on SQLite and PostgreSQL alike,
whichever hamza, yeh or kaf the keyboard gave."""

import pytest

from cases.names import keys_match
from cases.tote import to_tote

from .factories import make_published_case

pytestmark = pytest.mark.django_db

# Names as a family wrote them in Cyrillic or Latin; the search is typed in Töte.
NAMES = [
    "Әділ Ерғазы",
    "Әділғазы Ерғазы",
    "Сайрагүл Сауытбай",
    "Гүлбахрам",
    "Бақыт",
    "Нұрлан",
    "Жанболат",
    "Өмірбек",
    "Зәуре",
    "Дәурен",
    "Құрманбек",
    "Ұлжан",
    "Бибігүл",
    "Қайрат",
    "Мәди",
    "Давут",
    "Вали",
    "Юсуп",
    "Яхия",
    "Ильяс",
    "Шәмші",
    "Үмітжан",
    "Ақылбек",
    "Қуаныш",
    "Хасен",
]
LATIN = [
    ("Adilgazy Yergazy", "Әділғазы Ерғазы"),
    ("Sayragul Sauytbay", "Сайрагүл Сауытбай"),
    ("Davut", "Давут"),
    ("Bakyt", "Бақыт"),
]
# What other keyboards type for Töte letters: the hamza U+0621 for U+0674, Persian yeh and
# keheh for Arabic yeh and kaf.
KEYBOARD_VARIANTS = str.maketrans({"ٴ": "ء", "ي": "ی", "ك": "ک"})


@pytest.mark.parametrize("name", NAMES)
def test_a_name_typed_in_tote_matches_its_cyrillic_spelling(name):
    assert keys_match(to_tote(name), name)
    assert keys_match(to_tote(name).translate(KEYBOARD_VARIANTS), name)


@pytest.mark.parametrize(("latin", "cyrillic"), LATIN)
def test_a_name_typed_in_tote_matches_its_latin_spelling(latin, cyrillic):
    assert keys_match(to_tote(cyrillic), latin)


@pytest.mark.parametrize("name", ["Әділ Ерғазы", "Давут", "Бибігүл"])
def test_the_public_search_finds_a_case_by_its_name_typed_in_tote(client, name):
    case = make_published_case(names=[name])
    other = make_published_case(names=["Серік Мұратов"])
    for query in (to_tote(name), to_tote(name).translate(KEYBOARD_VARIANTS)):
        page = client.get("/kk-arab/cases/", {"q": query}).text
        assert case.reference in page, query
        assert other.reference not in page, query


def test_a_tote_search_finds_a_latin_named_case_and_not_another(client):
    case = make_published_case(names=["Adilgazy Yergazy"])
    other = make_published_case(names=["Nurlan Kairat"])
    page = client.get("/kk-arab/cases/", {"q": to_tote("Әділғазы")}).text
    assert case.reference in page
    assert other.reference not in page
