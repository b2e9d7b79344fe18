"""Spreadsheet imports: the files staff uploaded, the column mappings kept, the rows stored.

Imported through cases/models.py, so that Django finds them as models of the app.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .storage import private_storage


def import_upload_path(instance, filename):
    return f"imports/{filename}"


class ImportMapping(models.Model):
    """Which field each column goes to, for files whose header row has one shape."""

    shape = models.CharField(max_length=64, unique=True, editable=False)
    headers = models.JSONField(_("columns"), default=list)
    columns = models.JSONField(_("fields of the columns"), default=dict)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")

    def __str__(self):
        return ", ".join(self.headers)[:100]


class ImportFile(models.Model):
    """One uploaded spreadsheet, from its dry run to the rows it became."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("columns to map")
        CHECKED = "checked", _("dry run ready")
        QUEUED = "queued", _("waiting for the worker")
        RUNNING = "running", _("importing")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed")

    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("size in bytes"))
    # The upload as received, in private storage, until its rows are stored: it holds relatives'
    # names and contact details.
    data = models.FileField(storage=private_storage, upload_to=import_upload_path, blank=True)
    encoding = models.CharField(_("text encoding"), max_length=16, blank=True)
    headers = models.JSONField(_("columns"), default=list)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    mapping = models.JSONField(_("fields of the columns"), default=dict)
    dry_run = models.JSONField(_("dry run"), default=dict)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.UPLOADED)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    created_cases = models.PositiveIntegerField(_("cases created"), default=0)
    error = models.TextField(_("error"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        ordering = ["-uploaded_at"]
        permissions = [("import_records", _("Can import spreadsheets of records"))]

    def __str__(self):
        return self.file_name

    @property
    def progress_percent(self) -> int:
        return round(100 * self.rows_done / self.row_count) if self.row_count else 100


class ImportedRow(models.Model):
    """One row of a file stored as a draft case and an internal report: where each came from.

    Unique by the file's content and the row's number, so a file imported twice, even uploaded
    again under another name, stores each row once.
    """

    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    row_number = models.PositiveIntegerField(_("row"))
    import_file = models.ForeignKey(
        ImportFile,
        on_delete=models.SET_NULL,
        null=True,
        related_name="imported_rows",
        verbose_name=_("spreadsheet import"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        related_name="imported_rows",
        verbose_name=_("case"),
    )
    report = models.ForeignKey(
        "cases.Report",
        on_delete=models.SET_NULL,
        null=True,
        related_name="imported_rows",
        verbose_name=_("report"),
    )
    created_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        ordering = ["sha256", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["sha256", "row_number"], name="imported_row_once")
        ]

    def __str__(self):
        return f"{self.sha256[:12]}:{self.row_number}"
