"""Moderation in Django admin: queues, review, redaction, photos, sources, merging, publishing.

Every state change goes through cases/services.py, which enforces the roles.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.admin.views.main import ORDER_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import contacts, search, services, staff_exports, storage
from .dossier_admin import DossierAdmin
from .evidence_admin import PhotoEvidenceAdmin
from .fields import EncryptedCharField
from .models import Case, CaseMerge, Name, Photo, Report, Source
from .templatetags.moderation import language_name
from .wgeid_admin import FamilyStepInline, WgeidAnswersOnReport, WgeidRecordInline
from .workspace import ReviewWorkspace, ValidKeysAutocomplete, summary_field_name, thumbnail

PRIVATE = _("Private: never published, never shared.")

admin.site.site_header = _("Case records: staff")
admin.site.site_title = _("Case records")
admin.site.index_title = _("Moderation")


def duplicate_links(case: Case):
    """Likely duplicates, each with a link to open it and one to merge it into this case."""
    if case.pk is None:
        return "—"
    found = search.likely_duplicates(case)
    if not found:
        return gettext("No likely duplicate found.")
    return format_html(
        "<ul class='duplicates'>{}</ul>",
        format_html_join(
            "",
            '<li><a href="{}">{}</a> ({}) · <a href="{}">{}</a></li>',
            (
                (
                    reverse("admin:cases_case_change", args=[other.pk]),
                    other,
                    ", ".join(str(reason) for reason in reasons),
                    reverse("admin:cases_case_merge", args=[case.pk, other.pk]),
                    gettext("merge it into this case"),
                )
                for other, _score, reasons in found
            ),
        ),
    )


@admin.register(Case)
class CaseAdmin(DossierAdmin, ReviewWorkspace, SimpleHistoryAdmin):
    list_display = [
        "label",
        "status",
        "situation",
        "hometown_prefecture",
        "consent",
        "verification",
        "report_count",
        "updated_at",
    ]
    list_filter = [
        "status",
        "situation",
        "hometown_prefecture",
        "consent",
        "verification",
        "created_at",
        "updated_at",
    ]
    search_fields = ["reference"]
    search_help_text = _("Any spelling of a name, in any script, or a reference.")
    list_per_page = 50
    readonly_fields = [
        "status",
        "reference",
        "published_at",
        "created_at",
        "updated_at",
        "hidden_reason",
        "possible_duplicates",
    ]
    fieldsets = [
        (
            _("Public page"),
            {
                "fields": [
                    ("status", "reference", "published_at"),
                    "hidden_reason",
                    "display_name",
                    ("public_summary", "summary_language"),
                    ("situation", "situation_date", "situation_date_precision"),
                    "last_known_place",
                ]
            },
        ),
        (
            _("Translations of the summary"),
            {
                "classes": ["collapse"],
                "fields": [summary_field_name(code) for code, _name in settings.LANGUAGES],
                "description": _(
                    "Written by staff. A visitor reading another language sees the translation, "
                    "marked as translated; otherwise the summary as written."
                ),
            },
        ),
        (
            _("Person"),
            {
                "fields": [
                    "sex",
                    ("birth_date", "birth_date_precision"),
                    "ethnicity",
                    ("hometown_prefecture", "hometown_detail"),
                ]
            },
        ),
        (_("Verification"), {"fields": ["verification", "verification_reason"]}),
        (
            _("Consent"),
            {
                "fields": ["consent", "photo_consent"],
                "description": _("Lowering consent takes a published case off the site at once."),
            },
        ),
        (_("Likely duplicates"), {"fields": ["possible_duplicates"]}),
        (_("Dates of this record"), {"fields": [("created_at", "updated_at")]}),
    ]
    actions = ["export_for_partners", "export_dossiers"]
    inlines = [*ReviewWorkspace.inlines, WgeidRecordInline, FamilyStepInline]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("names")
            .annotate(report_count=Count("reports", distinct=True))
        )

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        found = search.search_cases(queryset, search_term, public_only=False)
        if ORDER_VAR in request.GET:  # staff sorted by a column: keep it over the ranking
            found = found.order_by(*queryset.query.order_by)
        return found, False

    def view_on_site(self, case):
        """Only a published case has a public page to view."""
        return case.get_absolute_url() if case.is_published else None

    @admin.display(description=_("case"), ordering="display_name")
    def label(self, case):
        first_name = next(iter(case.names.all()), None)
        return format_html(
            "<bdi>{}</bdi>", case.display_name or (first_name.text if first_name else str(case))
        )

    @admin.display(description=_("reports"), ordering="report_count")
    def report_count(self, case):
        return case.report_count

    @admin.display(description=_("likely duplicates"))
    def possible_duplicates(self, case):
        return duplicate_links(case)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/moderate/", view(self.moderate_view), name="cases_case_moderate"),
            path("<int:pk>/merge/<int:other>/", view(self.merge_view), name="cases_case_merge"),
            *super().get_urls(),
        ]

    def moderate_view(self, request, pk):
        """The buttons of the change page: send for review, publish, unpublish, hide."""
        case = get_object_or_404(Case, pk=pk)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:cases_case_change", args=[pk]))
        action = request.POST.get("action")
        steps = {
            "review": lambda: services.send_for_review(case=case, by=request.user),
            "publish": lambda: services.publish_case(case=case, by=request.user),
            "unpublish": lambda: services.unpublish_case(case=case, by=request.user),
            "hide": lambda: services.unpublish_case(
                case=case,
                by=request.user,
                status=Case.Status.HIDDEN,
                reason=request.POST.get("reason", ""),
            ),
        }
        if action not in steps:
            raise Http404
        try:
            steps[action]()
        except (ValidationError, PermissionDenied) as refusal:
            for message in getattr(refusal, "messages", [str(refusal)]):
                self.message_user(request, message, messages.ERROR)
        else:
            self.message_user(request, DONE_MESSAGES[action], messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:cases_case_change", args=[pk]))

    def merge_view(self, request, pk, other):
        """Confirm, then fold the duplicate `other` into case `pk`."""
        kept, duplicate = get_object_or_404(Case, pk=pk), get_object_or_404(Case, pk=other)
        if request.method == "POST":
            try:
                services.merge_cases(kept=kept, duplicate=duplicate, by=request.user)
            except (ValidationError, PermissionDenied) as refusal:
                for message in getattr(refusal, "messages", [str(refusal)]):
                    self.message_user(request, message, messages.ERROR)
            else:
                self.message_user(
                    request, gettext("The duplicate was merged into this case."), messages.SUCCESS
                )
            return HttpResponseRedirect(reverse("admin:cases_case_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "kept": kept,
            "duplicate": duplicate,
            "opts": self.opts,
            "title": gettext("Merge duplicate cases"),
        }
        return TemplateResponse(request, "admin/cases/case/merge.html", context)

    @admin.action(description=_("Export for partners (CSV; cases kept internal are left out)"))
    def export_for_partners(self, request, queryset):
        return staff_exports.partner_csv_response(queryset)


DONE_MESSAGES = {
    "review": _("The case was sent for review."),
    "publish": _("The case is published."),
    "unpublish": _("The case was taken off the public site."),
    "hide": _("The case is hidden."),
}


@admin.register(Report)
class ReportAdmin(WgeidAnswersOnReport, ValidKeysAutocomplete, SimpleHistoryAdmin):
    list_display = [
        "person",
        "waited",
        "state",
        "language_used",
        "consent",
        "case_link",
        "at_office",
    ]
    list_filter = ["state", "consent", "language", "created_at"]
    list_select_related = ["case", "taken_by"]
    search_fields = ["case__display_name", "case__reference"]
    search_help_text = _(
        "Any spelling of the person's name, in any script, a reference, or a submitter's "
        "whole phone number, email, messenger handle or name."
    )
    autocomplete_fields = ["case"]
    actions = ["mark_spam", "mark_reviewed", "mark_new"]
    readonly_fields = [
        "state",
        "language",
        "consent",
        "photo_consent",
        "taken_by",
        "created_at",
        "updated_at",
        "photos_sent",
        "possible_duplicates",
        "workspace_link",
    ]
    fieldsets = [
        (
            _("Report"),
            {
                "fields": [
                    ("state", "language", "created_at"),
                    "workspace_link",
                    "case",
                    "relationship",
                    "narrative",
                    "photos_sent",
                ],
                "description": _(
                    "Edit the narrative to redact it: what you remove is not kept in the history."
                ),
            },
        ),
        (
            _("The person who reported (private)"),
            {
                "fields": [
                    "submitter_name",
                    "submitter_phone",
                    "submitter_email",
                    "submitter_messenger",
                    "taken_by",
                ],
                "description": PRIVATE,
            },
        ),
        (_("Consent"), {"fields": [("consent", "photo_consent")]}),
        (_("Likely duplicates"), {"fields": ["possible_duplicates"]}),
    ]

    # Encrypted short fields are one-line inputs here too (the admin gives text columns a box).
    formfield_overrides = {EncryptedCharField: {"widget": widgets.AdminTextInputWidget}}

    def has_add_permission(self, request):
        return False  # reports come through the form, at the office too

    def get_queryset(self, request):
        names = Prefetch("case__names", queryset=Name.objects.order_by("id"))
        return super().get_queryset(request).prefetch_related(names)

    def get_search_results(self, request, queryset, search_term):
        """The person's name in any spelling and script, folded as public search folds it
        (cases/names.py); the case's display name or reference; and a submitter's whole phone
        number, email, messenger handle or name through their lookup hashes (cases/contacts.py):
        the database holds these encrypted, so no part of one can be searched."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if not search_term.strip():
            return results, may_have_duplicates
        cases = search.search_cases(Case.objects.all(), search_term, public_only=False)
        results = results | queryset.filter(case__in=cases.values("pk"))
        hashes = contacts.hashes_for_search(search_term)
        if hashes:
            matches = Q()
            for digest in hashes:
                matches |= Q(lookup_hashes__contains=digest)
            results = results | queryset.filter(matches)
        return results, may_have_duplicates

    @admin.display(description=_("person"))
    def person(self, report):
        spellings = report.case.names.all() if report.case else []
        shown = format_html_join(" · ", "<bdi>{}</bdi>", ((name.text,) for name in spellings))
        return shown or str(report)

    @admin.display(description=_("waiting for"), ordering="created_at")
    def waited(self, report):
        return timesince(report.created_at)

    @admin.display(description=_("language used"), ordering="language")
    def language_used(self, report):
        return language_name(report.language)

    @admin.display(description=_("case"))
    def case_link(self, report):
        if report.case is None:
            return "—"
        url = reverse("admin:cases_case_change", args=[report.case_id])
        return format_html('<a href="{}">{}</a>', url, report.case)

    @admin.display(description=_("review"))
    def workspace_link(self, report):
        """The one obvious way on from a report: its case's review workspace."""
        if report.case_id is None:
            return gettext("Choose the case this report belongs to, below.")
        url = reverse("admin:cases_case_change", args=[report.case_id])
        return format_html(
            '<a class="button" href="{}">{}</a>', url, gettext("Open the review workspace")
        )

    def get_form(self, request, obj=None, **kwargs):
        """The case is chosen here, never edited, added or deleted from a report's page."""
        form = super().get_form(request, obj, **kwargs)
        if "case" in form.base_fields:
            widget = form.base_fields["case"].widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return form

    @admin.display(description=_("at the office"), boolean=True)
    def at_office(self, report):
        return report.taken_by_id is not None

    @admin.display(description=_("photos"))
    def photos_sent(self, report):
        return format_html_join(" ", "{}", ((thumbnail(p),) for p in report.photos.all())) or "—"

    @admin.display(description=_("likely duplicates"))
    def possible_duplicates(self, report):
        return duplicate_links(report.case) if report.case else "—"

    def save_model(self, request, obj, form, change):
        """Through the service: a report moved to another case takes its photos and consent."""
        services.save_report_edit(report=obj, by=request.user)

    def _mark(self, request, queryset, state):
        for report in queryset:
            services.mark_report(report=report, state=state, by=request.user)
        count = len(queryset)
        self.message_user(
            request,
            ngettext("Marked %(count)d report.", "Marked %(count)d reports.", count)
            % {"count": count},
        )

    @admin.action(description=_("Mark as spam"))
    def mark_spam(self, request, queryset):
        self._mark(request, queryset, Report.State.SPAM)

    @admin.action(description=_("Mark as reviewed"))
    def mark_reviewed(self, request, queryset):
        self._mark(request, queryset, Report.State.REVIEWED)

    @admin.action(description=_("Mark as new"))
    def mark_new(self, request, queryset):
        self._mark(request, queryset, Report.State.NEW)


@admin.register(Photo)
class PhotoAdmin(PhotoEvidenceAdmin, SimpleHistoryAdmin):
    list_display = ["preview", "__str__", "case", "kind", "approved", "width", "height"]
    list_filter = ["approved", "kind"]
    list_select_related = ["case"]
    raw_id_fields = ["case", "report"]
    fields = [
        "preview",
        "case",
        "report",
        "kind",
        "alt_text",
        "approved",
        "width",
        "height",
        *PhotoEvidenceAdmin.evidence_fields,
    ]
    readonly_fields = ["preview", "width", "height", *PhotoEvidenceAdmin.evidence_fields]
    actions = ["approve", "withdraw_approval"]

    @admin.display(description=_("photo"))
    def preview(self, photo):
        return thumbnail(photo)

    def has_add_permission(self, request):
        return False  # photos arrive only through the sanitizing pipeline

    def save_model(self, request, obj, form, change):
        """Through the service: approval, and a move to another case, reach public storage."""
        services.save_photo_edit(photo=obj, by=request.user)

    def _set_approved(self, request, queryset, approved):
        count = services.set_photo_approval(photos=queryset, approved=approved, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d photo changed.", "%(count)d photos changed.", count)
            % {"count": count},
        )

    @admin.action(description=_("Approve the selected photos"))
    def approve(self, request, queryset):
        self._set_approved(request, queryset, True)

    @admin.action(description=_("Withdraw approval of the selected photos"))
    def withdraw_approval(self, request, queryset):
        self._set_approved(request, queryset, False)

    def get_urls(self):
        return [
            path(
                "<int:pk>/file/<str:variant>/",
                self.admin_site.admin_view(self.file_view),
                name="cases_photo_file",
            ),
            *super().get_urls(),
        ]

    def file_view(self, request, pk, variant):
        """The only way to see a private photo: a staff member allowed to view photos."""
        photo = get_object_or_404(Photo, pk=pk)
        if variant not in ("image", "thumbnail") or not self.has_view_permission(request, photo):
            raise Http404
        try:
            return storage.private_file_response(getattr(photo, variant))
        except FileNotFoundError:  # moved by a key rotation since the row was read
            raise Http404 from None


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "kind", "published_date", "citation_count"]
    list_filter = ["kind", "language"]
    search_fields = ["title", "publisher", "author", "url"]
    readonly_fields = ["cited_by"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "publisher", "author", "language"]}),
        (_("Links"), {"fields": ["url", "archive_url"]}),
        (
            _("Dates"),
            {"fields": [("published_date", "published_date_precision"), "accessed_date"]},
        ),
        (None, {"fields": ["notes", "cited_by"]}),
    ]

    def get_queryset(self, request):
        # Meta.ordering does not apply to a grouped query; the autocomplete's pages need one.
        sources = super().get_queryset(request).annotate(citation_count=Count("citations"))
        return sources.order_by(*Source._meta.ordering, "pk")

    @admin.display(description=_("citations"), ordering="citation_count")
    def citation_count(self, source):
        return source.citation_count

    @admin.display(description=_("cases that cite it"))
    def cited_by(self, source):
        citations = source.citations.select_related("case")
        return format_html_join(
            "",
            '<p><a href="{}">{}</a>: {}</p>',
            (
                (reverse("admin:cases_case_change", args=[c.case_id]), c.case, c.claim)
                for c in citations
            ),
        ) or gettext("No case cites it yet.")


@admin.register(CaseMerge)
class CaseMergeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "merged_by", "merged_at"]
    list_select_related = ["kept", "merged_by"]
    readonly_fields = ["kept", "merged_case_id", "merged_label", "moved", "merged_by", "merged_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
