"""Measure name search against its budget (DESIGN.md: page + count p95 <= 30 ms on PostgreSQL at
100,000 cases, <= 50 ms at 1,000,000).

Run from the project root, on a database of its own that it fills and then removes:

    python bench/search.py --db sqlite      # /tmp/bench_search.sqlite3
    python bench/search.py --db postgres    # database bench_search on BENCH_POSTGRES_URL
    python bench/search.py --db postgres --cases 1000000 --explain /tmp/plans.txt

Every case is synthetic (bench/synthetic.py): display names read "Synthetic #n", and the names are
syllables put together at random, written in Latin, Cyrillic, Arabic script or Chinese characters.
The test tables of tests/test_names.py are added among them to measure precision and recall.
"""

import argparse
import json
import os
import random
import time
from pathlib import Path
from statistics import median
from typing import NamedTuple

import synthetic
from synthetic import KINDS, fill, make_queries, named, published_case

# BENCH_SEARCH_DATABASE: another name (bench_*), so that runs side by side keep apart.
POSTGRES_NAME = os.environ.get("BENCH_SEARCH_DATABASE", "bench_search")
PAGE = 20


def budget_ms(cases: int) -> int:
    """DESIGN.md's budget for a search's page and count at this size, on PostgreSQL."""
    return 30 if cases <= 200_000 else 50


def add_test_tables() -> dict:
    """One published case per name of the test tables, among the synthetic ones: {name: case}."""
    from cases.models import Case, Name
    from tests.test_names import DIFFERENT_PEOPLE, SAME_PERSON

    texts = sorted({name for _, name in SAME_PERSON + DIFFERENT_PEOPLE})
    # Numbered from the top so their references never meet the synthetic ones.
    cases = Case.objects.bulk_create(
        published_case(2**35 - 1 - n, f"Test table: {text}") for n, text in enumerate(texts)
    )
    synthetic.write_search_words(
        Name.objects.bulk_create(named(case, text) for case, text in zip(cases, texts, strict=True))
    )
    return dict(zip(texts, cases, strict=True))


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


def explain(queries, path: Path) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the three queries of the first query of each kind (candidate
    names, their words, the page read from the ranking), written to path (PostgreSQL)."""
    from django.db import connection

    from cases.models import Case
    from cases.search import candidate_names, name_rows, search_cases

    firsts = {kind: query for kind, query, _pk in reversed(queries)}
    lines = []
    for kind, query in sorted(firsts.items()):
        candidates = candidate_names(query)
        words = name_rows(Case.objects.published(), list(candidates))
        page = search_cases(Case.objects.published(), query)[:PAGE]
        for label, queryset in (("candidates", candidates), ("their words", words), ("page", page)):
            sql, params = queryset.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                plan = [row[0] for row in cursor.fetchall()]
            lines += [f"-- {kind}, {label}: {query}", *plan, ""]
    path.write_text("\n".join(lines))
    print(f"plans in {path}")


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


def report(db: str, counts, rows: list[Measure], quality, timings) -> dict:
    """Print the table; return its figures by group of queries, for bench/run.py."""
    cases, names_count = counts
    summary = {}
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
        summary[kind] = {
            "n": len(chosen),
            "page_p50": median(page),
            "page_p95": percentile(page, 0.95),
            "p50": median(total),
            "p95": percentile(total, 0.95),
            "found": found,
            "page_one": first,
        }
        print(
            f"{kind:<18}{len(chosen):>4}{median(page):>10.1f}{percentile(page, 0.95):>7.1f}"
            f"{median(total):>12.1f}{percentile(total, 0.95):>7.1f}"
            f"{median(hits):>10.0f}{max(hits):>5}{found:>8.0%}{first:>8.0%}"
        )
    print(
        "ms; found: the case the query was made from; "
        f"budget: p95 <= {budget_ms(cases)} ms on PostgreSQL"
    )
    print("test tables: " + ", ".join(f"{label} {value:.1%}" for label, value in quality.items()))
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"set-up {timings:.0f} s; load average {load} on {os.cpu_count()} CPUs")
    return {"db": db, "cases": cases, "names": names_count, "groups": summary, "quality": quality}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="leave the database for EXPLAIN")
    parser.add_argument("--repeat", type=int, default=3, help="runs per query; the median counts")
    parser.add_argument("--slowest", type=int, default=0, help="list the slowest queries")
    parser.add_argument("--json", type=Path, help="also write the figures here (bench/run.py)")
    parser.add_argument("--explain", type=Path, help="write the plans of the queries here")
    args = parser.parse_args()
    synthetic.create_database(args.db, POSTGRES_NAME)
    synthetic.setup_django(args.db, POSTGRES_NAME)
    try:
        summary = run(args)
        if args.json:
            args.json.write_text(json.dumps(summary, indent=1))
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            synthetic.drop_database(args.db, POSTGRES_NAME)


def run(args) -> dict:
    from django.core.management import call_command

    from cases.models import Case, Name

    rng = random.Random(20240601)
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    table_cases = add_test_tables()
    people = fill(args.cases, rng)
    synthetic.analyze()
    set_up = time.perf_counter() - start

    queries = make_queries(people, args.queries, rng)
    for kind, query, pk in queries[:20]:
        measure(kind, query, pk, 1)  # warm up connections, caches and pypinyin
    rows = [measure(kind, query, pk, args.repeat) for kind, query, pk in queries]
    counts = (Case.objects.published().count(), Name.objects.count())
    quality, notes = precision_recall(table_cases)
    summary = report(args.db, counts, rows, quality, set_up)
    for note in notes:
        print(f"test table: {note}")
    if args.explain and args.db == "postgres":
        explain(queries, args.explain)
    for row in sorted(rows, key=lambda row: -row.total_ms)[: args.slowest]:
        print(f"{row.total_ms:8.1f} ms {row.hits:>5} hits  {row.kind:<13} {row.query}")
    return summary


if __name__ == "__main__":
    main()
