"""The public read side: what pages, feeds, sitemaps and exports show, and nothing else.

Which rows the public may see is each model's QuerySet (`Case.objects.published()`,
`Citation.objects.public()`, `Photo.objects.shown()`, `Source.objects.public()`,
`Name.objects.public()`); this module combines them into what the public pages list, count and
show, in a fixed number of queries. Counts and lists that every page shares are computed once per
change of public data (`per_generation`).
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, F, Max, Min, Prefetch, Window
from django.db.models.functions import DenseRank, ExtractYear
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import search
from .caching import per_generation
from .models import Case, Citation, Name, Photo, Prefecture, Situation, Source

CASES_PER_PAGE = 24
SOURCES_PER_PAGE = 50
RECENT_CASES = 6
# Cases named under each source in the list of sources; its own page lists them all.
CASES_PER_SOURCE_SHOWN = 5


def listed_cases():
    """Published cases with what every listing shows, in a fixed number of queries."""
    return Case.objects.published().prefetch_related(
        Prefetch("names", queryset=Name.objects.public()),
        Prefetch(
            "photos",
            queryset=Photo.objects.shown().filter(kind=Photo.Kind.PORTRAIT),
            to_attr="portraits",
        ),
    )


def recent_cases():
    return listed_cases().order_by("-published_at", "-pk")[:RECENT_CASES]


def cases_for_page():
    """Published cases with everything their page shows: names, photos, citations, events."""
    return Case.objects.published().prefetch_related(
        Prefetch("names", queryset=Name.objects.public()),
        Prefetch("photos", queryset=Photo.objects.shown()),
        Prefetch("citations", queryset=Citation.objects.select_related("source")),
        "events",
    )


def situation_years() -> list[int]:
    """Years for the year filter, newest first: every year from the first case's to the last's.

    From MIN and MAX over a partial index (migration 0009), not DISTINCT years, which grouped
    every published case on every list and search page.
    """
    bounds = per_generation(
        "situation-dates",
        lambda: Case.objects.published().aggregate(
            first=Min("situation_date"), last=Max("situation_date")
        ),
    )
    if bounds["first"] is None:
        return []
    return list(range(bounds["last"].year, bounds["first"].year - 1, -1))


def published_count() -> int:
    return per_generation("published-count", lambda: Case.objects.published().count())


def source_count() -> int:
    return per_generation("source-count", lambda: Source.objects.public().count())


class CountedPaginator(Paginator):
    """A paginator told its count, so that it need not count again."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def case_list_page(filters: dict, number):
    """One page of the published cases that match the filters, newest first."""
    cases = listed_cases().filter(**filters).order_by("-published_at", "-pk")
    if filters:
        paginator = Paginator(cases, CASES_PER_PAGE)
    else:  # every published case: a count that pages share (per_generation)
        paginator = CountedPaginator(cases, CASES_PER_PAGE, count=published_count())
    return paginator.get_page(number)


def search_page(filters: dict, text: str, number):
    """One page of search results, running the ranked name match once rather than twice.

    A search holds at most search.MAX_MATCHES cases, so their ids, best first, fit in memory:
    the count and the page come from that one list instead of a COUNT and a page query, each
    matching and ranking the names again.
    """
    cases = Case.objects.published().filter(**filters)
    ranked_ids = search.search_ids(cases, text)
    page = Paginator(ranked_ids, CASES_PER_PAGE).get_page(number)
    found = listed_cases().in_bulk(page.object_list)
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    return page


def case_page_context(request, case, *, page_url=None) -> dict:
    """What the case page shows: the public view's, and the staff preview's (cases/workspace.py)."""
    share_photo = next((p for p in case.photos.all() if p.kind == Photo.Kind.PORTRAIT), None)
    summary, translated_from = case.summary_for(get_language())
    return {
        "case": case,
        "summary": summary,
        "summary_language": (translated_from and get_language()) or case.summary_language,
        "translated_from": translated_from,
        "page_url": (
            request.build_absolute_uri(case.get_absolute_url()) if page_url is None else page_url
        ),
        "share_photo": share_photo,
        "share_image_url": share_photo and request.build_absolute_uri(share_photo.public_url),
        "accessed": timezone.localdate(),
        "site_name": settings.SITE_NAME,
    }


def latest_cases_by_source() -> dict[int, list[int]]:
    """For every source, the ids of the latest published cases citing it, one more than shown.

    One query for all sources, once per change of public data (per_generation), shared by every
    page of the list in every language: per page of sources the same query joined every citation
    of those sources to its case. Latest means the highest ids; the one more tells whether there
    are more than are named.
    """

    def compute():
        ranked = (
            Citation.objects.public()
            .annotate(
                # Dense: a case citing a source twice ranks once, and so takes one place.
                place=Window(DenseRank(), partition_by=F("source_id"), order_by=F("case_id").desc())
            )
            .filter(place__lte=CASES_PER_SOURCE_SHOWN + 1)
            .order_by("source_id", "place")
            .values_list("source_id", "case_id")
            .distinct()
        )
        by_source = {}
        for source_id, case_id in ranked:
            by_source.setdefault(source_id, []).append(case_id)
        return by_source

    return per_generation("latest-cases-by-source", compute)


def with_supported_cases(sources):
    """Attach to each source the latest published cases citing it, and whether more cite it."""
    sources = list(sources)
    latest = latest_cases_by_source()
    case_ids = {source.pk: latest.get(source.pk, []) for source in sources}
    cases = Case.objects.published().in_bulk(
        {case_id for ids in case_ids.values() for case_id in ids}
    )
    for source in sources:
        citing = [cases[case_id] for case_id in case_ids[source.pk] if case_id in cases]
        source.supported_cases = citing[:CASES_PER_SOURCE_SHOWN]
        source.supports_more = len(citing) > CASES_PER_SOURCE_SHOWN
    return sources


def source_list_page(number):
    sources = Source.objects.public().order_by("-published_date", "title", "pk")
    page = Paginator(sources, SOURCES_PER_PAGE).get_page(number)
    page.object_list = with_supported_cases(page.object_list)
    return page


def cases_citing_page(source: Source, number):
    """One page of the published cases citing a source, each with what it cites it for."""
    cases = (
        Case.objects.published()
        # IN rather than EXISTS: SQLite then starts from the source's citations, not all cases.
        .filter(pk__in=Citation.objects.filter(source=source).values("case_id"))
        .order_by("-published_at", "-pk")
        .prefetch_related(
            Prefetch(
                "citations",
                queryset=Citation.objects.filter(source=source),
                to_attr="citations_of_source",
            )
        )
    )
    return Paginator(cases, CASES_PER_PAGE).get_page(number)


def _counts(field) -> dict:
    """Published cases per value of a field, in one GROUP BY query per change of public data."""
    return per_generation(
        f"counts-by-{field}",
        lambda: dict(
            Case.objects.published().order_by().values_list(field).annotate(n=Count("pk"))
        ),
    )


def count_by_situation():
    """(label, count) rows in the order the model lists situations, the same in every language."""
    counts = _counts("situation")
    return [(label, counts[value]) for value, label in Situation.choices if counts.get(value)]


def count_by_prefecture():
    """(label, count) rows, most cases first."""
    counts = _counts("hometown_prefecture")
    rows = [(label, counts[value]) for value, label in Prefecture.choices if counts.get(value)]
    return sorted(rows, key=lambda row: -row[1])


def count_by_year():
    """(year, count) rows of published cases by the year their situation began, in one query."""
    counts = per_generation(
        "counts-by-year",
        lambda: list(
            Case.objects.published()
            .order_by()
            .annotate(year=ExtractYear("situation_date"))
            .values_list("year")
            .annotate(n=Count("pk"))
        ),
    )
    known = sorted((year, n) for year, n in counts if year is not None)
    unknown = sum(n for year, n in counts if year is None)
    rows = [(str(year), n) for year, n in known]
    if unknown:
        rows.append((_("date not known"), unknown))
    return rows
