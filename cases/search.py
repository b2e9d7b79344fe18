"""Find cases by any spelling of a person's name, or by reference: public, admin and duplicates.

Search (`search_cases`, `search_ids`) takes its rules from `names.rank_words`. The database only
gathers candidates, in two queries. The first reads SearchWord alone (search_models.py): the
names having a word that could meet a query word (the same word, a word it begins, a word sharing
its stem or its rough form, one of its one-edit typos from `names.typo_variants`, a word it is
inside) or the query's Han characters, at most MAX_CANDIDATES, those meeting the most query words
first. The second reads those names, of cases of the queryset, public ones for the public, with
their words in order. Python ranks each name by `rank_words` (no name's text is parsed again),
drops those that do not match, and ranks each case by its best name; ties go to the newest case.
On PostgreSQL the indexes of migrations 0019 and 0022 answer every condition (a btree for equal
words, prefixes and typos, trigrams for words inside others); SQLite reads its btree for all
but words inside others, which it scans for.

Duplicates (`likely_duplicates`) still use the looser substring rule of `name_condition` on the
key of Name, with the GIN indexes of migration 0002.
"""

import difflib
from functools import reduce
from operator import add, or_

from django.db import connections, models
from django.db.models import F, FloatField, Func, Max, Q, TextField, Value
from django.db.models.functions import Cast, Greatest, Least, Length
from django.db.models.lookups import Contains, GreaterThan
from django.utils.translation import gettext as _

from . import codes, names
from .models import Name, Prefecture
from .search_models import SearchWord

# Written between the parts of a Han name; `names.han_text` drops them, so the lookup must too.
HAN_SEPARATORS = ("·", "・", "•", "‧", " ", "-")
# A broad query ("Gul", "Ma") matches thousands of names at 100,000 cases. Joining every one to
# its case to rank them costs more than the latency budget (DESIGN.md), and no one pages that far:
# search keeps the best names only, and a more complete name narrows the search.
MAX_MATCHES = 500
# Candidate names ranked in Python for one search; the database sends those meeting the most
# query words, and the closest, first.
MAX_CANDIDATES = 500
# Names looked at for duplicates of one case, closest first, so a common name stays cheap.
DUPLICATE_CANDIDATES = 200
# Two cases both "not known" or "elsewhere" share nothing.
_VAGUE_PREFECTURES = (Prefecture.UNKNOWN, Prefecture.OTHER)


class HanOnlyText(Func):
    """Name.text without the separators Han names are written with (`names.han_text` drops them).

    Migration 0002 indexes this very expression on PostgreSQL; change both together. One node
    with the separators written in, rather than nested Replace(): cheaper to build, and the SQL
    stays the index's even if parameters are bound on the server.
    """

    template = reduce(
        lambda sql, separator: f"REPLACE({sql}, '{separator}', '')",
        HAN_SEPARATORS,
        "%(expressions)s",
    )
    output_field = TextField()

    def __init__(self):
        super().__init__(F("text"))


def search_cases(queryset, text: str, *, public_only: bool = True):
    """Cases of queryset whose Names match text, best first; or the one text is the reference of.

    Public pages keep public_only: a hit on a hidden legal name would reveal that name. The result
    is a queryset of distinct cases, so callers can paginate, prefetch or filter it further; it
    holds the cases of the MAX_MATCHES best-matching names at most. Text shaped like a reference
    costs one query here, as "reference or name" in one query cannot use the indexes.
    """
    ranked = search_ids(queryset, text, public_only=public_only)
    if not ranked:
        return queryset.none()
    place = models.Case(
        *(models.When(pk=pk, then=Value(index)) for index, pk in enumerate(ranked)),
        output_field=models.IntegerField(),
    )
    return queryset.filter(pk__in=ranked).alias(search_place=place).order_by("search_place")


def search_ids(queryset, text: str, *, public_only: bool = True) -> list[int]:
    """What search_cases finds, as case ids best first, for a caller that pages them itself."""
    reference = codes.as_reference(text)
    if reference and (found := list(queryset.filter(reference=reference).values_list("pk")[:1])):
        return [found[0][0]]
    return ranked_case_ids(queryset, text, public_only=public_only)


def ranked_case_ids(queryset, text: str, *, public_only: bool = True) -> list[int]:
    """The ids of the cases of queryset whose names match text, best first (two queries: the
    candidate names, then the words of those that belong to cases of queryset)."""
    candidates = candidate_names(text, queryset.db)
    typed, query_han = names.query_words_of(text), names.han_text(text)
    if candidates is None and not query_han:
        return []
    candidates = [] if candidates is None else list(candidates)
    best = {}
    for case_id, text_of_name, words in _names_of(queryset, candidates, query_han, public_only):
        name_han = names.han_text(text_of_name) if query_han else ""
        rank = names.rank_words(typed, query_han, words, name_han)
        if rank is not None and (case_id not in best or rank > best[case_id]):
            best[case_id] = rank
    ranked = sorted(best, key=lambda case_id: (best[case_id], case_id), reverse=True)
    return ranked[:MAX_MATCHES]


def name_rows(queryset, name_ids: list[int], han: str = "", *, public_only: bool = True):
    """The words of these names, and of the names holding the Han characters han, in order, with
    each name's case and text, for the names of cases of queryset (public names only, with
    public_only). From Name, so that PostgreSQL reads the names by their ids, and the Han
    characters through the GIN index of migration 0002, which finds names holding all of them
    (rows of SearchWord, one per character, made common characters cost a scan of thousands)."""
    wanted = Q(pk__in=name_ids)
    if han:
        wanted |= _han_in_text(han, connections[queryset.db].vendor)
    found = Name.objects.using(queryset.db).filter(
        wanted, case__in=queryset.values("pk"), search_words__position__isnull=False
    )
    if public_only:
        found = found.filter(is_public=True)
    return found.order_by("pk", "search_words__position").values_list(
        "pk",
        "case_id",
        "text",
        "search_words__word",
        "search_words__han",
        "search_words__rough",
    )


def _names_of(queryset, name_ids: list[int], han: str, public_only: bool):
    """(case id, text, words) of each name that name_rows finds."""
    found = {}
    rows = name_rows(queryset, name_ids, han, public_only=public_only)
    for name_id, case_id, text, key, is_han, rough in rows:
        found.setdefault(name_id, (case_id, text, []))[2].append(names.Word(key, is_han, rough))
    return [(case_id, text, tuple(words)) for case_id, text, words in found.values()]


def candidate_names(text: str, db: str = "default"):
    """Ids of the names that may match text by its words, at most MAX_CANDIDATES, from SearchWord
    alone: first those meeting the most query words, then the closest, then the newest; None
    when text has no words to search by (Han characters are name_rows'). Which of them
    are public, and of which cases, name_rows tells: joined here, a misjudged count of rows
    made PostgreSQL read every name and case."""
    condition = word_condition(text, db)
    if condition is None:
        return None
    terms = _terms(text, db)
    closeness = [
        Max(
            models.Case(
                models.When(exact, then=3),
                models.When(near, then=2),
                models.When(loose, then=1),
                default=0,
            )
        )
        for exact, near, loose in terms
    ]
    met = [models.Case(models.When(GreaterThan(each, 0), then=1), default=0) for each in closeness]
    rows = (
        SearchWord.objects.using(db)
        .filter(condition)
        .values("name_id")
        .annotate(met=reduce(add, met), closeness=reduce(add, closeness))
    )
    ordered = rows.filter(met__gt=0).order_by("-met", "-closeness", "-name_id")
    return ordered.values_list("name_id", flat=True)[:MAX_CANDIDATES]


def word_condition(text: str, db: str = "default") -> Q | None:
    """What a SearchWord row of a candidate name meets: any of the conditions of candidate_names
    (the indexes answer it; tested on PostgreSQL's plans)."""
    wanted = [loose for _exact, _near, loose in _terms(text, db)]
    return reduce(or_, wanted) if wanted else None


def _terms(text: str, db: str) -> list[tuple[Q, Q, Q]]:
    """For each query word, the SearchWord conditions of _word_terms."""
    return [_word_terms(word, db) for word in names.query_words_of(text)]


def _word_terms(word: names.Word, db: str) -> tuple[Q, Q, Q]:
    """Conditions on SearchWord for one query word: (the same word, a close one, any candidate).

    A superset of what `names.word_level` accepts; it decides.
    """
    exact = Q(word=word.key)
    near = Q(word__startswith=word.key)
    for stem in names.stems(word.key) - {word.key}:
        near |= Q(word__startswith=stem)
    if len(rough := word.rough) >= names.MIN_ROUGH_LENGTH:
        near |= Q(rough=rough, han=not word.han)
    loose = Q()
    if not word.han and (variants := names.typo_variants(word.key)):
        loose = _one_of(sorted(variants), db)
    if not word.han and names.MIN_INFIX_LENGTH <= len(word.key) <= names.MAX_INFIX_LENGTH:
        loose |= Q(word__contains=word.key)
    return exact, near, (near | loose) if loose else near


def _one_of(words: list[str], db: str) -> Q:
    """SearchWord.word among words: on PostgreSQL one array for all, which costs a fraction of
    a parameter for each in building and sending the query."""
    if connections[db].vendor != "postgresql":
        return Q(word__in=words)
    from django.contrib.postgres.fields import ArrayField

    array = Value(words, output_field=ArrayField(models.CharField()))
    return Q(
        Func(
            F("word"),
            array,
            arg_joiner=" = ANY(",
            template="%(expressions)s)",
            output_field=models.BooleanField(),
        )
    )


def name_condition(text: str, *, vendor: str) -> Q | None:
    """Names whose key holds every folded word of text (`_word_in_key`), or whose Han text
    holds text's Han characters: the looser rule duplicates are looked for by; None when text
    has no letters."""
    alternatives = []
    if words := names.query_words(text):
        # One Q, so that on a join every word must hold for the same Name.
        alternatives.append(Q(*(_word_in_key(word) for word in words)))
    if han := names.han_text(text):
        alternatives.append(_han_in_text(han, vendor))
    return reduce(or_, alternatives) if alternatives else None


def _han_in_text(han: str, vendor: str) -> Q:
    """The query's Han characters within a Name's, whatever separates the parts of either."""
    condition = Q(script__in=[names.Script.HAN, names.Script.MIXED])
    if vendor == "postgresql":
        # Trigrams need three characters and Hui names often have two: a GIN index on the
        # characters (migration 0002) finds the names holding them all, and LIKE then checks order.
        from django.contrib.postgres.fields import ArrayField
        from django.contrib.postgres.lookups import DataContains

        characters = ArrayField(TextField())
        indexed = Func(
            HanOnlyText(),
            template="string_to_array(%(expressions)s, NULL)",
            output_field=characters,
        )
        wanted = Value(sorted(set(han)), output_field=characters)
        condition &= Q(DataContains(indexed, wanted))
    else:
        # Without an index, cheap tests of each character spare most names the separator removal.
        condition &= Q(*(Q(text__contains=character) for character in sorted(set(han))))
    return condition & Q(Contains(HanOnlyText(), Value(han)))


def _word_in_key(word: str) -> Q:
    """LIKE '%word%' on the key, or the start of a word of it when word is short (a database index
    needs three letters to find a word inside another)."""
    if len(word) >= names.MIN_INFIX_LENGTH:
        return Q(key__contains=word)
    return Q(key__startswith=word) | Q(key__contains=f" {word}")


def likely_duplicates(case, limit: int = 5) -> list[tuple]:
    """Other cases, in any state, that may be this person: (case, score, reasons), best first.

    A name must match one of this case's names, hidden ones included, either way round (a second
    report often gives more or fewer name parts); the same birth year and hometown weigh in.
    """
    own_names = list(case.names.all())
    vendor = connections[Name.objects.db].vendor
    matches = [(_duplicate_condition(name, vendor), name) for name in own_names]
    matches = [(condition, name) for condition, name in matches if condition is not None]
    if not matches:
        return []
    # Only to keep the closest few when a name is common; the score below decides the order.
    closeness = [
        models.Case(models.When(condition, then=_rank(names.query_words(name.text))), default=0.0)
        for condition, name in matches
    ]
    candidates = (
        Name.objects.alias(key_length=Length("key"))
        .filter(reduce(or_, (condition for condition, _name in matches)))
        .exclude(case=case)
        .annotate(closeness=Greatest(*closeness) if len(closeness) > 1 else closeness[0])
        .order_by("-closeness", "-pk")
        .select_related("case")[:DUPLICATE_CANDIDATES]
    )
    best = {}
    for candidate in candidates:
        score, reasons = _duplicate_score(case, own_names, candidate)
        if candidate.case_id not in best or score > best[candidate.case_id][1]:
            best[candidate.case_id] = (candidate.case, score, reasons)
    ranked = sorted(best.values(), key=lambda found: (-found[1], -found[0].pk))
    return ranked[:limit]


def _duplicate_condition(name, vendor: str) -> Q | None:
    condition = name_condition(name.text, vendor=vendor)
    if not name.key:
        return condition
    # The other way round: the other name's whole key within this one's, e.g. a lone surname.
    shorter = Q(Contains(Value(name.key), F("key")), key_length__gte=3)
    return shorter if condition is None else condition | shorter


def _duplicate_score(case, own_names, candidate) -> tuple[float, list[str]]:
    own = max(own_names, key=lambda name: _key_similarity(name.key, candidate.key))
    score = _key_similarity(own.key, candidate.key)
    reasons = [_("“%(other)s” matches “%(own)s”") % {"other": candidate.text, "own": own.text}]
    other = candidate.case
    if case.birth_date and other.birth_date and case.birth_date.year == other.birth_date.year:
        score += 0.5
        reasons.append(_("born the same year, %(year)s") % {"year": case.birth_date.year})
    prefecture = case.hometown_prefecture
    if prefecture == other.hometown_prefecture and prefecture not in _VAGUE_PREFECTURES:
        score += 0.5
        reasons.append(
            _("from the same prefecture, %(prefecture)s")
            % {"prefecture": other.get_hometown_prefecture_display()}
        )
    return round(score, 2), reasons


def _key_similarity(a: str, b: str) -> float:
    """How alike two keys are, whatever the order of their words, from 0 to 1."""
    return difflib.SequenceMatcher(
        None, " ".join(sorted(a.split())), " ".join(sorted(b.split()))
    ).ratio()


def _rank(words: list[str]):
    """How well one name matches the query's words (`names.query_words`), from 0 to 1: 1 when
    its key is the query's.

    Half is how much of the key the query covers, half how many query words begin a word of it,
    so "Gul" puts Gulnar before Aygul. Every candidate already holds every query word, which is
    what trigram similarity would measure; these are cheaper, and the same on both databases.
    """
    coverage = Least(
        Value(float(len(" ".join(words))))
        / Greatest(Cast(Length("key"), FloatField()), Value(1.0)),
        Value(1.0),
    )
    starts = [
        models.Case(
            models.When(Q(key__startswith=word) | Q(key__contains=f" {word}"), then=1.0),
            default=0.0,
        )
        for word in words
    ]
    return (coverage + reduce(add, starts, Value(0.0)) / Value(float(len(words) or 1))) / 2


def index_names(saved, *, fresh: bool = False) -> None:
    """Write the SearchWord rows of saved Names anew: Name.save calls it, and so must anything
    that writes Names without save() (bulk_create). fresh: the names have no rows yet."""
    saved = [name for name in saved if name.pk]
    if not saved:
        return
    manager = SearchWord.objects.using(saved[0]._state.db or "default")
    if not fresh:
        manager.filter(name__in=[name.pk for name in saved]).delete()
    manager.bulk_create(row for name in saved for row in search_words(name))


def search_words(name) -> list[SearchWord]:
    """One row per word of the name (`names.name_words`), in order."""
    return [
        SearchWord(name=name, word=word.key, rough=word.rough, han=word.han, position=position)
        for position, word in enumerate(names.name_words(name.text))
    ]
