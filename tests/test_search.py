"""Search in the database finds a person by any spelling, and never by a name that is not public."""

import importlib
from datetime import date

import pytest
from django.db import connection
from django.db.models import Count

from cases import names, search
from cases.models import Case, Name, Prefecture
from cases.names import keys_match
from cases.search import HanOnlyText, likely_duplicates, search_cases, word_condition
from cases.search_models import SearchWord
from cases.services import merge_cases

from .factories import make_case, make_published_case, make_report, make_source
from .test_names import DIFFERENT_PEOPLE, SAME_PERSON

pytestmark = pytest.mark.django_db


def public_search(text):
    return list(search_cases(Case.objects.published(), text))


@pytest.mark.parametrize(("query", "name"), SAME_PERSON)
def test_a_public_search_finds_the_same_person_across_scripts_and_spellings(query, name):
    case = make_published_case(names=[name])
    assert public_search(query) == [case]


@pytest.mark.parametrize(("query", "name"), DIFFERENT_PEOPLE)
def test_a_public_search_does_not_find_a_different_person(query, name):
    make_published_case(names=[name])
    assert public_search(query) == []


def test_the_database_agrees_with_keys_match_over_every_name_of_both_tables():
    source = make_source()
    texts = sorted({name for _, name in SAME_PERSON + DIFFERENT_PEOPLE})
    cases = {text: make_published_case(names=[text], source=source) for text in texts}
    for query in sorted({query for query, _ in SAME_PERSON + DIFFERENT_PEOPLE}):
        expected = {cases[text] for text in texts if keys_match(query, text)}
        assert set(public_search(query)) == expected, query


def test_a_hidden_name_is_found_by_staff_but_never_by_the_public():
    case = make_published_case(names=["Adil N."])
    Name.objects.create(case=case, text="Adilgazy Yergazy", is_public=False)
    assert public_search("Yergazy") == []
    assert list(search_cases(Case.objects.all(), "Yergazy", public_only=False)) == [case]


def test_an_unpublished_case_never_comes_back_from_a_public_search():
    for status in [Case.Status.DRAFT, Case.Status.IN_REVIEW, Case.Status.HIDDEN]:
        case = make_case(status=status, reference=f"REF{status[:5].upper()}")
        Name.objects.create(case=case, text="Ilham Tohti", is_public=True)
    assert public_search("Ilham Tohti") == []
    assert public_search("REFDRAFT") == []


def test_a_reference_finds_its_case_however_it_is_typed():
    case = make_published_case(names=["Ilham Tohti"])
    typed = case.reference.lower()
    spaced = f" {case.reference[:4]}-{case.reference[4:]} "
    misread = case.reference.replace("0", "O").replace("1", "l")
    for text in [case.reference, typed, spaced, misread]:
        assert public_search(text) == [case], text


def test_a_reference_is_looked_up_first_and_costs_one_more_query(django_assert_num_queries):
    case = make_published_case(names=["Ilham Tohti"])
    with django_assert_num_queries(2):
        assert public_search(case.reference) == [case]
    with django_assert_num_queries(2):
        assert public_search("Adilgazy") == []  # shaped like a reference: AD11GAZY
    make_published_case(names=["Adilgazy Yergazy"])
    with django_assert_num_queries(4):
        assert len(public_search("Adilgazy")) == 1


def test_a_case_whose_key_is_the_query_comes_before_swapped_and_longer_names():
    longer = make_published_case(names=["Ilham Tohti Abdurahman"])
    exact = make_published_case(names=["Ilham Tohti"])
    swapped = make_published_case(names=["Tohti Ilham"])
    assert public_search("Илхам Тохти") == [exact, swapped, longer]


def test_a_word_that_begins_a_name_comes_before_one_inside_a_name():
    inside = make_published_case(names=["Aygul"])
    begins = make_published_case(names=["Gulnar Tursun"])
    assert public_search("Gul") == [begins, inside]


def test_one_or_two_letters_find_only_the_start_of_a_word():
    ma = make_published_case(names=["Ma Lin"])
    marat = make_published_case(names=["Tursun Marat"])
    make_published_case(names=["Ahmat Salima"])
    assert public_search("Ma") == [ma, marat]


def test_a_broad_search_keeps_the_cases_of_the_best_names_only(monkeypatch):
    monkeypatch.setattr(search, "MAX_MATCHES", 2)
    gulnar = make_published_case(names=["Gulnar"])
    gulnara = make_published_case(names=["Gulnara Tursun"])
    make_published_case(names=["Aygul Tursun"])
    assert public_search("Gul") == [gulnar, gulnara]


def test_a_query_with_no_letters_finds_nothing():
    make_published_case(names=["Ilham Tohti"])
    for text in ["", "  ", "?!", "1234"]:
        assert public_search(text) == []


@pytest.mark.parametrize("matches", [1, 6])
def test_search_takes_three_queries_however_many_cases_match(matches, django_assert_num_queries):
    # The candidate names, their words, the cases ranked from them.
    source = make_source()
    for _ in range(matches):
        make_published_case(names=["Ilham Tohti", "ئىلھام توختى"], source=source)
    with django_assert_num_queries(3):
        assert len(public_search("Ilham")) == matches


def test_staff_search_works_on_an_annotated_and_prefetched_queryset():
    case = make_published_case(names=["Ilham Tohti"])
    make_report(case=case)
    make_report(case=case)
    staff = Case.objects.prefetch_related("names").annotate(reports_seen=Count("reports"))
    [found] = search_cases(staff, "Тохти", public_only=False)
    assert found == case
    assert found.reports_seen == 2


def test_every_matching_case_comes_back_once():
    case = make_published_case(names=["Ilham Tohti", "ئىلھام توختى", "Илхам Тохти"])
    assert public_search("Ilham Tohti") == [case]
    assert search_cases(Case.objects.published(), "Ilham Tohti").count() == 1


def test_the_han_index_of_the_migration_is_built_on_the_expression_search_uses():
    migration = importlib.import_module("cases.migrations.0002_name_search")
    assert HanOnlyText.template % {"expressions": "text"} == migration.han_only_text_sql()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes are PostgreSQL's")
@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("Gul", "cases_searchword_word_trgm"),  # the word inside another
        ("Adilgazy", "cases_searchword_word "),  # the word, one it begins, its typos
        ("Ma", "cases_searchword_word "),
        ("Nurlan", "cases_searchword_rough"),  # 努尔兰, read as a Turkic name
    ],
)
def test_postgresql_finds_candidate_words_through_the_indexes(query, index):
    make_published_case(names=["Ilham Tohti 伊力哈木·土赫提", "努尔兰"])
    rows = SearchWord.objects.filter(word_condition(query)).values("name_id")
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        # With a handful of rows a scan is cheaper; the question is whether the index applies.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall()) + "\n"
    assert index in plan.replace("\n", " ")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes are PostgreSQL's")
@pytest.mark.parametrize("query", ["伊力哈木土赫提", "张伟"])
def test_postgresql_finds_names_holding_han_characters_through_their_index(query):
    make_published_case(names=["Ilham Tohti 伊力哈木·土赫提"])
    rows = Name.objects.filter(search._han_in_text(names.han_text(query), "postgresql"))
    sql, params = rows.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "cases_name_han_chars" in plan


def make_report_of(name, **fields):
    case = make_case(**fields)
    Name.objects.create(case=case, text=name, is_public=False)
    return case


def test_a_second_report_in_another_script_is_suggested_as_a_duplicate():
    first = make_published_case(names=["Әділғазы Ерғазы"])
    second = make_report_of("Adilgazy Yergazy")
    make_report_of("Adilbek Yergazy")
    suggested = likely_duplicates(second)
    assert [case for case, _, _ in suggested] == [first]
    assert [case for case, _, _ in likely_duplicates(first)] == [second]


def test_a_duplicate_with_the_same_birth_year_and_hometown_ranks_first():
    born, altay = date(1975, 1, 1), Prefecture.ALTAY
    new = make_report_of("ٴادىلعازى ەرعازى", birth_date=born, hometown_prefecture=altay)
    namesake = make_report_of("Adilgazy Yergazy", birth_date=date(1990, 1, 1))
    same = make_report_of("Әділғазы Ерғазы", birth_date=born, hometown_prefecture=altay)
    suggested = likely_duplicates(new)
    assert [case for case, _, _ in suggested] == [same, namesake]
    (_, same_score, same_reasons), (_, namesake_score, namesake_reasons) = suggested
    assert same_score > namesake_score
    assert len(same_reasons) == 3
    assert len(namesake_reasons) == 1


def test_a_report_giving_only_one_name_part_is_suggested_both_ways():
    full = make_report_of("Sayragul Sauytbay")
    short = make_report_of("Сауытбай")
    assert [case for case, _, _ in likely_duplicates(full)] == [short]
    assert [case for case, _, _ in likely_duplicates(short)] == [full]


def test_duplicate_suggestions_take_two_queries_however_many_match(django_assert_num_queries):
    case = make_report_of("Gulbahar Jalilova")
    Name.objects.create(case=case, text="گۈلباھار جېلىلوۋا")
    for _ in range(3):
        make_report_of("Гульбахар Джалилова")
    with django_assert_num_queries(2):
        assert len(likely_duplicates(case)) == 3


def test_a_case_is_never_its_own_duplicate_and_different_people_are_not_suggested():
    case = make_report_of("Ilham Tohti")
    make_report_of("Ilham Tursun")
    make_report_of("ئىلھام ئەخمەت")
    assert likely_duplicates(case) == []


def test_duplicate_suggestions_stop_at_the_limit():
    case = make_report_of("Gulbahar Jalilova")
    for _ in range(4):
        make_report_of("Гульбахар Джалилова")
    assert len(likely_duplicates(case, limit=3)) == 3


def test_the_ranking_puts_exact_characters_whole_names_and_exact_words_first():
    """The order, and why: Rank compares (Han characters exact, share of query words met, mean
    level of the words, share of the name's words met, words in order), ties to the newest."""
    # A Han query: the name holding its characters comes first, one that only sounds alike after.
    same_characters = make_published_case(names=["阿地力加孜"])
    same_sound = make_published_case(names=["阿地里江"])
    assert public_search("阿地力") == [same_characters, same_sound]
    # Every word met comes before a name that shares only the first name with the query.
    first_name_only = make_published_case(names=["Gulbahar"])
    whole = make_published_case(names=["Gulbahar Jalilova"])
    assert public_search("Gulbahar Jalilova") == [whole, first_name_only]
    # The same word comes before a word it begins, a word with another ending, and a typo.
    typo = make_published_case(names=["Kurbanaov"])
    ending = make_published_case(names=["Құрбанұлы"])
    begins = make_published_case(names=["Kurbanova"])
    exact = make_published_case(names=["Курбанов"])
    assert public_search("Kurbanov") == [exact, begins, ending, typo]


def test_a_query_word_that_matches_nothing_lowers_the_rank_instead_of_emptying_it():
    on_file = make_published_case(names=["Gulbahar Jalilova"])
    with_patronymic = make_published_case(names=["Джалилова Гульбахар Ахмедовна"])
    assert public_search("Джалилова Гульбахар Ахмедовна") == [with_patronymic, on_file]


def test_a_name_sharing_one_word_with_a_query_and_holding_another_is_not_found():
    make_published_case(names=["Adilbek Yergazy"])
    surname_only = make_published_case(names=["Yergazy"])
    assert public_search("Adilgazy Yergazy") == [surname_only]


def test_ranking_is_stable_ties_going_to_the_newest_case():
    older = make_published_case(names=["Ilham Tohti"])
    newer = make_published_case(names=["Илхам Тохти"])
    assert public_search("Ilham Tohti") == [newer, older]
    assert public_search("Ilham Tohti") == [newer, older]


def words_of(case):
    return list(
        SearchWord.objects.filter(name__case=case).order_by("id").values_list("word", flat=True)
    )


def test_search_words_follow_a_name_when_it_is_edited_hidden_or_deleted():
    case = make_published_case(names=["Ilham Tohti"])
    name = case.names.get()
    assert words_of(case) == ["ilham", "tohti"]
    name.text = "伊力哈木"
    name.save()
    assert words_of(case) == ["ilihamu"]
    assert public_search("Ilham") == [case]
    assert public_search("Tohti") == []
    name.is_public = False
    name.save()
    assert public_search("Ilham") == []
    name.delete()
    assert words_of(case) == []


def test_a_merged_case_is_found_by_the_names_it_took_over():
    kept = make_published_case(names=["Sayragul Sauytbay"])
    duplicate = make_case(display_name="Second report")
    Name.objects.create(case=duplicate, text="萨依拉古丽", is_public=True)
    merge_cases(kept=kept, duplicate=duplicate, by=None)
    assert public_search("萨依拉古丽") == [kept]
    assert public_search("Sayragul") == [kept]
