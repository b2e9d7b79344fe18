"""Public pages: views only. What they read comes through cases/public.py and the QuerySets."""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.cache import get_conditional_response
from django.utils.translation import get_language, get_language_bidi, get_language_from_request
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from advocacy import languages

from . import charts, exports, public, public_input, tasks
from .caching import cache_public_page
from .models import Consent, Source, Verification
from .public_forms import CaseFilterForm


@require_safe
@vary_on_headers("Accept-Language", "Cookie")
def root_redirect(request):
    """Send a visitor to the language their browser asks for, or to Kazakh."""
    language = get_language_from_request(request, check_path=False)
    if language == settings.LANGUAGE_CODE and not languages.asks_for(request, language):
        language = settings.VISITOR_LANGUAGE  # the fallback of the catalogs, not of visitors
    return HttpResponseRedirect(f"/{language}/")


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
        "recent_cases": public.recent_cases(),
        "published_count": public.published_count(),
        "source_count": public.source_count(),
    }
    return render(request, "cases/home.html", context)


@require_safe
@cache_public_page(parameters=public_input.CASE_LIST)
def case_list(request):
    form = CaseFilterForm(request.GET, years=public.situation_years())
    filters, query, number = form.filters(), form.query(), request.GET.get("page")
    if query:
        page = public.search_page(filters, query, number)
    else:
        page = public.case_list_page(filters, number)
    return render(request, "cases/case_list.html", {"page": page, "form": form})


@require_safe
@cache_public_page
def case_detail(request, reference):
    case = get_object_or_404(public.cases_for_page(), reference=reference)
    return render(request, "cases/case_detail.html", public.case_page_context(request, case))


@require_safe
@cache_public_page(parameters=public_input.PAGED)
def source_list(request):
    page = public.source_list_page(request.GET.get("page"))
    return render(request, "cases/source_list.html", {"page": page})


@require_safe
@cache_public_page(parameters=public_input.PAGED)
def source_detail(request, pk):
    source = get_object_or_404(Source.objects.public(), pk=pk)
    page = public.cases_citing_page(source, request.GET.get("page"))
    return render(request, "cases/source_detail.html", {"source": source, "page": page})


@require_safe
@cache_public_page
def stats(request):
    rtl = get_language_bidi()
    tables = [
        ("situation", _("Cases by situation"), _("Situation"), public.count_by_situation()),
        (
            "prefecture",
            _("Cases by hometown prefecture"),
            _("Hometown prefecture"),
            public.count_by_prefecture(),
        ),
        ("year", _("Cases by the year their situation began"), _("Year"), public.count_by_year()),
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
# How each open data file is sent: the CSV file holds the JSON file's cases.
OPEN_DATA_RESPONSES = {
    "json": {"content_type": "application/json"},
    "csv": {
        "content_type": "text/csv; charset=utf-8",
        "as_attachment": True,
        "filename": "cases.csv",
    },
}


@require_safe
def open_data_file(request, extension: str):
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
    response = FileResponse(file, **OPEN_DATA_RESPONSES[extension])
    response["ETag"] = etag
    return response
