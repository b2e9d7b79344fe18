"""Public pages. Every case read here goes through Case.objects.published()."""

from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language_from_request
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from .models import Case, Citation, Name, Photo, Source

CASES_PER_PAGE = 24


def public_cases():
    """Published cases with what every listing shows, in a fixed number of queries."""
    return Case.objects.published().prefetch_related(
        Prefetch("names", queryset=Name.objects.filter(is_public=True)),
        Prefetch("photos", queryset=Photo.objects.exclude(public_name="")),
    )


@require_safe
@vary_on_headers("Accept-Language", "Cookie")
def root_redirect(request):
    """Send a visitor to the language their browser asks for."""
    language = get_language_from_request(request, check_path=False)
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
def home(request):
    cases = Case.objects.published()
    context = {
        "recent_cases": public_cases()[:6],
        "published_count": cases.count(),
        "source_count": Source.objects.filter(citations__case__in=cases).distinct().count(),
    }
    return render(request, "cases/home.html", context)


@require_safe
def case_list(request):
    paginator = Paginator(public_cases().order_by("-published_at", "pk"), CASES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "cases/case_list.html", {"page": page})


@require_safe
def case_detail(request, reference):
    case = get_object_or_404(
        public_cases().prefetch_related(
            Prefetch("citations", queryset=Citation.objects.select_related("source")),
            "events",
        ),
        reference=reference,
    )
    return render(request, "cases/case_detail.html", {"case": case})


def sources_citing_public_cases():
    return Source.objects.filter(citations__case__in=Case.objects.published()).distinct()


@require_safe
def source_list(request):
    paginator = Paginator(sources_citing_public_cases(), 50)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "cases/source_list.html", {"page": page})


@require_safe
def source_detail(request, pk):
    source = get_object_or_404(sources_citing_public_cases(), pk=pk)
    cases = public_cases().filter(citations__source=source).distinct()
    return render(request, "cases/source_detail.html", {"source": source, "cases": cases})
