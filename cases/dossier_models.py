"""The record of dossiers taken out of the office's records: who, when, which cases.

Imported through cases/models.py, so that Django finds it as a model of the app.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DossierExport(models.Model):
    """One download of dossiers. A dossier holds what the public never sees, so the office
    must be able to say who took it out, and which cases it held."""

    class Kind(models.TextChoices):
        ONE = "pdf", _("one dossier (PDF)")
        BULK = "zip", _("dossiers with the WGEID fields (ZIP)")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind)
    cases = models.ManyToManyField(
        "cases.Case", related_name="dossier_exports", verbose_name=_("cases")
    )
    case_count = models.PositiveIntegerField(_("number of cases"))
    photo_count = models.PositiveIntegerField(_("number of photos"))
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("exported by"),
    )
    exported_at = models.DateTimeField(_("exported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dossier export")
        verbose_name_plural = _("dossier exports")
        ordering = ["-exported_at"]
        permissions = [("export_dossier", _("Can download case dossiers and export them in bulk"))]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.exported_at:%Y-%m-%d %H:%M}"
