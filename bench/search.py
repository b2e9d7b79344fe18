"""Measure name search against its budget (DESIGN.md: p95 <= 50 ms on PostgreSQL at 100,000 cases).

Run from the project root, on a database of its own that it fills and then removes:

    python bench/search.py --db sqlite      # /tmp/bench_search.sqlite3
    python bench/search.py --db postgres    # database bench_search on BENCH_POSTGRES_URL

Every case is synthetic: display names read "Synthetic #n", and the names are syllables put
together at random, written in Latin, Cyrillic, Arabic script or Chinese characters. The test
tables of tests/test_names.py are added among them to measure precision and recall.
"""

# Letters that look like Latin ones are the point of the syllable table.
# ruff: noqa: RUF001

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
SQLITE_PATH = Path(tempfile.gettempdir()) / "bench_search.sqlite3"
POSTGRES_NAME = "bench_search"
PAGE = 20

# (Latin, Cyrillic, Uyghur Arabic script, Chinese character) for each syllable.
SYLLABLES = [
    ("a", "а", "ا", "阿"),
    ("ab", "аб", "اب", "艾"),
    ("ad", "ад", "اد", "安"),
    ("ak", "ак", "اك", "阿克"),
    ("al", "ал", "ال", "阿力"),
    ("an", "ан", "ان", "安"),
    ("ar", "ар", "ار", "尔"),
    ("as", "ас", "اس", "阿斯"),
    ("ba", "ба", "با", "巴"),
    ("bek", "бек", "بەك", "别克"),
    ("bol", "бол", "بول", "波力"),
    ("da", "да", "دا", "达"),
    ("dil", "дил", "دىل", "地力"),
    ("dos", "дос", "دوس", "多斯"),
    ("er", "ер", "ەر", "叶尔"),
    ("gul", "гул", "گۇل", "古丽"),
    ("ha", "ха", "ھا", "哈"),
    ("jan", "жан", "جان", "江"),
    ("ka", "ка", "كا", "卡"),
    ("kar", "кар", "كار", "喀尔"),
    ("ken", "кен", "كەن", "肯"),
    ("la", "ла", "لا", "拉"),
    ("li", "ли", "لى", "力"),
    ("ma", "ма", "ما", "马"),
    ("mar", "мар", "مار", "玛尔"),
    ("mi", "ми", "مى", "米"),
    ("mir", "мир", "مىر", "米尔"),
    ("mu", "му", "مۇ", "木"),
    ("na", "на", "نا", "娜"),
    ("nur", "нур", "نۇر", "努尔"),
    ("ra", "ра", "را", "热"),
    ("sa", "са", "سا", "萨"),
    ("sar", "сар", "سار", "萨尔"),
    ("ta", "та", "تا", "塔"),
    ("tas", "тас", "تاس", "塔斯"),
    ("ti", "ти", "تى", "提"),
    ("tur", "тур", "تۇر", "吐尔"),
    ("u", "у", "ۇ", "乌"),
    ("za", "за", "زا", "扎"),
    ("zat", "зат", "زات", "扎特"),
]
SUFFIXES = ["", "", "", "ov", "ova", "bay"]
SUFFIX_FORMS = {"": ("", "", ""), "ov": ("ов", "وۋ", "夫"), "ova": ("ова", "وۋا", "娃")}
SUFFIX_FORMS["bay"] = ("бай", "باي", "拜")
SCRIPTS = ["latin", "cyrillic", "arabic", "han"]
KINDS = ["whole name", "cross-script", "single word", "Han", "two letters"]


def setup_django(db: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings")
    os.environ.setdefault("DEBUG", "1")
    if db == "sqlite":
        SQLITE_PATH.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    else:
        os.environ["DATABASE_URL"] = f"{postgres_server()}/{POSTGRES_NAME}"
    import django

    django.setup()


def postgres_server() -> str:
    return os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


def postgres_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{postgres_server()}/postgres", autocommit=True) as connection:
        connection.execute(sql)


# A person: a given name and a surname, each a list of syllable indexes, and a surname suffix.
def random_person(rng: random.Random) -> tuple[list[int], list[int], str]:
    def part():
        # Real given names and surnames have four letters or more.
        while True:
            syllables = [rng.randrange(len(SYLLABLES)) for _ in range(rng.choice([2, 2, 3]))]
            if sum(len(SYLLABLES[i][0]) for i in syllables) >= 4:
                return syllables

    return part(), part(), rng.choice(SUFFIXES)


def render(person, script: str) -> str:
    """The person's name in one script; Han names put a middle dot between the parts."""
    given, surname, suffix = person
    column = SCRIPTS.index(script)
    words = ["".join(SYLLABLES[i][column] for i in part) for part in (given, surname)]
    words[1] += suffix if script == "latin" else SUFFIX_FORMS[suffix][column - 1]
    if script == "latin":
        return " ".join(word.capitalize() for word in words)
    if script == "arabic":
        # A word may not begin with a bare vowel letter in Uyghur: it takes ئ.
        words = ["ئ" + word if word[0] in "اەوۇى" else word for word in words]
    return "·".join(words) if script == "han" else " ".join(words)


def published_case(n: int, label: str):
    from django.utils import timezone

    from cases.models import CODE_ALPHABET, Case, Consent

    return Case(
        display_name=label,
        status=Case.Status.PUBLISHED,
        reference="S" + "".join(CODE_ALPHABET[(n >> (5 * i)) & 31] for i in range(7)),
        published_at=timezone.now(),
        consent=Consent.PUBLIC_NAMED,
    )


def named(case, text: str, *, is_public: bool = True):
    """A Name as save() would make it: bulk_create skips save(), so key and script are set here."""
    from cases import names
    from cases.models import Name

    key, script = names.search_key(text), names.detect_script(text)
    return Name(case=case, text=text, key=key, script=script, is_public=is_public)


def fill(count: int, rng: random.Random) -> list:
    """Insert count synthetic published cases, each with one or two names; return the people."""
    from cases.models import Case, Name

    people = []
    for start in range(0, count, 5000):
        batch = range(start, min(count, start + 5000))
        cases = Case.objects.bulk_create(published_case(n, f"Synthetic #{n}") for n in batch)
        rows = []
        for case in cases:
            person = random_person(rng)
            # One name in ten is hidden, as a legal name withheld from the public would be.
            scripts = {
                script: rng.random() > 0.1 for script in rng.sample(SCRIPTS, rng.randint(1, 2))
            }
            rows += [
                named(case, render(person, s), is_public=public) for s, public in scripts.items()
            ]
            if public_scripts := [script for script, public in scripts.items() if public]:
                people.append((case.pk, person, public_scripts))
        Name.objects.bulk_create(rows)
    return people


def add_test_tables() -> dict:
    """One published case per name of the test tables, among the synthetic ones: {name: case}."""
    from cases.models import Case, Name
    from tests.test_names import DIFFERENT_PEOPLE, SAME_PERSON

    texts = sorted({name for _, name in SAME_PERSON + DIFFERENT_PEOPLE})
    # Numbered from the top so their references never meet the synthetic ones.
    cases = Case.objects.bulk_create(
        published_case(2**35 - 1 - n, f"Test table: {text}") for n, text in enumerate(texts)
    )
    Name.objects.bulk_create(named(case, text) for case, text in zip(cases, texts, strict=True))
    return dict(zip(texts, cases, strict=True))


def make_queries(people, count: int, rng: random.Random) -> list[tuple[str, str, int]]:
    """(kind, query, case it was made from): whole names, cross-script, single words, Han, short."""
    queries = []
    for index in range(count):
        kind = KINDS[index % len(KINDS)]
        # A Han query can only find a Han name, and Latin, Cyrillic or Arabic ones only the others.
        while True:
            pk, person, public_scripts = rng.choice(people)
            if ("han" in public_scripts) == (kind == "Han") or kind == "whole name":
                break
        if kind == "whole name":
            query = render(person, rng.choice(public_scripts))
        elif kind == "cross-script":
            others = [script for script in SCRIPTS[:3] if script not in public_scripts]
            query = render(person, rng.choice(others or SCRIPTS[:3]))
        elif kind == "single word":
            query = rng.choice(render(person, "latin").split())
        elif kind == "Han":
            query = render(person, "han").split("·")[rng.randrange(2)]
        else:
            query = render(person, "latin")[:2]
        queries.append((kind, query, pk))
    return queries


class Measure(NamedTuple):
    kind: str
    query: str
    page_ms: float
    total_ms: float
    hits: int
    found: bool
    on_page_one: bool


def measure(kind: str, query: str, pk: int, repeat: int) -> Measure:
    """Time the first page, and the page and count a paginated view needs, as the median of repeat
    runs (one hiccup of a shared machine is not the query's); then whether pk was found."""
    from cases.models import Case
    from cases.search import search_cases

    pages, totals = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        results = search_cases(Case.objects.published(), query)
        page = [case.pk for case in results[:PAGE]]
        middle = time.perf_counter()
        hits = results.count()
        pages.append((middle - start) * 1000)
        totals.append((time.perf_counter() - start) * 1000)
    found = pk in page or results.filter(pk=pk).exists()
    return Measure(kind, query, median(pages), median(totals), hits, found, pk in page)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def precision_recall(table_cases: dict) -> tuple[dict, list[str]]:
    """Over the test tables: pairs found, pairs wrongly found, same-person hits on page one; and
    the pairs that are wrong or off page one, among 100,000 others."""
    from cases.models import Case
    from cases.search import search_cases
    from tests.test_names import DIFFERENT_PEOPLE, SAME_PERSON

    def position(query, name):
        results = search_cases(Case.objects.published(), query).values_list("pk", flat=True)
        results = list(results)
        pk = table_cases[name].pk
        return results.index(pk) if pk in results else None

    same = [position(query, name) for query, name in SAME_PERSON]
    wrong = [position(query, name) is not None for query, name in DIFFERENT_PEOPLE]
    true_positives, false_positives = sum(at is not None for at in same), sum(wrong)
    notes = [
        f"{query!r} finds {name!r} " + ("nowhere" if at is None else f"at place {at + 1}")
        for (query, name), at in zip(SAME_PERSON, same, strict=True)
        if at is None or at >= PAGE
    ]
    notes += [
        f"{query!r} wrongly finds {name!r}"
        for (query, name), found in zip(DIFFERENT_PEOPLE, wrong, strict=True)
        if found
    ]
    quality = {
        "recall": true_positives / len(same),
        "precision": true_positives / max(1, true_positives + false_positives),
        "same person on page one": sum(at is not None and at < PAGE for at in same) / len(same),
        "different people kept out": 1 - false_positives / len(wrong),
    }
    return quality, notes


def report(db: str, counts, rows: list[Measure], quality, timings) -> None:
    cases, names_count = counts
    print(f"{db}: {cases:,} published cases, {names_count:,} names; {len(rows)} queries")
    print(
        f"{'queries':<18}{'n':>4}{'page p50':>10}{'p95':>7}{'+count p50':>12}{'p95':>7}"
        f"{'hits p50':>10}{'max':>5}{'found':>8}{'page 1':>8}"
    )
    groups = {kind: [row for row in rows if row.kind == kind] for kind in sorted(KINDS)}
    groups["all"] = rows
    groups["all but 2 letters"] = [row for row in rows if row.kind != "two letters"]
    for kind, chosen in groups.items():
        page, total = [row.page_ms for row in chosen], [row.total_ms for row in chosen]
        hits = [row.hits for row in chosen]
        found = sum(row.found for row in chosen) / len(chosen)
        first = sum(row.on_page_one for row in chosen) / len(chosen)
        print(
            f"{kind:<18}{len(chosen):>4}{median(page):>10.1f}{percentile(page, 0.95):>7.1f}"
            f"{median(total):>12.1f}{percentile(total, 0.95):>7.1f}"
            f"{median(hits):>10.0f}{max(hits):>5}{found:>8.0%}{first:>8.0%}"
        )
    print("ms; found: the case the query was made from; budget: p95 <= 50 ms on PostgreSQL")
    print("test tables: " + ", ".join(f"{label} {value:.1%}" for label, value in quality.items()))
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"set-up {timings:.0f} s; load average {load} on {os.cpu_count()} CPUs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="leave the database for EXPLAIN")
    parser.add_argument("--repeat", type=int, default=3, help="runs per query; the median counts")
    parser.add_argument("--slowest", type=int, default=0, help="list the slowest queries")
    args = parser.parse_args()
    if args.db == "postgres":
        postgres_admin(f"DROP DATABASE IF EXISTS {POSTGRES_NAME}")
        postgres_admin(f"CREATE DATABASE {POSTGRES_NAME} TEMPLATE template0 ENCODING 'UTF8'")
    setup_django(args.db)
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if args.db == "postgres" and not args.keep:
            postgres_admin(f"DROP DATABASE IF EXISTS {POSTGRES_NAME}")
        elif args.db == "sqlite" and not args.keep:
            SQLITE_PATH.unlink(missing_ok=True)


def run(args) -> None:
    from django.core.management import call_command
    from django.db import connection

    from cases.models import Case, Name

    rng = random.Random(20240601)
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    table_cases = add_test_tables()
    people = fill(args.cases, rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    set_up = time.perf_counter() - start

    queries = make_queries(people, args.queries, rng)
    for kind, query, pk in queries[:20]:
        measure(kind, query, pk, 1)  # warm up connections, caches and pypinyin
    rows = [measure(kind, query, pk, args.repeat) for kind, query, pk in queries]
    counts = (Case.objects.published().count(), Name.objects.count())
    quality, notes = precision_recall(table_cases)
    report(args.db, counts, rows, quality, set_up)
    for note in notes:
        print(f"test table: {note}")
    for row in sorted(rows, key=lambda row: -row.total_ms)[: args.slowest]:
        print(f"{row.total_ms:8.1f} ms {row.hits:>5} hits  {row.kind:<13} {row.query}")


if __name__ == "__main__":
    main()
