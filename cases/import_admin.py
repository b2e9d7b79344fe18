"""Import in the admin: upload, map the columns, read the dry run, confirm, watch the progress.

For staff whose role has `cases.import_records` (Editors, migration 0016). The steps are views
of the ImportFile admin; the work is in cases/imports.py, the file checks in spreadsheets.py.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from advocacy.languages import formatted_lazily

from . import imports
from .forms import display_filename
from .models import ImportFile
from .spreadsheets import (
    ENCODINGS,
    MAX_FILE_BYTES,
    MAX_FILE_MEBIBYTES,
    MAX_ROWS_SHOWN,
    RefusedFile,
    read_table,
)

ROWS_PER_PAGE = 100


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX)"),
        help_text=formatted_lazily(
            _("The first row must name the columns. At most %(megabytes)s MiB and %(rows)s rows."),
            {"megabytes": MAX_FILE_MEBIBYTES, "rows": MAX_ROWS_SHOWN},
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    encoding = forms.ChoiceField(
        label=_("Text encoding of a CSV file"),
        choices=[("", _("find out from the file")), *ENCODINGS.items()],
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        try:
            if upload.size > MAX_FILE_BYTES:  # refused before it is read into memory
                raise RefusedFile(
                    _("The file is larger than %(limit)s MiB.") % {"limit": MAX_FILE_MEBIBYTES}
                )
            data = upload.read()
            cleaned["table"] = read_table(data, upload.name, cleaned.get("encoding", ""))
        except RefusedFile as refusal:
            raise forms.ValidationError(
                _("“%(file)s” was not imported: %(reason)s")
                % {"file": display_filename(upload.name), "reason": refusal}
            ) from None
        cleaned["data"] = data
        return cleaned


def field_choices():
    return [(imports.IGNORE, _("(not imported)"))] + [
        (str(group), list(fields.items())) for group, fields in imports.FIELD_GROUPS.items()
    ]


class MappingForm(forms.Form):
    """One choice per column: which field it goes to."""

    def __init__(self, *args, headers, initial_mapping, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header or _("(column %(number)s without a name)") % {"number": index + 1},
                choices=field_choices(),
                initial=initial_mapping.get(header, imports.IGNORE),
            )

    def clean(self):
        cleaned = super().clean()
        chosen = [cleaned.get(f"column_{index}") for index in range(len(self.headers))]
        if "name" not in chosen:
            raise forms.ValidationError(_("Choose the column (or columns) that hold the names."))
        return cleaned

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data[f"column_{index}"]
            for index, header in enumerate(self.headers)
        }


ROW_FILTERS = {
    "": _("all rows"),
    "problems": _("with fields not read"),
    "duplicates": _("with likely duplicates"),
    "skipped": _("not imported"),
}


def filtered_rows(rows: list[dict], shown: str) -> list[dict]:
    if shown == "problems":
        return [row for row in rows if row["problems"]]
    if shown == "duplicates":
        return [row for row in rows if row["existing"] or row["in_file"]]
    if shown == "skipped":
        return [row for row in rows if row["error"] or row["already"]]
    return rows


@admin.register(ImportFile)
class ImportFileAdmin(admin.ModelAdmin):
    list_display = [
        "file_name",
        "status",
        "row_count",
        "created_cases",
        "uploaded_by",
        "uploaded_at",
    ]
    list_filter = ["status"]
    list_select_related = ["uploaded_by"]

    def has_module_permission(self, request):
        return request.user.has_perm("cases.import_records")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("cases.import_records")

    def has_add_permission(self, request):
        return request.user.has_perm("cases.import_records")

    def has_change_permission(self, request, obj=None):
        return False  # an import moves through its steps, never edited by hand

    def has_delete_permission(self, request, obj=None):
        return False  # it records where imported cases came from

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/columns/", view(self.columns_view), name="cases_importfile_columns"),
            path("<int:pk>/dry-run/", view(self.dry_run_view), name="cases_importfile_dry_run"),
            path("<int:pk>/progress/", view(self.progress_view), name="cases_importfile_progress"),
            *super().get_urls(),
        ]

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **extra,
        }

    def _import_file(self, request, pk) -> ImportFile:
        if not request.user.has_perm("cases.import_records"):
            raise PermissionDenied
        return get_object_or_404(ImportFile, pk=pk)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            import_file = imports.receive_upload(
                data=form.cleaned_data["data"],
                file_name=display_filename(form.cleaned_data["file"].name),
                table=form.cleaned_data["table"],
                by=request.user,
            )
            return redirect("admin:cases_importfile_columns", import_file.pk)
        context = self._context(request, _("Import a spreadsheet"), form=form)
        return TemplateResponse(request, "admin/cases/importfile/upload.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """An import opens at the step it is at."""
        import_file = self._import_file(request, object_id)
        step = {
            ImportFile.Status.UPLOADED: "admin:cases_importfile_columns",
            ImportFile.Status.CHECKED: "admin:cases_importfile_dry_run",
        }.get(import_file.status, "admin:cases_importfile_progress")
        return redirect(step, import_file.pk)

    def columns_view(self, request, pk):
        import_file = self._import_file(request, pk)
        if import_file.status not in (ImportFile.Status.UPLOADED, ImportFile.Status.CHECKED):
            return redirect("admin:cases_importfile_progress", import_file.pk)
        form = MappingForm(
            request.POST or None,
            headers=import_file.headers,
            initial_mapping=import_file.mapping,
        )
        if request.method == "POST" and form.is_valid():
            imports.check_import(import_file=import_file, mapping=form.mapping(), by=request.user)
            return redirect("admin:cases_importfile_dry_run", import_file.pk)
        context = self._context(
            request, _("Which field is in each column?"), form=form, import_file=import_file
        )
        return TemplateResponse(request, "admin/cases/importfile/columns.html", context)

    def dry_run_view(self, request, pk):
        import_file = self._import_file(request, pk)
        if import_file.status != ImportFile.Status.CHECKED:
            return redirect("admin:cases_importfile_progress", import_file.pk)
        if request.method == "POST":
            imports.confirm_import(import_file=import_file, by=request.user)
            messages.success(request, _("The import is queued for the worker."))
            return redirect("admin:cases_importfile_progress", import_file.pk)
        shown = request.GET.get("rows", "")
        shown = shown if shown in ROW_FILTERS else ""
        rows = filtered_rows(import_file.dry_run.get("rows", []), shown)
        page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
        context = self._context(
            request,
            _("Dry run: what the import would do"),
            import_file=import_file,
            report=import_file.dry_run,
            page=page,
            shown=shown,
            filters=ROW_FILTERS,
            case_url=reverse("admin:cases_case_changelist"),
        )
        return TemplateResponse(request, "admin/cases/importfile/dry_run.html", context)

    def progress_view(self, request, pk):
        import_file = self._import_file(request, pk)
        context = self._context(
            request,
            _("Import of “%(file)s”") % {"file": import_file.file_name},
            import_file=import_file,
            refresh=import_file.status
            in (ImportFile.Status.QUEUED, ImportFile.Status.RUNNING, ImportFile.Status.FAILED),
        )
        return TemplateResponse(request, "admin/cases/importfile/progress.html", context)
