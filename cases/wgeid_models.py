"""What the UN Working Group on Enforced or Involuntary Disappearances (WGEID) asks of a case.

Private to the office: no public page, feed, sitemap, search or open-data file reads these
models. Every free text is encrypted at rest (cases/fields.py); choices and dates are not.
"""

import calendar
from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .dates import Precision, format_fuzzy_date
from .fields import EncryptedCharField, EncryptedTextField

# The WGEID's urgent action procedure takes disappearances of the last three months.
URGENT_MONTHS = 3


class Answer(models.TextChoices):
    UNKNOWN = "unknown", _("not asked yet")
    YES = "yes", _("yes")
    NO = "no", _("no")

    @classmethod
    def most_restrictive(cls, *answers):
        """A "no" from anyone in the family wins over a "yes"; an answer over none."""
        if cls.NO in answers:
            return cls.NO
        return cls.YES if cls.YES in answers else cls.UNKNOWN


class DisappearanceKind(models.TextChoices):
    UNKNOWN = "unknown", _("not known")
    ARRESTED = "arrested", _("arrested or taken away")
    LAST_SEEN = "last_seen", _("last seen (contact lost)")


class Responsible(models.TextChoices):
    UNKNOWN = "unknown", _("not known")
    POLICE = "police", _("police")
    STATE_SECURITY = "state_security", _("state security")
    FACILITY = "facility", _("a named facility (camp, prison, detention centre)")
    OTHER = "other", _("other")


class WgeidFields(models.Model):
    """What a relative may know, asked on the report form and kept by staff on the case."""

    id_card_number = EncryptedCharField(_("ID card number"), max_length=64, blank=True)
    passport_number = EncryptedCharField(_("passport number"), max_length=64, blank=True)
    nationality = EncryptedCharField(_("nationality or citizenship"), max_length=200, blank=True)
    occupation = EncryptedCharField(_("occupation"), max_length=200, blank=True)
    disappearance_kind = models.CharField(
        _("arrest or last sighting"),
        max_length=12,
        choices=DisappearanceKind,
        default=DisappearanceKind.UNKNOWN,
    )
    disappearance_date = models.DateField(
        _("date of the arrest or last sighting"), null=True, blank=True
    )
    disappearance_date_precision = models.CharField(
        _("precision of that date"), max_length=12, choices=Precision, default=Precision.DAY
    )
    disappearance_place = EncryptedCharField(
        _("place of the arrest or last sighting"), max_length=300, blank=True
    )
    responsible = models.CharField(
        _("believed responsible"), max_length=16, choices=Responsible, default=Responsible.UNKNOWN
    )
    responsible_name = EncryptedCharField(
        _("name of the office, unit or facility"), max_length=300, blank=True
    )
    responsible_basis = EncryptedTextField(_("why they are believed responsible"), blank=True)
    consent_submission = models.CharField(
        _("the family consents to the submission to the WGEID"),
        max_length=8,
        choices=Answer,
        default=Answer.UNKNOWN,
    )
    consent_named = models.CharField(
        _("the family consents to being named to the government"),
        max_length=8,
        choices=Answer,
        default=Answer.UNKNOWN,
    )

    class Meta:
        abstract = True

    @property
    def disappeared(self) -> str:
        return format_fuzzy_date(self.disappearance_date, self.disappearance_date_precision)


# Fields of the record that may identify a person: never copied into its history, so that a
# correction or a removal really removes (as for Report.PRIVATE_FIELDS).
IDENTIFYING_FIELDS = [
    "full_name",
    "id_card_number",
    "passport_number",
    "submitter_name",
    "submitter_contact",
]


def relationship_choices():
    """A report's relationships (read when needed: cases/models.py imports this module)."""
    from .models import Report

    return Report.Relationship.choices


class WgeidRecord(WgeidFields):
    """The WGEID elements of one case, as staff complete them (prefilled from its reports)."""

    class Urgency(models.TextChoices):
        AUTO = "auto", _("from the date (under three months: urgent)")
        URGENT = "urgent", _("urgent (set by staff)")
        NOT_URGENT = "not_urgent", _("not urgent (set by staff)")

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="wgeid", verbose_name=_("case")
    )
    full_name = EncryptedCharField(
        _("full name, as in documents"),
        max_length=300,
        blank=True,
        help_text=_("Empty: the case's names are used."),
    )
    submitter_name = EncryptedCharField(
        _("submitter for the WGEID"),
        max_length=300,
        blank=True,
        help_text=_("The relative or organisation that submits the case."),
    )
    submitter_relationship = models.CharField(
        _("submitter's relationship to the person"),
        max_length=12,
        choices=relationship_choices,
        blank=True,
    )
    submitter_contact = EncryptedTextField(_("submitter's address and contact"), blank=True)
    submitter_confidential = models.BooleanField(
        _("keep the submitter's identity confidential"),
        default=True,
        help_text=_(
            "The WGEID does not pass a confidential submitter's identity to the government."
        ),
    )
    urgency = models.CharField(
        _("urgent action"),
        max_length=12,
        choices=Urgency,
        default=Urgency.AUTO,
        help_text=_(
            "The WGEID treats disappearances of the last three months as urgent. Left on "
            "“from the date”, a case is urgent while the latest day its date may mean is less "
            "than three months ago."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=IDENTIFYING_FIELDS)

    class Meta:
        verbose_name = _("WGEID record")
        verbose_name_plural = _("WGEID records")

    def __str__(self):
        return _("WGEID record of case #%(pk)s") % {"pk": self.case_id}

    def is_urgent(self, today: date | None = None) -> bool:
        if self.urgency != self.Urgency.AUTO:
            return self.urgency == self.Urgency.URGENT
        return self.recent_by_date(today)

    def recent_by_date(self, today: date | None = None) -> bool:
        """Under three months since the arrest or last sighting, read generously: "March 2026"
        counts from 31 March, "2026" from 31 December, so a case is never missed as urgent."""
        if self.disappearance_date is None:
            return False
        today = today or timezone.localdate()
        latest = latest_day(self.disappearance_date, self.disappearance_date_precision)
        return latest >= months_before(today, URGENT_MONTHS)


def latest_day(value: date, precision: str) -> date:
    """The last day a date known at this precision may mean."""
    if precision == Precision.DAY:
        return value
    if precision == Precision.MONTH:
        return value.replace(day=calendar.monthrange(value.year, value.month)[1])
    return date(value.year, 12, 31)


def months_before(today: date, months: int) -> date:
    month_index = today.year * 12 + today.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


class FamilyStep(models.Model):
    """One step the family took to find the person: an inquiry, a petition, a letter, a visit."""

    class Kind(models.TextChoices):
        INQUIRY = "inquiry", _("inquiry")
        PETITION = "petition", _("petition")
        LETTER = "letter", _("letter")
        VISIT = "visit", _("visit")
        OTHER = "other", _("other")

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="family_steps",
        verbose_name=_("case"),
    )
    report = models.ForeignKey(
        "cases.Report",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="family_steps",
        verbose_name=_("told in report"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.OTHER)
    date = models.DateField(_("date"), null=True, blank=True)
    date_precision = models.CharField(
        _("date precision"), max_length=12, choices=Precision, default=Precision.DAY
    )
    addressed_to = EncryptedCharField(_("to whom"), max_length=300, blank=True)
    request = EncryptedTextField(_("what was asked"), blank=True)
    answer = EncryptedTextField(_("the answer"), blank=True)
    answer_date = models.DateField(_("date of the answer"), null=True, blank=True)
    answer_date_precision = models.CharField(
        _("precision of the answer's date"),
        max_length=12,
        choices=Precision,
        default=Precision.DAY,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("step taken by the family")
        verbose_name_plural = _("steps taken by the family")
        ordering = [models.F("date").asc(nulls_last=True), "id"]

    def __str__(self):
        return self.get_kind_display()


class WgeidAnswers(WgeidFields):
    """What the relative answered on the report form: kept as they gave it, like the narrative."""

    report = models.OneToOneField(
        "cases.Report",
        on_delete=models.CASCADE,
        related_name="wgeid_answers",
        verbose_name=_("report"),
    )
    family_steps = EncryptedTextField(_("what the family has done"), blank=True)

    class Meta:
        verbose_name = _("answers for the WGEID")
        verbose_name_plural = _("answers for the WGEID")

    def __str__(self):
        return _("answers for the WGEID of report #%(pk)s") % {"pk": self.report_id}
