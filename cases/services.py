"""Workflows that span several models, each in one transaction: publish, unpublish, and more."""

import secrets
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from .models import CODE_ALPHABET, Case, Name, Photo, Report, Situation, random_code

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


def publish_case(*, case: Case) -> Case:
    """Publish a case and copy its approved, consented photos to public storage."""
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


def unpublish_case(*, case: Case, status: str = Case.Status.IN_REVIEW, reason: str = "") -> Case:
    """Take a case off the public site at once, public photo copies included."""
    if status == Case.Status.PUBLISHED:
        raise ValueError("unpublish_case needs a non-public status")
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
    *, person: dict, spellings: list[str], report: dict, photos: list, language: str
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
        new_report = Report(case=case, language=language, **report)
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
