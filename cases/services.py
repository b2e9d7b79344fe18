"""Workflows that span several models, each in one transaction: publish, unpublish, and more."""

import secrets
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from .models import (
    CODE_ALPHABET,
    Case,
    CaseMerge,
    Consent,
    Name,
    Photo,
    Report,
    Situation,
    random_code,
)

REFERENCE_LENGTH = 8


def publication_problems(case: Case) -> list[str]:
    """Why this case may not be published yet; an empty list means it may."""
    problems = []
    if not case.consent_allows_publication:
        problems.append(_("The family has not consented to publication."))
    if not case.display_name.strip():
        problems.append(_("The case has no public display name."))
    has_citation = case.citations.exists()
    if not has_citation and not case.verification_reason.strip():
        problems.append(_("The case needs a citation or a reason for its verification level."))
    if case.situation in Situation.needing_citation() and not has_citation:
        problems.append(
            _("“%(situation)s” may only be published with a citation.")
            % {"situation": case.get_situation_display()}
        )
    return problems


def _new_reference() -> str:
    """Random rather than sequential, so references reveal nothing of unpublished cases."""
    while True:
        reference = random_code(REFERENCE_LENGTH)
        if not Case.objects.filter(reference=reference).exists():
            return reference


@contextmanager
def removing_files_on_failure():
    """Files written inside a failed transaction are deleted: nothing half-stored stays on disk."""
    written: list[tuple[Storage, str]] = []
    try:
        yield written
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise


def require_permission(user, permission: str) -> None:
    """Roles are enforced here, not only by hiding buttons.

    `user` None is the system itself (a management command run by the operator).
    """
    if user is not None and not user.has_perm(permission):
        raise PermissionDenied(_("Your role does not allow this."))


def publish_case(*, case: Case, by) -> Case:
    """Publish a case and copy its approved, consented photos to public storage."""
    require_permission(by, "cases.publish_case")
    with removing_files_on_failure() as written, transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        problems = publication_problems(case)
        if problems:
            raise ValidationError(problems)
        if not case.reference:
            case.reference = _new_reference()
        if not case.published_at:
            case.published_at = timezone.now()
        case.status = Case.Status.PUBLISHED
        case.hidden_reason = ""
        case.save()
        sync_public_photos(case=case, written=written)
    return case


def unpublish_case(
    *, case: Case, by, status: str = Case.Status.IN_REVIEW, reason: str = ""
) -> Case:
    """Take a case off the public site at once, public photo copies included."""
    if status == Case.Status.PUBLISHED:
        raise ValueError("unpublish_case needs a non-public status")
    if status == Case.Status.HIDDEN and not reason.strip():
        raise ValidationError(_("Say why the case is hidden."))
    require_permission(by, "cases.publish_case")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        case.status = status
        case.hidden_reason = reason if status == Case.Status.HIDDEN else ""
        case.save()
        sync_public_photos(case=case, written=[])
    return case


def photo_is_public(photo: Photo, case: Case) -> bool:
    return case.is_published and case.photo_consent and photo.approved


def sync_public_photos(*, case: Case, written: list) -> None:
    """Make public storage hold exactly the photos of this case that may be public.

    Copies are recorded in `written` so a failed transaction removes them;
    removals wait for the commit, so a rollback never leaves a public row
    pointing at a missing file.
    """
    public = storages["default"]
    for photo in case.photos.all():
        wanted = photo_is_public(photo, case)
        if wanted and not photo.public_name:
            photo.public_name = _copy_to_public(photo, public)
            written.append((public, photo.public_name))
            photo.save(update_fields=["public_name"])
        elif not wanted and photo.public_name:
            name, photo.public_name = photo.public_name, ""
            photo.save(update_fields=["public_name"])
            transaction.on_commit(lambda name=name: public.delete(name))


def _copy_to_public(photo: Photo, public: Storage) -> str:
    """A fresh random name each time, so a public URL says nothing about the private file."""
    token = "".join(secrets.choice(CODE_ALPHABET.lower()) for _ in range(26))
    with photo.image.open("rb") as private_file:
        return public.save(f"photos/{token}.jpg", ContentFile(private_file.read()))


@sensitive_variables()
def submit_report(
    *,
    person: dict,
    spellings: list[str],
    report: dict,
    photos: list,
    language: str,
    taken_by=None,
) -> tuple[Report, str]:
    """Store a relative's report as a new draft case; returns the report and its receipt code.

    The case, names, report and photos are stored together or not at all.
    """
    with removing_files_on_failure() as written, transaction.atomic():
        case = Case.objects.create(
            consent=report["consent"], photo_consent=report["photo_consent"], **person
        )
        for text in spellings:
            Name.objects.create(case=case, text=text)
        new_report = Report(case=case, language=language, taken_by=taken_by, **report)
        code = new_report.issue_receipt()
        new_report.save()
        store_photos(report=new_report, photos=photos, written=written)
    return new_report, code


@sensitive_variables()
def add_to_report(*, report: Report, narrative: str, photos: list) -> Report:
    """A relative adds text or photos to their report; staff see it as news to review."""
    with removing_files_on_failure() as written, transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.case is None:  # staff deleted the case; the relative's addition still counts
            report.case = Case.objects.create(
                consent=report.consent, photo_consent=report.photo_consent
            )
        if narrative:
            stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
            report.narrative = f"{report.narrative}\n\n[{stamp}]\n{narrative}".strip()
        if report.state == Report.State.REVIEWED:
            report.state = Report.State.NEW
        report.save()
        store_photos(report=report, photos=photos, written=written)
    return report


def store_photos(*, report: Report, photos: list, written: list) -> None:
    """Write sanitized photos to private storage under random names; never the upload itself."""
    for sanitized, kind, description in photos:
        photo = Photo(
            case=report.case,
            report=report,
            kind=kind,
            alt_text=description,
            width=sanitized.width,
            height=sanitized.height,
            sha256=sanitized.sha256,
        )
        for field, data in ((photo.image, sanitized.image), (photo.thumbnail, sanitized.thumbnail)):
            field.save(
                f"{random_code(26).lower()}{sanitized.extension}", ContentFile(data), save=False
            )
            written.append((field.storage, field.name))
        photo.save()


def send_for_review(*, case: Case, by) -> Case:
    """A moderator hands a draft to the editors."""
    require_permission(by, "cases.change_case")
    if case.is_published:
        raise ValidationError(_("The case is already published."))
    case.status = Case.Status.IN_REVIEW
    case.save(update_fields=["status", "updated_at"])  # through save(), so history records it
    return case


def after_case_edit(*, case: Case) -> str | None:
    """Keep the public site true to an edit: lowered consent unpublishes at once.

    Returns a message for staff when the edit took the case off the public site.
    """
    case.refresh_from_db()
    if not case.is_published:
        return None
    if not case.consent_allows_publication:
        # Anyone who may edit may lower consent, and the family's word wins over roles.
        unpublish_case(case=case, by=None)
        return _("Consent no longer allows publication: the case was unpublished at once.")
    with removing_files_on_failure() as written, transaction.atomic():
        sync_public_photos(case=case, written=written)
    return None


def mark_report(*, report: Report, state: str, by) -> Report:
    require_permission(by, "cases.change_report")
    report.state = state
    report.save(update_fields=["state", "updated_at"])  # through save(), so history records it
    return report


def attach_report(*, report: Report, case: Case, by) -> Report:
    """Move a report to an existing case; its photos follow it."""
    require_permission(by, "cases.change_report")
    with transaction.atomic():
        old_case = report.case
        report.case = case
        report.save(update_fields=["case", "updated_at"])
        report.photos.update(case=case)
        restrict_consent(case=case, consent=report.consent, photo_consent=report.photo_consent)
        if old_case is not None and old_case.pk != case.pk:
            after_case_edit(case=old_case)
    return report


def restrict_consent(*, case: Case, consent: str, photo_consent: bool) -> None:
    """A case with several reports may be published only as far as every report allows."""
    case.refresh_from_db()
    lowest = Consent.most_restrictive(case.consent, consent)
    photos_allowed = case.photo_consent and photo_consent
    if (lowest, photos_allowed) != (case.consent, case.photo_consent):
        case.consent, case.photo_consent = lowest, photos_allowed
        case.save(update_fields=["consent", "photo_consent", "updated_at"])
    after_case_edit(case=case)


def merge_cases(*, kept: Case, duplicate: Case, by) -> CaseMerge:
    """Fold a duplicate case into the kept one, in one transaction, and record who did it."""
    require_permission(by, "cases.merge_case")
    if kept.pk == duplicate.pk:
        raise ValidationError(_("A case cannot be merged into itself."))
    with transaction.atomic():
        kept = Case.objects.select_for_update().get(pk=kept.pk)
        duplicate = Case.objects.select_for_update().get(pk=duplicate.pk)
        if duplicate.is_published:
            unpublish_case(case=duplicate, by=None)
        moved = {
            "reports": duplicate.reports.update(case=kept),
            "names": duplicate.names.update(case=kept),
            "photos": duplicate.photos.update(case=kept),
            "citations": duplicate.citations.update(case=kept),
            "events": duplicate.events.update(case=kept),
        }
        record = CaseMerge.objects.create(
            kept=kept,
            merged_case_id=duplicate.pk,
            merged_label=str(duplicate)[:300],
            moved=moved,
            merged_by=by,
        )
        duplicate.delete()
        restrict_consent(
            case=kept, consent=duplicate.consent, photo_consent=duplicate.photo_consent
        )
    return record
