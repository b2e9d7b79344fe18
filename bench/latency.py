"""Case page and search latency, and SQL queries per public page, as the data grows.

    python bench/latency.py --db postgres    # database bench_site, then dropped
    python bench/latency.py --db sqlite      # /tmp/bench_site.sqlite3, then removed

In this process, through Django's test client (every middleware, the view, the template; no HTTP)
with DEBUG off and the dummy cache, so each request does the whole work a cache miss does.
The synthetic site (bench/synthetic.py) is first filled to --small cases, where every public page's
queries are counted, then grown to --cases, where they are counted again and the case page and
the search page are timed. Budgets (DESIGN.md): <= 6 queries per page whatever the size; case
page and search p95 <= 50 ms on PostgreSQL at 100,000 cases.
"""

import argparse
import json
import os
import random
import secrets
import time
from pathlib import Path
from statistics import median

import synthetic

# Every public page of tests/test_public_pages.py; "case" and "source" are filled in, and
# "search" is a whole name of a synthetic person.
PAGES = [
    "/en/",
    "/ug/",
    "/en/cases/",
    "/en/cases/?page=2",
    "search",
    "search+filters",
    "/en/sources/",
    "case",
    "source",
    "/en/stats/",
    "/en/about/",
    "/feeds/cases.atom",
    "/sitemap.xml",
    "/sitemap-pages.xml",
    "/sitemap-cases.xml",
    "/sitemap-sources.xml",
    "/data/cases.json",
    "/data/cases.csv",
]
MAX_QUERIES = 6
BUDGET_MS = 50


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def setup(db: str) -> None:
    """Production's settings (DEBUG off) on the benchmark database, with the dummy cache."""
    synthetic.setup_django(
        db,
        synthetic.DATABASE,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="false",
    )
    from django.test.utils import override_settings

    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    override_settings(CACHES=dummy).enable()


def sample_urls(site, rng: random.Random) -> dict[str, str]:
    """The case and source pages of a case with a photo, and a search for one person's name."""
    from cases.models import Case

    case = (
        Case.objects.published()
        .filter(photos__public_name__startswith="photos/synthetic-")
        .order_by("pk")
        .first()
    )
    source = case.citations.order_by("pk").first().source
    name = synthetic.render(rng.choice(site.people)[1], "latin")
    return {
        "case": case.get_absolute_url(),
        "source": source.get_absolute_url(),
        "search": f"/en/cases/?q={name}",
        "search+filters": f"/en/cases/?q={name.split()[0]}&situation=missing&prefecture=aksu",
    }


def count_queries(urls: dict[str, str]) -> dict[str, dict]:
    """For each public page: SQL queries, status, size and time of one request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, found = Client(), {}
    for page in PAGES:
        url = urls.get(page, page)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            milliseconds = (time.perf_counter() - started) * 1000
        found[page] = {
            "url": url,
            "queries": len(queries),
            "status": response.status_code,
            "bytes": len(body(response)),
            "ms": milliseconds,
        }
    return found


def body(response) -> bytes:
    """The whole body; the open-data files are streamed from disk."""
    if not response.streaming:
        return response.content
    content = b"".join(response.streaming_content)
    response.close()
    return content


def time_pages(urls: list[str], hosts: list[str] | None = None) -> list[float]:
    """Milliseconds of one GET of each URL, each after the last; every response must be 200.

    `hosts`: the Host header of each request, if not Django's test client's own.
    """
    from django.test import Client

    client, timings = Client(), []
    for url, host in zip(urls, hosts or [None] * len(urls), strict=True):
        started = time.perf_counter()
        response = client.get(url, **({"HTTP_HOST": host} if host else {}))
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return timings


def summary(timings: list[float]) -> dict:
    return {"n": len(timings), "p50": median(timings), "p95": percentile(timings, 0.95)}


def measure_latency(site, samples: int, rng: random.Random) -> dict:
    """Distinct case pages of random cases, and searches of every kind bench/search.py makes."""
    from urllib.parse import urlencode

    from cases.models import Case

    pks = rng.sample([pk for pk, _person, _scripts in site.people], samples)
    references = Case.objects.filter(pk__in=pks).values_list("reference", flat=True)
    case_urls = [f"/en/cases/{reference}/" for reference in references]
    queries = synthetic.make_queries(site.people, samples, rng)
    search_urls = [f"/en/cases/?{urlencode({'q': query})}" for _kind, query, _pk in queries]

    time_pages(case_urls[:20] + search_urls[:20])  # warm up connections, imports, pypinyin
    result = {"case page": summary(time_pages(case_urls))}
    timings = time_pages(search_urls)
    kinds = [kind for kind, _query, _pk in queries]
    result["search page"] = summary(timings)
    result["search page, all but 2 letters"] = summary(
        [ms for ms, kind in zip(timings, kinds, strict=True) if kind != "two letters"]
    )
    for kind in synthetic.KINDS:
        chosen = [ms for ms, other in zip(timings, kinds, strict=True) if other == kind]
        result[f"search page: {kind}"] = summary(chosen)
    return result


# Pages timed on a miss of the page cache, as after a public edit; "case", "source" and "search"
# are filled in as for the query counts.
MISS_PAGES = ["/en/", "/en/cases/", "case", "search", "/en/sources/", "source", "/en/stats/"]


def measure_misses(urls: dict[str, str], samples: int = 30) -> dict:
    """Each page requested under a host name of its own, so each request misses the page.

    (Not a query parameter of its own: pages ignore those they do not read.) With a memory
    cache instead of the dummy one: what one miss costs once the values shared by every page of
    a state of public data (counts, the range of years) have been computed, as in production
    after the first page following an edit. Each miss would be another reader's; one client here
    has a budget large enough for all of them.
    """
    from django.test.utils import override_settings

    memory = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    result = {}
    with override_settings(
        CACHES=memory,
        ALLOWED_HOSTS=[".nocache.invalid"],
        UNCACHED_PAGES_BUDGET={"limit": 10**9, "window": 60},
    ):
        for page in MISS_PAGES:
            url = urls.get(page, page)
            time_pages([url], hosts=["warm.nocache.invalid"])
            hosts = [f"miss-{n}.nocache.invalid" for n in range(samples)]
            result[page] = summary(time_pages([url] * samples, hosts=hosts))
    return result


def report(result: dict) -> None:
    print(f"{result['db']}: {result['counts']}")
    small, large = result["sizes"]
    print(f"{'page':<22}{f'queries @{small:,}':>16}{f'@{large:,}':>10}{'ms @large':>11}{'KiB':>8}")
    for page in PAGES:
        a, b = result["queries"][str(small)][page], result["queries"][str(large)][page]
        print(
            f"{page:<22}{a['queries']:>16}{b['queries']:>10}{b['ms']:>11.0f}"
            f"{b['bytes'] / 1024:>8.0f}"
        )
    print(f"{'latency (ms)':<34}{'n':>5}{'p50':>8}{'p95':>8}")
    for label, figures in result["latency"].items():
        print(f"{label:<34}{figures['n']:>5}{figures['p50']:>8.1f}{figures['p95']:>8.1f}")
    print(f"{'one miss of the page cache (ms)':<34}{'n':>5}{'p50':>8}{'p95':>8}")
    for page, figures in result["misses"].items():
        print(f"{page:<34}{figures['n']:>5}{figures['p50']:>8.1f}{figures['p95']:>8.1f}")
    print(f"budget: p95 <= {BUDGET_MS} ms on PostgreSQL; <= {MAX_QUERIES} queries per page")
    print(f"load average {result['load']} on {os.cpu_count()} CPUs")


def run(args) -> dict:
    from django.conf import settings

    rng = random.Random(7)
    site = synthetic.Site(synthetic.DATABASE, sources=args.sources, photo_share=args.photo_share)
    synthetic.collect_static()
    result = {"db": args.db, "sizes": [args.small, args.cases], "queries": {}, "set-up s": 0.0}
    if not settings.CACHES["default"]["BACKEND"].endswith("DummyCache"):
        raise SystemExit("latency is measured without a cache")
    for size in (args.small, args.cases):
        result["set-up s"] += site.grow_to(size)
        urls = sample_urls(site, rng)
        result["queries"][str(size)] = count_queries(urls)
    result["counts"] = synthetic.counts()
    result["latency"] = measure_latency(site, args.samples, rng)
    result["misses"] = measure_misses(urls)
    result["load"] = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    synthetic.add_arguments(parser)
    parser.add_argument("--small", type=int, default=100, help="size of the first query count")
    parser.add_argument("--samples", type=int, default=300, help="case pages and searches")
    parser.add_argument("--json", type=Path, help="also write the figures here (bench/run.py)")
    args = parser.parse_args()
    synthetic.create_database(args.db, synthetic.DATABASE)
    setup(args.db)
    try:
        result = run(args)
        report(result)
        if args.json:
            args.json.write_text(json.dumps(result, indent=1))
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            synthetic.drop_database(args.db, synthetic.DATABASE)


if __name__ == "__main__":
    main()
