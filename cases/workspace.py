"""The review workspace: one case on one screen, from the relatives' reports to its public page.

The case's change form in the admin: what relatives sent beside the fields that go public, a
live preview rendered by the public template, what publication still needs, and "Save and
publish". Every state change goes through cases/services.py.
"""

import copy

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override

from . import services
from .evidence_admin import SupportingPhotosInline, evidence_of, with_trails
from .models import Case, Citation, Consent, Event, Name, Photo, Report, Source, Verification
from .public import case_page_context
from .templatetags.moderation import language_name

# Fields whose text the relative typed and that the public page shows word for word.
RELATIVE_WORDING_FIELDS = ["hometown_detail", "last_known_place"]
RELATIVE_WORDING_NOTE = _(
    "Written by the relative and published word for word: check it for anything that "
    "identifies the family."
)
# The preview may be framed by the workspace, and by nothing else.
PREVIEW_CSP = {**settings.SECURE_CSP, "frame-ancestors": [CSP.SELF]}
# Where each field of services.publication_checklist is fixed on the workspace.
PROBLEM_ANCHORS = {"citations": "citations-group"}


def photo_file_url(photo: Photo, variant: str = "thumbnail") -> str:
    return reverse("admin:cases_photo_file", args=[photo.pk, variant])


def thumbnail(photo: Photo):
    if not photo.pk or not photo.thumbnail:
        return "—"
    return format_html(
        '<a href="{}"><img src="{}" alt="{}" class="admin-thumbnail"></a>',
        photo_file_url(photo, "image"),
        photo_file_url(photo),
        photo.alt_text,
    )


def initials(name: str) -> str:
    """The first letter of each word with a full stop: a pseudonym staff may edit."""
    return " ".join(f"{word[0].upper()}." for word in name.split())


def first_report(case: Case) -> Report | None:
    return case.reports.order_by("created_at").first() if case.pk else None


def suggested_display_name(case: Case) -> str:
    """What consent allows: the name as the relative wrote it, or its initials."""
    name = case.names.filter(kind=Name.Kind.LEGAL).first() or case.names.first()
    if name is None:
        return ""
    if case.consent == Consent.PUBLIC_NAMED:
        return name.text
    if case.consent == Consent.PUBLIC_ANONYMOUS:
        return initials(name.text)
    return ""


def testimony_reason(report: Report) -> str:
    """How and where the relative's testimony was taken, for the verification reason."""
    values = {
        "relationship": report.get_relationship_display() or gettext("relative"),
        "date": date_format(timezone.localdate(report.created_at)),
    }
    if report.taken_by_id:
        return (
            gettext(
                "Testimony of the person's %(relationship)s, recorded by staff at the office "
                "on %(date)s."
            )
            % values
        )
    return (
        gettext(
            "Testimony of the person's %(relationship)s, sent through the site's report form "
            "on %(date)s."
        )
        % values
    )


def office_testimony_date(case: Case):
    """The day a relative testified at the office, or today when staff record it now."""
    report = case.reports.filter(taken_by__isnull=False).order_by("created_at").first()
    return timezone.localdate(report.created_at) if report else timezone.localdate()


def default_claim(case: Case) -> str:
    """What a relative's report or a source usually supports: the person's situation."""
    claim = case.get_situation_display().capitalize()
    if case.situation_since:
        return gettext("%(situation)s since %(date)s") % {
            "situation": claim,
            "date": case.situation_since,
        }
    return claim


def as_written_by_relative(case: Case) -> set[str]:
    """Fields still holding, word for word, what the relative typed when reporting."""
    original = case.history.order_by("history_date").first() if case.pk else None
    if original is None:
        return set()
    return {
        field
        for field in RELATIVE_WORDING_FIELDS
        if getattr(case, field).strip() and getattr(case, field) == getattr(original, field)
    }


def summary_field_name(language_code: str) -> str:
    return f"summary_{language_code.replace('-', '_')}"


def summary_translation_field(code: str) -> forms.CharField:
    return forms.CharField(
        label=format_lazy(_("Public summary, translated: {}"), lazy(language_name, str)(code)),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "lang": code}),
    )


class BaseCaseAdminForm(forms.ModelForm):
    """The case form: a summary box per language, prefilled from the report, problems marked."""

    cite_office_testimony = forms.BooleanField(label=_("Cite the office testimony"), required=False)

    class Meta:
        model = Case
        fields = ["public_summary", "summary_language"]  # the admin adds its fieldsets' fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, _name in settings.LANGUAGES:
            translated = self.instance.summary_translations.get(code, "")
            self.fields[summary_field_name(code)].initial = translated
        if "summary_language" in self.fields:  # named in the reader's language, not its own
            self.fields["summary_language"].choices = [
                (code, language_name(code)) for code, _name in settings.LANGUAGES
            ]
        if self.instance.pk:
            self.office_testimony_date = office_testimony_date(self.instance)
            self.fields["cite_office_testimony"].label = gettext(
                "Cite the testimony recorded at the office on %(date)s"
            ) % {"date": date_format(self.office_testimony_date)}
            self.prefill_from_report()
            self.checklist = services.publication_checklist(self.case_as_shown())
            self.mark_relative_wording()
            self.mark_problems()

    def prefill_from_report(self):
        """Staff confirm what the report already says rather than type it again."""
        case = self.instance
        if not case.display_name and "display_name" in self.fields:
            self.initial["display_name"] = suggested_display_name(case)
        report = first_report(case)
        if report and case.verification == Verification.UNVERIFIED and not case.verification_reason:
            self.initial["verification"] = Verification.TESTIMONY
            self.initial["verification_reason"] = testimony_reason(report)

    def case_as_shown(self) -> Case:
        """The case with what the form proposes, as it would be saved if staff confirm it."""
        case = copy.copy(self.instance)
        for field in ("display_name", "verification", "verification_reason"):
            if field in self.initial and field in self.fields:
                setattr(case, field, self.initial[field])
        return case

    def mark_relative_wording(self):
        for field in as_written_by_relative(self.instance) & set(self.fields):
            self.fields[field].widget.attrs["class"] = "from-relative"
            self.fields[field].help_text = format_html(
                '<strong class="from-relative-note">{}</strong> {}',
                RELATIVE_WORDING_NOTE,
                self.fields[field].help_text,
            )

    def mark_problems(self):
        """What publication still needs, written beside the field that fixes it."""
        for field, problem in self.checklist:
            if field in self.fields:
                self.fields[field].help_text = format_html(
                    '<strong class="publication-problem">{}</strong> {}',
                    problem,
                    self.fields[field].help_text,
                )

    def clean(self):
        cleaned = super().clean()
        self.instance.summary_translations = {
            code: text
            for code, _name in settings.LANGUAGES
            if (text := cleaned.get(summary_field_name(code), "").strip())
            and code != cleaned.get("summary_language")
        }
        return cleaned


# Declared through type() because the languages come from settings; the admin only accepts
# fields a form declares when its class is made.
CaseAdminForm = type(
    "CaseAdminForm",
    (BaseCaseAdminForm,),
    {
        "__module__": __name__,
        **{
            summary_field_name(code): summary_translation_field(code)
            for code, _name in settings.LANGUAGES
        },
    },
)


class CitationForm(forms.ModelForm):
    """A citation row: an existing source chosen by autocomplete, or a small new one."""

    new_source_kind = forms.ChoiceField(
        label=_("Kind of the new source"),
        choices=Source.Kind.choices,
        initial=Source.Kind.NEWS,
        required=False,
    )
    new_source_title = forms.CharField(
        label=_("Title of the new source"), max_length=500, required=False
    )
    new_source_publisher = forms.CharField(label=_("Its publisher"), max_length=200, required=False)
    new_source_date = forms.DateField(
        label=_("Its date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    new_source_url = forms.URLField(
        label=_("Its link"), max_length=1000, required=False, assume_scheme="https"
    )

    class Meta:
        model = Citation
        fields = ["source", "claim", "locator", "excerpt"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].required = False
        self.fields["source"].help_text = _("Type to find a source, or describe a new one below.")

    def clean(self):
        cleaned = super().clean()
        describes_new = cleaned.get("new_source_title") or cleaned.get("new_source_publisher")
        if cleaned.get("source") and describes_new:
            self.add_error("source", _("Choose a source or describe a new one, not both."))
        elif not cleaned.get("source"):
            if not cleaned.get("new_source_title"):
                self.add_error(
                    "new_source_title", _("Choose a source above, or give the new one's title.")
                )
            if not cleaned.get("new_source_publisher"):
                self.add_error("new_source_publisher", _("Give the new source's publisher."))
        return cleaned

    def new_source_fields(self) -> dict | None:
        """The new source this row describes, or None when it cites an existing one."""
        if self.cleaned_data.get("source") or not self.cleaned_data.get("new_source_title"):
            return None
        data = self.cleaned_data
        return {
            "kind": data["new_source_kind"] or Source.Kind.NEWS,
            "title": data["new_source_title"],
            "publisher": data["new_source_publisher"],
            "published_date": data["new_source_date"],
            "url": data["new_source_url"],
        }


class AutocompleteOfValidKeys(AutocompleteSelect):
    """Django's autocomplete looks up whatever key was posted: one that is no row's key would
    fail in the database instead of showing the form again."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-placeholder"] = gettext("Type to search")  # also the box's accessible name
        return attrs

    def optgroups(self, name, value, attr=None):
        keys = [key for key in value if key.isascii() and key.isdigit() and int(key) < 2**63]
        return super().optgroups(name, keys, attr)


class ValidKeysAutocomplete:
    """For an admin whose autocomplete fields are foreign keys to our models."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteOfValidKeys(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class NameInline(admin.StackedInline):
    model = Name
    extra = 1
    fields = [("text", "kind", "is_public"), "script"]
    readonly_fields = ["script"]


class ReportInline(admin.StackedInline):
    """What relatives sent, read-only beside the public fields staff write."""

    model = Report
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("Reports from relatives (private)")
    fields = [
        ("created_at", "state", "language"),
        ("relationship", "consent", "photo_consent"),
        "narrative",
        ("submitter_name", "submitter_phone"),
        ("submitter_email", "submitter_messenger"),
        "taken_by",
    ]
    readonly_fields = [
        field for row in fields for field in (row if isinstance(row, tuple) else [row])
    ]
    workspace_column = "relatives"

    def has_add_permission(self, request, obj=None):
        return False


class PhotoForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        first = self.instance.history.order_by("history_date").first() if self.instance.pk else None
        if first and self.instance.alt_text and first.alt_text == self.instance.alt_text:
            self.fields["alt_text"].widget.attrs["class"] = "from-relative"
            self.fields["alt_text"].help_text = format_html(
                '<strong class="from-relative-note">{}</strong>', RELATIVE_WORDING_NOTE
            )


class PhotoInline(admin.StackedInline):
    model = Photo
    form = PhotoForm
    extra = 0
    can_delete = True
    fields = [("preview", "kind"), "alt_text", ("approved", "report"), "evidence"]
    readonly_fields = ["preview", "report", "evidence"]
    workspace_column = "relatives"

    def get_queryset(self, request):
        return with_trails(super().get_queryset(request))

    @admin.display(description=_("photo"))
    def preview(self, photo):
        return thumbnail(photo)

    @admin.display(description=_("fingerprints and trail"))
    def evidence(self, photo):
        return evidence_of(photo)

    def has_add_permission(self, request, obj=None):
        return False


class CitationInline(SupportingPhotosInline, ValidKeysAutocomplete, admin.StackedInline):
    model = Citation
    form = CitationForm
    extra = 1
    autocomplete_fields = ["source"]
    fields = [
        "source",
        ("new_source_kind", "new_source_title"),
        ("new_source_publisher", "new_source_date", "new_source_url"),
        "claim",
        ("locator", "excerpt"),
        "photos",
    ]


class EventInline(SupportingPhotosInline, ValidKeysAutocomplete, admin.StackedInline):
    model = Event
    extra = 0
    autocomplete_fields = ["source"]
    fields = [("kind", "date", "date_precision"), "place", "public_text", "source", "photos"]


class Listing:
    """Stands in for a related manager in the public template: `case.names.all`."""

    def __init__(self, items):
        self.items = list(items)

    def all(self):
        return self.items


class Preview:
    """An object as the public template sees it, with some attributes replaced."""

    def __init__(self, original, **replaced):
        self.original = original
        self.__dict__.update(replaced)

    def __getattr__(self, name):
        return getattr(self.original, name)


def preview_photo(photo: Photo) -> Preview:
    """The private copy, through the staff-only view: no public copy exists before publishing."""
    return Preview(photo, public_url=photo_file_url(photo, "image"))


def preview_source(source: Source) -> Source | Preview:
    return source if source.pk else Preview(source, get_absolute_url="#")


def preview_case(case: Case, *, names, photos, citations, events) -> Preview:
    return Preview(
        case,
        reference=case.reference or gettext("assigned when published"),
        names=Listing(names),
        photos=Listing(preview_photo(p) for p in photos if case.photo_consent and p.approved),
        citations=Listing(citations),
        events=Listing(events),
    )


def saved_preview(case: Case) -> Preview:
    citations = case.citations.select_related("source")
    return preview_case(
        case,
        names=case.names.public(),
        photos=case.photos.all(),
        citations=citations,
        events=case.events.all(),
    )


def kept_off_message(case: Case) -> str:
    return format_html_join(
        " ",
        "{}",
        (
            (
                gettext("“%(photo)s” stays off the public page: %(reason)s.")
                % {"photo": photo, "reason": reason},
            )
            for photo, reason in services.photos_kept_off(case)
        ),
    )


def next_in_queue(after: Case) -> Report | None:
    """The report that has waited longest, on another case."""
    return (
        Report.objects.filter(state=Report.State.NEW, case__isnull=False)
        .exclude(case=after)
        .order_by("created_at")
        .first()
    )


class ReviewWorkspace:
    """What CaseAdmin adds to Django's change form to make it the review workspace."""

    form = CaseAdminForm
    inlines = [ReportInline, PhotoInline, NameInline, CitationInline, EventInline]
    change_form_template = "admin/cases/case/workspace.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/", view(self.preview_view), name="cases_case_preview"),
            *super().get_urls(),
        ]

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, CitationInline) and obj is not None and obj.pk:
            kwargs["initial"] = [{"claim": default_claim(obj)}]
        return kwargs

    def save_formset(self, request, form, formset, change):
        """A new source described in a citation row is created through the service first; a
        photo's approval is set through the service after the row's other fields are saved."""
        if formset.model is Citation:
            for row in formset.forms:
                wanted = row.has_changed() and not marked_for_deletion(row)
                if wanted and (fields := row.new_source_fields()):
                    row.instance.source = services.add_source(by=request.user, **fields)
        approvals = held_back_approvals(formset) if formset.model is Photo else {}
        super().save_formset(request, form, formset, change)
        for approved in (True, False):
            if photos := [photo for photo, wanted in approvals.items() if wanted is approved]:
                services.set_photo_approval(photos=photos, approved=approved, by=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        case = form.instance
        if form.cleaned_data.get("cite_office_testimony"):
            services.cite_office_testimony(
                case=case,
                recorded_on=form.office_testimony_date,
                claim=default_claim(case),
                by=request.user,
            )
        message = services.after_case_edit(case=case, by=request.user)
        if message:
            self.message_user(request, message, messages.WARNING)

    def response_change(self, request, obj):
        if "_publish" in request.POST:
            return self.publish_after_saving(request, obj)
        return super().response_change(request, obj)

    def publish_after_saving(self, request, case):
        """What was typed is saved already; now publish (or send for review) or say why not."""
        here = reverse("admin:cases_case_change", args=[case.pk])
        may_publish = request.user.has_perm("cases.publish_case")
        try:
            if may_publish:
                case = services.publish_case(case=case, by=request.user)
            else:
                case = services.send_for_review(case=case, by=request.user)
        except (ValidationError, PermissionDenied) as refusal:
            self.message_user(
                request,
                gettext("Your changes are saved, but the case is not published yet:"),
                messages.ERROR,
            )
            for problem in getattr(refusal, "messages", [str(refusal)]):
                self.message_user(request, problem, messages.ERROR)
            return HttpResponseRedirect(f"{here}#publication-checklist")
        if may_publish:
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a> {}',
                    gettext("The case is published."),
                    case.get_absolute_url(),
                    gettext("View it on the public site"),
                    kept_off_message(case),
                ),
                messages.SUCCESS,
            )
        else:
            self.message_user(request, gettext("The case was sent for review."), messages.SUCCESS)
        return HttpResponseRedirect(here)

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["can_publish"] = request.user.has_perm("cases.publish_case")
        if obj is not None:
            context["is_nav_sidebar_enabled"] = False  # the workspace needs the width
            context["checklist"] = checklist_items(context["adminform"].form.checklist)
            context["preview_url"] = reverse("admin:cases_case_preview", args=[obj.pk])
            context["queue_next"] = next_in_queue(obj)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    @method_decorator(xframe_options_sameorigin)  # shown in the workspace's own frame
    @method_decorator(csp_override(PREVIEW_CSP))
    def preview_view(self, request, pk):
        """The public page as it would be: of the saved case (GET), or of the form as typed
        (POST, answered as JSON with the checklist). Staff only; admin_view never caches it."""
        case = get_object_or_404(Case, pk=pk)
        if not self.has_view_permission(request, case):
            raise Http404
        if request.method == "POST":
            preview, checklist = self.typed_preview(request, case)
            return JsonResponse(
                {
                    "page": render_public_page(request, preview),
                    "checklist": render_to_string(
                        "admin/cases/case/checklist.html",
                        {"checklist": checklist_items(checklist)},
                        request,
                    ),
                }
            )
        return HttpResponse(render_public_page(request, saved_preview(case)))

    def typed_preview(self, request, case):
        """The case as the form now says, nothing saved: the main form and its rows."""
        form = self.get_form(request, case, change=True)(request.POST, instance=case)
        form.is_valid()  # fills form.instance with every field that was typed validly
        rows = {}
        for formset_class, inline in self.get_formsets_with_inlines(request, case):
            formset = formset_class(
                request.POST,
                instance=case,
                prefix=formset_class.get_default_prefix(),
                queryset=inline.get_queryset(request),
            )
            formset.is_valid()
            rows[formset.model] = [
                row
                for row in formset.forms
                if not row.errors
                and not marked_for_deletion(row)
                and (row.instance.pk or row.has_changed())
            ]
        citations = [citation_in_preview(row) for row in rows.get(Citation, [])]
        preview = preview_case(
            form.instance,
            names=[r.instance for r in rows.get(Name, []) if r.instance.is_public],
            photos=[r.instance for r in rows.get(Photo, [])],
            citations=citations,
            events=[r.instance for r in rows.get(Event, [])],
        )
        checklist = services.publication_checklist(form.instance, has_citation=bool(citations))
        return preview, checklist


def held_back_approvals(formset) -> dict:
    """The approvals the photo rows change, each row's instance put back to its stored approval
    so that saving the row leaves approval to services.set_photo_approval."""
    approvals = {}
    for row in formset.forms:
        if row.instance.pk and "approved" in row.changed_data and not marked_for_deletion(row):
            approvals[row.instance] = row.instance.approved
            row.instance.approved = row.initial["approved"]
    return approvals


def marked_for_deletion(row) -> bool:
    return bool(getattr(row, "cleaned_data", {}).get("DELETE"))


def citation_in_preview(row: CitationForm) -> Citation:
    if fields := row.new_source_fields():
        row.instance.source = Source(**fields)
    return Preview(row.instance, source=preview_source(row.instance.source))


def checklist_items(checklist) -> list[tuple[str, str]]:
    """(anchor, problem) pairs: each problem links to the field that fixes it."""
    return [(PROBLEM_ANCHORS.get(field, f"id_{field}"), problem) for field, problem in checklist]


def render_public_page(request, preview) -> str:
    return render_to_string(
        "cases/case_detail.html", case_page_context(request, preview, page_url=""), request
    )
