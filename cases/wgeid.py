"""The WGEID elements of a case, for staff: as (label, value) pairs for a dossier, as a CSV row,
and prefilled from relatives' reports without overwriting what staff entered.

Nothing here is public: no public page, feed, sitemap, search or open-data file calls it.
For many cases, `select_related("wgeid")` and `prefetch_related("names", "family_steps")` let
wgeid_elements and wgeid_csv_row run without a query per case.
"""

from django.db.models import Model
from django.utils.translation import gettext as _

from .dates import format_fuzzy_date
from .exports import fuzzy_iso
from .models import Case, Name, Report
from .wgeid_models import Answer, FamilyStep, WgeidAnswers, WgeidFields, WgeidRecord

EMPTY = "—"

# Fields a relative's answers share with the case's record (cases/wgeid_models.WgeidFields).
SHARED_FIELDS = [field.name for field in WgeidFields._meta.get_fields()]
CONSENT_FIELDS = ["consent_submission", "consent_named"]
DATE_PAIRS = {"disappearance_date": "disappearance_date_precision"}


def record_of(case: Case) -> WgeidRecord:
    """The case's record, or an unsaved empty one: every case has WGEID elements to show."""
    try:
        return case.wgeid
    except WgeidRecord.DoesNotExist:
        return WgeidRecord(case=case)


def full_name(case: Case, record: WgeidRecord) -> str:
    """As in documents if staff wrote it; otherwise the legal spellings the family gave."""
    if record.full_name.strip():
        return record.full_name
    names = list(case.names.all())
    legal = [name.text for name in names if name.kind == Name.Kind.LEGAL] or [
        name.text for name in names
    ]
    return " / ".join(legal)


def step_text(step: FamilyStep) -> str:
    """One step in a line: when, what, to whom, what was asked, and the answer."""
    parts = [step.get_kind_display()]
    when = format_fuzzy_date(step.date, step.date_precision)
    if when:
        parts.insert(0, when)
    if step.addressed_to:
        parts.append(_("to %(whom)s") % {"whom": step.addressed_to})
    if step.request:
        parts.append(step.request)
    answered = format_fuzzy_date(step.answer_date, step.answer_date_precision)
    if step.answer or answered:
        answer = step.answer or EMPTY
        parts.append(
            _("answer (%(date)s): %(answer)s") % {"date": answered, "answer": answer}
            if answered
            else _("answer: %(answer)s") % {"answer": answer}
        )
    return " · ".join(parts)


def family_steps(case: Case) -> list[FamilyStep]:
    return list(case.family_steps.all()) if case.pk else []


def urgency_text(record: WgeidRecord) -> str:
    urgent = record.is_urgent()
    if record.urgency != WgeidRecord.Urgency.AUTO:
        return _("yes (set by staff)") if urgent else _("no (set by staff)")
    if urgent:
        return _("yes: under three months since the arrest or last sighting")
    return _("no")


def responsible_text(record: WgeidRecord) -> str:
    shown = record.get_responsible_display()
    return f"{shown}: {record.responsible_name}" if record.responsible_name else shown


def wgeid_elements(case: Case) -> list[tuple[str, str]]:
    """Every WGEID element of the case, in the order of the WGEID's form, labels and values
    in the active language. An element not known is "—"."""
    record = record_of(case)
    steps = family_steps(case)
    hometown = ", ".join(
        part for part in (case.get_hometown_prefecture_display(), case.hometown_detail) if part
    )
    submitter = record.submitter_name
    if submitter and record.submitter_relationship:
        submitter = f"{submitter} ({record.get_submitter_relationship_display()})"
    elements = [
        (_("Full name, as in documents"), full_name(case, record)),
        (_("Sex"), case.get_sex_display()),
        (_("Date of birth"), format_fuzzy_date(case.birth_date, case.birth_date_precision)),
        (_("Ethnicity"), case.get_ethnicity_display()),
        (_("Nationality or citizenship"), record.nationality),
        (_("ID card number"), record.id_card_number),
        (_("Passport number"), record.passport_number),
        (_("Occupation"), record.occupation),
        (_("Hometown"), hometown),
        (_("Arrest or last sighting"), record.get_disappearance_kind_display()),
        (_("Date of the arrest or last sighting"), record.disappeared),
        (_("Place of the arrest or last sighting"), record.disappearance_place),
        (_("Believed responsible"), responsible_text(record)),
        (_("Why they are believed responsible"), record.responsible_basis),
        (_("Situation now"), case.get_situation_display()),
        (_("Steps taken by the family"), "\n".join(step_text(step) for step in steps)),
        (
            _("The family consents to the submission to the WGEID"),
            record.get_consent_submission_display(),
        ),
        (
            _("The family consents to being named to the government"),
            record.get_consent_named_display(),
        ),
        (_("Submitter for the WGEID"), submitter),
        (_("Submitter's address and contact"), record.submitter_contact),
        (
            _("Submitter's identity kept confidential"),
            _("yes") if record.submitter_confidential else _("no"),
        ),
        (_("Urgent action"), urgency_text(record)),
    ]
    return [(str(label), str(value).strip() or EMPTY) for label, value in elements]


# The columns of a CSV of WGEID fields, one row per case: codes and ISO dates, never translated.
WGEID_CSV_COLUMNS = [
    "case_id",
    "reference",
    "full_name",
    "sex",
    "birth_date",
    "ethnicity",
    "nationality",
    "id_card_number",
    "passport_number",
    "occupation",
    "hometown_prefecture",
    "hometown_detail",
    "disappearance_kind",
    "disappearance_date",
    "disappearance_date_precision",
    "disappearance_place",
    "responsible",
    "responsible_name",
    "responsible_basis",
    "situation",
    "family_steps",
    "consent_submission",
    "consent_named",
    "submitter_name",
    "submitter_relationship",
    "submitter_contact",
    "submitter_confidential",
    "urgent",
]


def step_cell(step: FamilyStep) -> str:
    """A step as plain text for a CSV cell: codes and ISO dates, fields apart by " · "."""
    parts = [
        fuzzy_iso(step.date, step.date_precision) or "",
        step.kind,
        step.addressed_to,
        step.request,
        fuzzy_iso(step.answer_date, step.answer_date_precision) or "",
        step.answer,
    ]
    return " · ".join(" ".join(part.split()) for part in parts)


def wgeid_csv_row(case: Case) -> list[str]:
    """The case's values for WGEID_CSV_COLUMNS, as plain text. Not escaped: the caller's CSV
    writer passes each cell through csv_cells.csv_cell, as every CSV the site writes does."""
    record = record_of(case)
    values = {
        "case_id": case.pk,
        "reference": case.reference or "",
        "full_name": full_name(case, record),
        "sex": case.sex,
        "birth_date": fuzzy_iso(case.birth_date, case.birth_date_precision) or "",
        "ethnicity": case.ethnicity,
        "hometown_prefecture": case.hometown_prefecture,
        "hometown_detail": case.hometown_detail,
        "disappearance_date": fuzzy_iso(
            record.disappearance_date, record.disappearance_date_precision
        )
        or "",
        "disappearance_date_precision": record.disappearance_date_precision
        if record.disappearance_date
        else "",
        "situation": case.situation,
        "family_steps": " | ".join(step_cell(step) for step in family_steps(case)),
        "submitter_confidential": "yes" if record.submitter_confidential else "no",
        "urgent": "yes" if record.is_urgent() else "no",
    }
    row = []
    for column in WGEID_CSV_COLUMNS:
        value = values[column] if column in values else getattr(record, column)
        row.append("" if value is None else str(value))
    return row


def blank(instance: Model, field: str) -> bool:
    """Whether staff have left this field as it starts: empty text, no date, "not known"."""
    value = getattr(instance, field)
    default = instance._meta.get_field(field).get_default()
    return value in ("", None) or value == default


def fill_blanks(record: WgeidRecord, source: WgeidFields) -> list[str]:
    """Copy what `source` knows into the fields of `record` that are still blank; a family's
    "no" to the submission or to being named lowers a "yes", as a refusal of publication does.
    Returns the names of the fields changed."""
    changed = []
    for field in SHARED_FIELDS:
        if field in DATE_PAIRS.values():
            continue
        theirs = getattr(source, field)
        if field in CONSENT_FIELDS:
            merged = Answer.most_restrictive(getattr(record, field), theirs)
            if merged != getattr(record, field):
                setattr(record, field, merged)
                changed.append(field)
        elif blank(record, field) and not blank(source, field):
            setattr(record, field, theirs)
            changed.append(field)
            if field in DATE_PAIRS:
                precision = DATE_PAIRS[field]
                setattr(record, precision, getattr(source, precision))
                changed.append(precision)
    return changed


def fill_submitter(record: WgeidRecord, report: Report) -> list[str]:
    """The relative as the submitter, if staff named none. Only for a relative who agreed to the
    submission: otherwise their contact details stay on the report alone, where retention blanks
    them once the report is closed."""
    changed = []
    if not record.submitter_name and report.submitter_name:
        record.submitter_name = report.submitter_name
        record.submitter_relationship = report.relationship
        changed += ["submitter_name", "submitter_relationship"]
    contact = "\n".join(
        value
        for value in (report.submitter_phone, report.submitter_email, report.submitter_messenger)
        if value
    )
    if not record.submitter_contact and contact:
        record.submitter_contact = contact
        changed.append("submitter_contact")
    return changed


def fill_from_report(*, case: Case, report: Report) -> WgeidRecord | None:
    """The case's record filled from what the report's relative answered, never overwriting
    what staff entered; their account of the family's steps becomes a step of its own.

    Called by the services that give a case a report (submit, attach), in their transaction.
    """
    answers = WgeidAnswers.objects.filter(report=report).first()
    if answers is None:
        return None
    record = WgeidRecord.objects.select_for_update().filter(case=case).first()
    record = record or WgeidRecord(case=case)
    changed = fill_blanks(record, answers)
    if answers.consent_submission == Answer.YES:
        changed += fill_submitter(record, report)
    if record.pk is None or changed:
        record.save()
    if answers.family_steps and not FamilyStep.objects.filter(report=report).exists():
        FamilyStep.objects.create(case=case, report=report, request=answers.family_steps)
    return record


def fold_into(*, kept: Case, duplicate: Case) -> None:
    """A merge: the duplicate's steps move to the kept case, and its record fills the kept
    record's blanks (consents the more restrictive). Call before the duplicate is deleted."""
    duplicate.family_steps.update(case=kept)
    theirs = WgeidRecord.objects.filter(case=duplicate).first()
    if theirs is None:
        return
    ours = WgeidRecord.objects.select_for_update().filter(case=kept).first()
    if ours is None:
        theirs.case = kept
        theirs.save()
        return
    fill_blanks(ours, theirs)
    if blank(ours, "submitter_name") and not blank(theirs, "submitter_name"):
        ours.submitter_name = theirs.submitter_name
        ours.submitter_relationship = theirs.submitter_relationship
    for field in ("full_name", "submitter_contact"):
        if blank(ours, field) and not blank(theirs, field):
            setattr(ours, field, getattr(theirs, field))
    # A submitter who asked for confidentiality keeps it, whichever case they were on.
    ours.submitter_confidential = ours.submitter_confidential or theirs.submitter_confidential
    ours.save()
