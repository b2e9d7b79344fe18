"""Public pages. Every case read here goes through Case.objects.published()."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Prefetch, Window
from django.db.models.functions import DenseRank, ExtractYear
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.functional import cached_property
from django.utils.translation import get_language, get_language_bidi, get_language_from_request
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from . import charts, exports, public_input, search, tasks
from .caching import cache_public_page, per_generation
from .models import (
    Case,
    Citation,
    Consent,
    Name,
    Photo,
    Prefecture,
    Situation,
    Source,
    Verification,
)
from .public_forms import CaseFilterForm

CASES_PER_PAGE = 24
SOURCES_PER_PAGE = 50
RECENT_CASES = 6
# Cases named under each source in the list of sources; its own page lists them all.
CASES_PER_SOURCE_SHOWN = 5


def public_photos():
    """Photos the public may see (the one rule, PhotoQuerySet.public) that have their copy."""
    return Photo.objects.public().exclude(public_name="")


def public_cases():
    """Published cases with what every listing shows, in a fixed number of queries."""
    return Case.objects.published().prefetch_related(
        Prefetch("names", queryset=Name.objects.filter(is_public=True)),
        Prefetch(
            "photos",
            queryset=public_photos().filter(kind=Photo.Kind.PORTRAIT),
            to_attr="portraits",
        ),
    )


def public_citations():
    return Citation.objects.filter(
        case__status=Case.Status.PUBLISHED, case__reference__isnull=False
    )


def sources_citing_public_cases():
    """Sources with at least one citation by a published case.

    EXISTS rather than a join and DISTINCT: at 100,000 cases the join de-duplicated 133,000
    citation rows for every count and page (about 90 ms); EXISTS takes a few.
    """
    return Source.objects.filter(Exists(public_citations().filter(source=OuterRef("pk"))))


def situation_years() -> list[int]:
    """Years for the year filter, newest first: every year from the first case's to the last's.

    From MIN and MAX over a partial index (migration 0009), not DISTINCT years: that grouped
    every published case on every list and search page (35-45 ms at 100,000 cases).
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


class CountedPaginator(Paginator):
    """A paginator told its count, so that it need not count again."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


@require_safe
@vary_on_headers("Accept-Language", "Cookie")
def root_redirect(request):
    """Send a visitor to the language their browser asks for, or to Kazakh."""
    language = get_language_from_request(request, check_path=False)
    if language == settings.LANGUAGE_CODE and not asks_for(request, language):
        language = settings.VISITOR_LANGUAGE  # the fallback of the catalogs, not of visitors
    return HttpResponseRedirect(f"/{language}/")


def asks_for(request, language: str) -> bool:
    """Whether the language cookie or the browser's Accept-Language names `language`."""
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) == language:
        return True
    header = request.headers.get("accept-language", "")
    tags = (part.split(";")[0].strip().lower() for part in header.split(","))
    return any(tag == language or tag.startswith(f"{language}-") for tag in tags)


@never_cache
@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_safe
@cache_public_page
def home(request):
    context = {
        "recent_cases": public_cases().order_by("-published_at", "-pk")[:RECENT_CASES],
        "published_count": published_count(),
        "source_count": per_generation(
            "source-count", lambda: sources_citing_public_cases().count()
        ),
    }
    return render(request, "cases/home.html", context)


@require_safe
@cache_public_page(parameters=public_input.CASE_LIST)
def case_list(request):
    form = CaseFilterForm(request.GET, years=situation_years())
    filters, query, number = form.filters(), form.query(), request.GET.get("page")
    if query:
        page = search_page(Case.objects.published().filter(**filters), query, number)
    else:
        cases = public_cases().filter(**filters).order_by("-published_at", "-pk")
        if filters:
            paginator = Paginator(cases, CASES_PER_PAGE)
        else:  # every published case: a count that pages share (per_generation)
            paginator = CountedPaginator(cases, CASES_PER_PAGE, count=published_count())
        page = paginator.get_page(number)
    return render(request, "cases/case_list.html", {"page": page, "form": form})


def search_page(cases, text: str, number):
    """One page of search results, running the ranked name match once rather than twice.

    A search holds at most search.MAX_MATCHES cases, so their ids, best first, fit in memory:
    the count and the page come from that one list instead of a COUNT and a page query, each
    matching and ranking the names again.
    """
    ranked_ids = list(search.search_cases(cases, text).values_list("pk", flat=True))
    page = Paginator(ranked_ids, CASES_PER_PAGE).get_page(number)
    found = public_cases().in_bulk(page.object_list)
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    return page


@require_safe
@cache_public_page
def case_detail(request, reference):
    case = get_object_or_404(
        Case.objects.published().prefetch_related(
            Prefetch("names", queryset=Name.objects.filter(is_public=True)),
            Prefetch("photos", queryset=public_photos()),
            Prefetch("citations", queryset=Citation.objects.select_related("source")),
            "events",
        ),
        reference=reference,
    )
    return render(request, "cases/case_detail.html", case_page_context(request, case))


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
    page of the list in every language: per page of 50 sources the same query cost about 25 ms at
    100,000 cases, as PostgreSQL joins every citation of those sources to its case. Latest means
    the highest ids; the one more tells whether there are more than are named.
    """

    def compute():
        ranked = (
            public_citations()
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


@require_safe
@cache_public_page(parameters=public_input.PAGED)
def source_list(request):
    sources = sources_citing_public_cases().order_by("-published_date", "title", "pk")
    page = Paginator(sources, SOURCES_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = with_supported_cases(page.object_list)
    return render(request, "cases/source_list.html", {"page": page})


@require_safe
@cache_public_page(parameters=public_input.PAGED)
def source_detail(request, pk):
    source = get_object_or_404(sources_citing_public_cases(), pk=pk)
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
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cases/source_detail.html", {"source": source, "page": page})


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


@require_safe
@cache_public_page
def stats(request):
    rtl = get_language_bidi()
    tables = [
        ("situation", _("Cases by situation"), _("Situation"), count_by_situation()),
        (
            "prefecture",
            _("Cases by hometown prefecture"),
            _("Hometown prefecture"),
            count_by_prefecture(),
        ),
        ("year", _("Cases by the year their situation began"), _("Year"), count_by_year()),
    ]
    figures = [
        {"slug": slug, "title": title, "column": column, "chart": charts.bar_chart(rows, rtl=rtl)}
        for slug, title, column, rows in tables
    ]
    total = figures[0]["chart"].total
    return render(request, "cases/stats.html", {"charts": figures, "total": total})


VERIFICATION_EXPLANATIONS = {
    Verification.UNVERIFIED: _(
        "We have recorded the account but not yet checked it. The case page says so."
    ),
    Verification.TESTIMONY: _(
        "A relative has told us what happened. We record their account as testimony."
    ),
    Verification.DOCUMENTS: _("Our staff have seen documents that support the account."),
    Verification.CORROBORATED: _(
        "Sources independent of the family, cited on the case page, support the account."
    ),
}


@require_safe
@cache_public_page
def about(request):
    context = {
        "verification_levels": [
            (label, VERIFICATION_EXPLANATIONS.get(value, ""))
            for value, label in Verification.choices
        ],
        "consent_levels": [
            (label, value in Consent.public_levels()) for value, label in Consent.choices
        ],
    }
    return render(request, "cases/about.html", context)


# Seconds after which a client may ask again for an open data file being built.
OPEN_DATA_RETRY_SECONDS = 15


def open_data_file(request, extension: str, **file_response_options):
    """Served from a file built once per state of public data; staff get the same public file.

    After a change the task worker builds the new file; meanwhile visitors get the previous one.
    """
    site = request.build_absolute_uri("/")
    export = exports.PublicFile.current(extension, site)
    response = get_conditional_response(request, etag=export.etag)
    if response is not None:
        response["ETag"] = export.etag
        return response
    try:
        file, etag = export.open_for_visitor(request.build_absolute_uri, tasks.rebuild_coming)
    except exports.BuildInProgress:
        message = str(_("The file is being prepared. Please try again in a minute."))
        response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(OPEN_DATA_RETRY_SECONDS)
        return response
    exports.remember_variant(site, get_language())
    response = FileResponse(file, **file_response_options)
    response["ETag"] = etag
    return response


@require_safe
def cases_json(request):
    return open_data_file(request, "json", content_type="application/json")


@require_safe
def cases_csv(request):
    """The JSON file's cases as CSV."""
    return open_data_file(
        request,
        "csv",
        content_type="text/csv; charset=utf-8",
        as_attachment=True,
        filename="cases.csv",
    )
