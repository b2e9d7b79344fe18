"""Dossiers in the admin: the case's download button, the bulk export of a selection, and the
record of every export. Staff with `cases.export_dossier` only, through the admin's own login
(and so its second factor)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import dossier
from .models import Case, DossierExport

PERMISSION = "cases.export_dossier"


def attachment(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    """A download that no browser, proxy or cache keeps a copy of."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class DossierAdmin:
    """What CaseAdmin adds for dossiers."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/dossier/", view(self.dossier_view), name="cases_case_dossier"),
            *super().get_urls(),
        ]

    def has_export_dossier_permission(self, request, obj=None):
        return request.user.has_perm(PERMISSION) and self.has_view_permission(request, obj)

    def dossier_view(self, request, pk):
        """The PDF of one case. A POST, since each download is recorded."""
        case = get_object_or_404(Case, pk=pk)
        if not self.has_export_dossier_permission(request, case):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:cases_case_change", args=[pk]))
        case, pdf = dossier.dossier_pdf(case.pk, by=request.user)
        return attachment(pdf, content_type="application/pdf", filename=dossier.file_name(case))

    @admin.action(
        description=_("Export dossiers (ZIP of PDFs and a CSV of the WGEID fields)"),
        permissions=["export_dossier"],
    )
    def export_dossiers(self, request, queryset):
        case_ids = list(queryset.values_list("pk", flat=True)[: dossier.BULK_LIMIT + 1])
        if len(case_ids) > dossier.BULK_LIMIT:
            self.message_user(
                request,
                gettext(
                    "At most %(limit)d cases can be exported at once: each dossier is made "
                    "while you wait. Select fewer cases."
                )
                % {"limit": dossier.BULK_LIMIT},
                messages.ERROR,
            )
            return None
        content = dossier.dossier_zip(case_ids, by=request.user)
        filename = f"dossiers-{timezone.localtime():%Y%m%d-%H%M}.zip"
        return attachment(content, content_type="application/zip", filename=filename)

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["can_export_dossier"] = obj is not None and self.has_export_dossier_permission(
            request, obj
        )
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)


@admin.register(DossierExport)
class DossierExportAdmin(admin.ModelAdmin):
    """Read only: the record of who took which cases out, and when."""

    list_display = ["exported_at", "exported_by", "kind", "case_count", "photo_count"]
    list_filter = ["kind", "exported_at"]
    list_select_related = ["exported_by"]
    fields = ["exported_at", "exported_by", "kind", "case_count", "photo_count", "case_links"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("cases"))
    def case_links(self, export):
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:cases_case_change", args=[case.pk]), case.reference or case.pk)
                for case in export.cases.order_by("pk")
            ),
        )
