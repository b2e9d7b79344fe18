"""The relatives' side: the report form, the receipt, and the status page behind a receipt code.

Every view here handles private fields: none of them may reach an error report or a log.
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from advocacy.staff_auth import is_verified_staff

from . import error_pages, ratelimit, services
from .forms import AddInformationForm, NameFormSet, PhotoFormSet, ReceiptForm, ReportForm
from .models import Report, random_code

SESSION_REPORT = "receipt_report_id"
# A relative may leave the status page open on a shared phone; the access lapses.
STATUS_SESSION_SECONDS = 30 * 60


def too_many_requests(request):
    return render(request, "cases/too_many_requests.html", status=429)


@sensitive_post_parameters()
@sensitive_variables()
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report_new(request):
    # Staff take reports at the office on relatives' behalf, many from one address.
    at_office = is_verified_staff(request)
    if request.method == "POST":
        limited = not ratelimit.hit(request, scope="report", **settings.REPORT_RATE_LIMIT)
        if limited and not at_office:
            return too_many_requests(request)
        form = ReportForm(request.POST)
        names = NameFormSet(request.POST, prefix="names")
        photos = PhotoFormSet(request.POST, request.FILES, prefix="photos")
        if form.is_valid() and names.is_valid() and photos.is_valid():
            if form.looks_automated():
                return render(request, "cases/report_receipt.html", {"code": fake_receipt()})
            try:
                _report, code = services.submit_report(
                    person=form.person_fields(),
                    spellings=names.spellings(),
                    report=form.report_fields(),
                    photos=photos.photos(),
                    language=get_language(),
                    taken_by=request.user if at_office else None,
                )
            except error_pages.DATABASE_UNAVAILABLE:
                # Nothing was stored (one transaction; its files are deleted): hand back the form.
                form.add_error(None, database_unavailable_message())
                context = {"form": form, "names": names, "photos": photos, "at_office": at_office}
                response = render(request, "cases/report_form.html", context, status=503)
                return error_pages.retry_after(response, error_pages.DATABASE_RETRY_SECONDS)
            return render(request, "cases/report_receipt.html", {"code": code})
    else:
        form, names, photos = (
            ReportForm(),
            NameFormSet(prefix="names"),
            PhotoFormSet(prefix="photos"),
        )
    context = {"form": form, "names": names, "photos": photos, "at_office": at_office}
    return render(request, "cases/report_form.html", context)


def database_unavailable_message() -> str:
    return _(
        "Our database did not answer, so nothing was stored. What you typed is below: please "
        "choose the photos again and send it in a minute."
    )


def fake_receipt() -> str:
    """What a dropped automated post is shown: a code shaped like a real one, stored nowhere."""
    code = random_code(Report.RECEIPT_LENGTH)
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def report_from_session(request):
    report_id = request.session.get(SESSION_REPORT)
    if report_id is None:
        return None
    return Report.objects.select_related("case").filter(pk=report_id).first()


@sensitive_post_parameters()
@sensitive_variables()
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report_status(request):
    if request.method == "POST":
        if ratelimit.is_limited(
            request, scope="receipt", limit=settings.RECEIPT_ATTEMPTS_LIMIT["limit"]
        ):
            return too_many_requests(request)
        form = ReceiptForm(request.POST)
        if form.is_valid():
            report = Report.objects.filter(
                receipt_hash=Report.hash_receipt(form.cleaned_data["code"])
            ).first()
            if report is not None:
                request.session.cycle_key()
                request.session[SESSION_REPORT] = report.pk
                request.session.set_expiry(STATUS_SESSION_SECONDS)
                return redirect("cases:report_status")
            ratelimit.hit(request, scope="receipt", **settings.RECEIPT_ATTEMPTS_LIMIT)
            form.add_error(
                "code", _("We found no report with this code. Please check it and try again.")
            )
        return render(request, "cases/report_status.html", {"receipt_form": form})
    report = report_from_session(request)
    if report is None:
        return render(request, "cases/report_status.html", {"receipt_form": ReceiptForm()})
    return render_status(request, report, AddInformationForm(), PhotoFormSet(prefix="photos"))


def render_status(request, report, add_form, photos, status=200):
    context = {"report": report, "add_form": add_form, "photos": photos}
    return render(request, "cases/report_status.html", context, status=status)


@sensitive_post_parameters()
@sensitive_variables()
@never_cache
@require_POST
def report_add(request):
    report = report_from_session(request)
    if report is None:
        return redirect("cases:report_status")
    if not ratelimit.hit(request, scope="report", **settings.REPORT_RATE_LIMIT):
        return too_many_requests(request)
    add_form = AddInformationForm(request.POST)
    photos = PhotoFormSet(request.POST, request.FILES, prefix="photos")
    if add_form.is_valid() and photos.is_valid():
        if add_form.cleaned_data["narrative"] or photos.photos():
            try:
                services.add_to_report(
                    report=report,
                    narrative=add_form.cleaned_data["narrative"],
                    photos=photos.photos(),
                )
            except error_pages.DATABASE_UNAVAILABLE:
                add_form.add_error(None, database_unavailable_message())
                response = render_status(request, report, add_form, photos, status=503)
                return error_pages.retry_after(response, error_pages.DATABASE_RETRY_SECONDS)
            messages.success(request, _("Thank you. What you added has reached our staff."))
        return redirect("cases:report_status")
    return render_status(request, report, add_form, photos)


@never_cache
@require_POST
def report_forget(request):
    """Close the status page on this device, e.g. a phone that others also use."""
    request.session.flush()
    return redirect("cases:report_status")
