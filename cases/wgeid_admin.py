"""The WGEID elements in the admin: on a case's workspace, and a relative's answers on a report."""

from django.contrib import admin
from django.contrib.admin import widgets
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .fields import EncryptedCharField, EncryptedTextField
from .wgeid import urgency_text
from .wgeid_models import FamilyStep, WgeidAnswers, WgeidRecord

PRIVATE_FOR_THE_UN = _(
    "Private: never published, never in open data. Prefilled from the relatives' reports; what "
    "you enter here is never overwritten by a later report."
)
# Encrypted short fields are one-line inputs here too (the admin gives text columns a box), and
# the longer ones small boxes: the workspace holds many of them.
COMPACT = {
    EncryptedCharField: {"widget": widgets.AdminTextInputWidget},
    EncryptedTextField: {"widget": widgets.AdminTextareaWidget(attrs={"rows": 3})},
}


class WgeidRecordInline(admin.StackedInline):
    model = WgeidRecord
    extra = 1
    max_num = 1
    can_delete = False
    verbose_name = verbose_name_plural = _("For the UN Working Group (WGEID), private")
    formfield_overrides = COMPACT
    readonly_fields = ["urgent_now"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "full_name",
                    ("id_card_number", "passport_number"),
                    ("nationality", "occupation"),
                ],
                "description": PRIVATE_FOR_THE_UN,
            },
        ),
        (
            _("Arrest or last sighting"),
            {
                "fields": [
                    "disappearance_kind",
                    ("disappearance_date", "disappearance_date_precision"),
                    "disappearance_place",
                    ("responsible", "responsible_name"),
                    "responsible_basis",
                ]
            },
        ),
        (_("Consent of the family"), {"fields": ["consent_submission", "consent_named"]}),
        (
            _("Submitter"),
            {
                "fields": [
                    ("submitter_name", "submitter_relationship"),
                    "submitter_contact",
                    "submitter_confidential",
                ]
            },
        ),
        (_("Urgent action"), {"fields": [("urgency", "urgent_now")]}),
    ]

    @admin.display(description=_("urgent now"))
    def urgent_now(self, record):
        return urgency_text(record) if record.pk else "—"


class FamilyStepInline(admin.StackedInline):
    model = FamilyStep
    extra = 0
    verbose_name_plural = _("Steps taken by the family (private, for the WGEID)")
    formfield_overrides = COMPACT
    readonly_fields = ["report"]
    fields = [
        ("kind", "date", "date_precision"),
        "addressed_to",
        "request",
        ("answer_date", "answer_date_precision"),
        "answer",
        "report",
    ]


ANSWER_FIELDS = [
    "id_card_number",
    "passport_number",
    "nationality",
    "occupation",
    "disappearance_kind",
    "disappearance_place",
    "responsible",
    "responsible_name",
    "responsible_basis",
    "family_steps",
    "consent_submission",
    "consent_named",
]


def answers_given(report) -> str:
    """What the relative answered for the WGEID, as they gave it, as a definition list."""
    answers = WgeidAnswers.objects.filter(report=report).first() if report.pk else None
    if answers is None:
        return gettext("None given.")
    rows = []
    for name in ANSWER_FIELDS:
        field = WgeidAnswers._meta.get_field(name)
        value = (
            getattr(answers, f"get_{name}_display")() if field.choices else getattr(answers, name)
        )
        rows.append((field.verbose_name, value or "—"))
        if name == "disappearance_kind":
            rows.append((_("date of the arrest or last sighting"), answers.disappeared or "—"))
    return format_html(
        "<dl class='wgeid-answers'>{}</dl>",
        format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows),
    )


class WgeidAnswersOnReport:
    """What ReportAdmin adds: the relative's answers for the WGEID, read-only (staff correct
    the case's record instead, which these answers prefilled)."""

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "wgeid_answers_given"]

    def get_fieldsets(self, request, obj=None):
        section = (_("Answers for the WGEID (private)"), {"fields": ["wgeid_answers_given"]})
        return [*super().get_fieldsets(request, obj), section]

    @admin.display(description=_("answers"))
    def wgeid_answers_given(self, report):
        return answers_given(report)
