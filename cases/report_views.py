"""The relatives' side: the report form, the receipt, and the status page behind a receipt code.

Every view here handles private fields: none of them may reach an error report or a log.
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from advocacy.staff_auth import is_verified_staff

from . import error_pages, ratelimit, services
from .codes import new_receipt_code
from .forms import (
    START_TOKEN_MAX_AGE,
    AddInformationForm,
    NameFormSet,
    PhotoFormSet,
    ReceiptForm,
    ReportForm,
    display_filename,
    formset_as_typed,
    started_at,
    typed_values,
)
from .models import Report

SESSION_REPORT = "receipt_report_id"
# A relative may leave the status page open on a shared phone; the access lapses.
STATUS_SESSION_SECONDS = 30 * 60


# Why a form comes back with what was typed but unsent (report_kept_form): a heading and a text.
TOO_MANY = gettext_lazy("Too many attempts")
EXPIRED = gettext_lazy("The form has expired")
REPORT_LIMITED = (
    TOO_MANY,
    gettext_lazy(
        "Too many reports were sent from your connection in the last hour, so this one has not "
        "been sent. What you typed is kept below: please send it again in an hour, or come to "
        "the office."
    ),
)
FORM_EXPIRED = (
    EXPIRED,
    gettext_lazy(
        "For your safety this form stopped working before it was sent. What you typed is kept "
        "below: please check it and send it again."
    ),
)
FORM_STALE = (
    EXPIRED,
    gettext_lazy(
        "This form was opened more than a day ago and has not been sent. What you typed is kept "
        "below: please check it and send it again."
    ),
)
FORM_ALREADY_SENT = (
    gettext_lazy("This form was already sent"),
    gettext_lazy(
        "This form has already been sent once, for example by pressing the button twice. If you "
        "were shown a receipt code, your report has reached us: keep that code. If not, what you "
        "typed is kept below: check it and send it again."
    ),
)
ADD_LIMITED = (
    TOO_MANY,
    gettext_lazy(
        "Too many additions were sent from your connection in the last hour, so nothing has been "
        "added. What you typed is kept below: please send it again in an hour, or come to the "
        "office."
    ),
)


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
            return report_kept_form(request, problem=REPORT_LIMITED, status=429)
        form = ReportForm(request.POST)
        names = NameFormSet(request.POST, prefix="names")
        photos = PhotoFormSet(request.POST, request.FILES, prefix="photos")
        if form.is_valid() and names.is_valid() and photos.is_valid():
            if form.looks_automated():
                return render(request, "cases/report_receipt.html", {"code": fake_receipt()})
            if form.is_stale():
                return report_kept_form(request, problem=FORM_STALE, status=400)
            token = form.cleaned_data["started"]
            if not ratelimit.first_use("report-form", token, window=START_TOKEN_MAX_AGE):
                return report_kept_form(request, problem=FORM_ALREADY_SENT, status=409)
            try:
                code = submit(
                    request, form, names, photos, taken_by=request.user if at_office else None
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


def submit(request, form, names, photos, *, taken_by) -> str:
    """Store the report; if storing fails, its start token may be used again for the retry."""
    try:
        _report, code = services.submit_report(
            person=form.person_fields(),
            spellings=names.spellings(),
            report=form.report_fields(),
            photos=photos.photos(),
            language=get_language(),
            taken_by=taken_by,
            wgeid=form.wgeid_answers(),
        )
    except BaseException:
        ratelimit.forget_use("report-form", form.cleaned_data["started"])
        raise
    return code


def report_kept_form(request, *, problem, status):
    """The report form again, unsent, with everything typed but the photos, and why.

    Not validated: that would decode the photos, which a limited or expired request must not
    cost. A fresh start token keeps the time the relative began, so sending again at once is not
    taken for a script's haste.
    """
    form = ReportForm(
        initial=typed_values(ReportForm(), request.POST),
        started_at=started_at(request.POST.get("started", "")),
    )
    context = {
        "form": form,
        "names": formset_as_typed(NameFormSet, request.POST, prefix="names"),
        "photos": formset_as_typed(PhotoFormSet, request.POST, prefix="photos"),
        "at_office": is_verified_staff(request),
        "problem": problem,
        "photos_not_kept": uploaded_file_names(request),
    }
    return render(request, "cases/report_form.html", context, status=status)


def uploaded_file_names(request) -> list[str]:
    """The photos the browser sent, to ask for again: a form shown again never keeps files."""
    names = [display_filename(upload.name) for upload in request.FILES.values()]
    return names[: PhotoFormSet.absolute_max]


def fake_receipt() -> str:
    """What a dropped automated post is shown: a code shaped like a real one, stored nowhere."""
    return new_receipt_code()


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
        attempt = ratelimit.ReceiptAttempt(request)
        if not attempt.allowed:
            return too_many_requests(request)
        form = ReceiptForm(request.POST)
        if form.is_valid():
            report = Report.objects.filter(
                receipt_hash=Report.hash_receipt(form.cleaned_data["code"])
            ).first()
            if report is not None:
                attempt.succeeded()
                request.session.cycle_key()
                request.session[SESSION_REPORT] = report.pk
                request.session.set_expiry(STATUS_SESSION_SECONDS)
                return redirect("cases:report_status")
            form.add_error(
                "code", _("We found no report with this code. Please check it and try again.")
            )
        return render(request, "cases/report_status.html", {"receipt_form": form})
    report = report_from_session(request)
    if report is None:
        return render(request, "cases/report_status.html", {"receipt_form": ReceiptForm()})
    return render_status(request, report, AddInformationForm(), PhotoFormSet(prefix="photos"))


def render_status(request, report, add_form, photos, *, status=200, **context):
    context |= {"report": report, "add_form": add_form, "photos": photos}
    return render(request, "cases/report_status.html", context, status=status)


def add_kept_form(request, report, *, problem, status):
    """The status page's form again, unsent, with the text typed, and why (see report_kept_form)."""
    add_form = AddInformationForm(initial=typed_values(AddInformationForm(), request.POST))
    photos = formset_as_typed(PhotoFormSet, request.POST, prefix="photos")
    kept = {"problem": problem, "photos_not_kept": uploaded_file_names(request)}
    return render_status(request, report, add_form, photos, status=status, **kept)


@sensitive_post_parameters()
@sensitive_variables()
def csrf_failure(request, reason=""):
    """An expired form (CSRF_FAILURE_VIEW): the relative's form comes back with what they typed.

    Nothing is stored: the page only shows the sender what they sent, with a fresh token.
    """
    if request.method == "POST":
        name = getattr(resolve_or_none(request.path_info), "url_name", None)
        if name == "report":
            return report_kept_form(request, problem=FORM_EXPIRED, status=403)
        report = report_from_session(request) if name == "report_add" else None
        if report is not None:
            return add_kept_form(request, report, problem=FORM_EXPIRED, status=403)
    return render(request, "403_csrf.html", status=403)


def resolve_or_none(path):
    try:
        return resolve(path)
    except Resolver404:
        return None


@sensitive_post_parameters()
@sensitive_variables()
@never_cache
@require_POST
def report_add(request):
    report = report_from_session(request)
    if report is None:
        return redirect("cases:report_status")
    if not ratelimit.hit(request, scope="report", **settings.REPORT_RATE_LIMIT):
        return add_kept_form(request, report, problem=ADD_LIMITED, status=429)
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
