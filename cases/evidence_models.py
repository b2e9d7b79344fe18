"""The evidence trail: one row per thing that happened to a file, written by cases/evidence.py.

Imported through cases/models.py, so that Django finds it as a model of the app.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FileEvent(models.Model):
    """Who did what to one photo, and when. Rows are only ever added, never edited."""

    class Action(models.TextChoices):
        RECEIVED = "received", _("received")
        APPROVED = "approved", _("approved by a moderator")
        UNAPPROVED = "unapproved", _("approval withdrawn")
        PUBLISHED = "published", _("published: public copy made")
        UNPUBLISHED = "unpublished", _("unpublished: public copy removed")
        MOVED = "moved", _("moved to another case")
        EXPORTED = "exported", _("exported")

    photo = models.ForeignKey(
        "cases.Photo",
        on_delete=models.CASCADE,
        related_name="file_events",
        verbose_name=_("photo"),
    )
    action = models.CharField(_("what happened"), max_length=12, choices=Action)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("file event")
        verbose_name_plural = _("file events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["photo", "at"])]

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"
