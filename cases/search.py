"""Find cases by any spelling of a person's name, or by reference: public, admin and duplicates.

Search (`search_cases`, `ranked_case_ids`) takes its rules from `names.rank_name`. The database
only gathers candidates: the Names having a SearchWord row (search_models.py) that could meet a
query word (the same word, a word it begins, a word sharing its stem or its rough form, a word of
similar trigrams with its first and last letter for a typo, a word it is inside) or one of the
query's Han characters, at most MAX_CANDIDATES of them, those meeting the most query words
first. Python then ranks each candidate name by `rank_name`, drops those that do not match, and
ranks each case by its best name; ties go to the newest case. On PostgreSQL the indexes of
migration 0019 answer every condition (a btree for equal words and prefixes, trigrams for typos
and infixes); SQLite reads its btree for prefixes and scans for the rest.

Duplicates (`likely_duplicates`) still use the looser substring rule of `name_condition` on the
key of Name, with the GIN indexes of migration 0002.
"""

import difflib
from functools import reduce
from operator import add, or_

from django.db import connections, models
from django.db.models import F, FloatField, Func, Max, Q, TextField, Value
from django.db.models.functions import Cast, Greatest, Least, Length
from django.db.models.lookups import Contains, Range
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
MAX_CANDIDATES = 1000
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
    reference = codes.as_reference(text)
    if reference and queryset.filter(reference=reference).exists():
        return queryset.filter(reference=reference)
    ranked = ranked_case_ids(queryset, text, public_only=public_only)
    if not ranked:
        return queryset.none()
    place = models.Case(
        *(models.When(pk=pk, then=Value(index)) for index, pk in enumerate(ranked)),
        output_field=models.IntegerField(),
    )
    return queryset.filter(pk__in=ranked).alias(search_place=place).order_by("search_place")


def ranked_case_ids(queryset, text: str, *, public_only: bool = True) -> list[int]:
    """The ids of the cases of queryset whose names match text, best first (one query)."""
    candidates = candidate_names(queryset, text, public_only=public_only)
    best = {}
    for row in candidates if candidates is not None else ():
        rank = names.rank_name(text, row["name__text"])
        case_id = row["name__case_id"]
        if rank is not None and (case_id not in best or rank > best[case_id]):
            best[case_id] = rank
    ranked = sorted(best, key=lambda case_id: (best[case_id], case_id), reverse=True)
    return ranked[:MAX_MATCHES]


def candidate_names(queryset, text: str, *, public_only: bool = True):
    """Names of cases of queryset that may match text, as rows of name_id, name__case_id and
    name__text, at most MAX_CANDIDATES, those meeting the most query words and Han characters
    first; None when text has nothing to search by."""
    terms = _terms(text, queryset.db)
    if not terms:
        return None
    candidates = SearchWord.objects.using(queryset.db).filter(
        word_condition(text, queryset.db), name__case__in=queryset.values("pk")
    )
    if public_only:
        candidates = candidates.filter(name__is_public=True)
    met = [Max(models.Case(models.When(term[2], then=1), default=0)) for term in terms]
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
    return (
        candidates.values("name_id", "name__case_id", "name__text")
        .annotate(met=reduce(add, met), closeness=reduce(add, closeness))
        .order_by("-met", "-closeness", "-name__case_id", "-name_id")[:MAX_CANDIDATES]
    )


def word_condition(text: str, db: str = "default") -> Q | None:
    """What a SearchWord row of a candidate name meets: any of the conditions of candidate_names
    (the indexes answer it; tested on PostgreSQL's plans)."""
    terms = _terms(text, db)
    return reduce(or_, (term[2] for term in terms)) if terms else None


def _terms(text: str, db: str) -> list[tuple[Q, Q, Q]]:
    words = names.name_words(text)[: names.MAX_QUERY_WORDS]
    terms = [_word_terms(word, db) for word in words]
    return terms + [(Q(word=character),) * 3 for character in sorted(set(names.han_text(text)))]


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
    if not word.han and len(word.key) >= names.TYPO_LENGTHS[-1][0]:
        loose = _typo_candidates(word.key, db)
    if not word.han and len(word.key) >= names.MIN_INFIX_LENGTH:
        loose |= Q(word__contains=word.key)
    return exact, near, near | loose if loose else near


def _typo_candidates(key: str, db: str) -> Q:
    """Words that may be one or two slips away from key: the same first and last letter, a
    length within two, and on PostgreSQL trigrams in common (pg_trgm's % operator, indexed)."""
    condition = Q(
        Range(Length("word"), (len(key) - 2, len(key) + 2)),
        word__startswith=key[0],
        word__endswith=key[-1],
    )
    if connections[db].vendor == "postgresql":
        from django.contrib.postgres.lookups import TrigramSimilar

        condition &= Q(TrigramSimilar(F("word"), Value(key)))
    return condition


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
    """One row per distinct word of the name (`names.name_words`) and per Han character."""
    rows = {(word.key, word.rough, word.han) for word in names.name_words(name.text)}
    rows |= {(character, "", True) for character in names.han_text(name.text)}
    return [
        SearchWord(name=name, word=word, rough=rough, han=han) for word, rough, han in sorted(rows)
    ]
