"""Workflows that span several models, each in one transaction: publish, unpublish, and more."""

from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from . import codes, evidence
from .models import (
    Case,
    CaseMerge,
    Citation,
    Consent,
    Name,
    Photo,
    Report,
    Situation,
    Source,
)
from .publicity import public_data_changed, public_timestamp
from .wgeid import fill_from_report, fold_into
from .wgeid_models import FamilyStep, WgeidAnswers


def publication_checklist(case: Case, *, has_citation: bool | None = None) -> list[tuple[str, str]]:
    """What this case still needs before it may be published, as (field, problem) pairs.

    The field names where staff fix it, so the workspace can put each problem beside its field.
    `has_citation` lets the workspace count citations typed but not saved yet.
    """
    if has_citation is None:
        has_citation = case.pk is not None and case.citations.exists()
    problems = []
    if not case.consent_allows_publication:
        problems.append(("consent", _("The family has not consented to publication.")))
    if not case.display_name.strip():
        problems.append(("display_name", _("The case has no public display name.")))
    if not has_citation and not case.verification_reason.strip():
        problems.append(
            (
                "verification_reason",
                _("The case needs a citation or a reason for its verification level."),
            )
        )
    if case.situation in Situation.needing_citation() and not has_citation:
        problems.append(
            (
                "situation",
                _("“%(situation)s” may only be published with a citation.")
                % {"situation": case.get_situation_display()},
            )
        )
    return problems


def publication_problems(case: Case) -> list[str]:
    """Why this case may not be published yet; an empty list means it may."""
    return [problem for _field, problem in publication_checklist(case)]


def _new_reference() -> str:
    """Random rather than sequential, so references reveal nothing of unpublished cases."""
    while True:
        reference = codes.random_code(codes.REFERENCE_LENGTH)
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
            case.published_at = public_timestamp()
        case.status = Case.Status.PUBLISHED
        case.hidden_reason = ""
        case.save()
        reconcile_public_photos(case_ids=[case.pk], written=written, by=by)
        for report in case.reports.filter(state=Report.State.NEW):
            mark_report(report=report, state=Report.State.REVIEWED, by=None)
    return case


def photos_kept_off(case: Case) -> list[tuple[Photo, str]]:
    """The case's photos that its public page does not show, each with the reason why."""
    kept_off = []
    public = set(Photo.objects.public().filter(case=case).values_list("pk", flat=True))
    for photo in case.photos.all():
        if photo.pk in public:
            continue
        if not case.photo_consent:
            reason = _("the family did not consent to publishing photos")
        elif not photo.approved:
            reason = _("not approved by a moderator")
        else:
            reason = _("the case is not published")
        kept_off.append((photo, reason))
    return kept_off


def unpublish_case(
    *, case: Case, by, status: str = Case.Status.IN_REVIEW, reason: str = ""
) -> Case:
    """Take a case off the public site at once, public photo copies included."""
    if status == Case.Status.PUBLISHED:
        raise ValueError("unpublish_case needs a non-public status")
    if status == Case.Status.HIDDEN and not reason.strip():
        raise ValidationError(_("Say why the case is hidden."))
    require_permission(by, "cases.publish_case")
    return _take_off_public_site(case=case, status=status, reason=reason, by=by)


def _take_off_public_site(*, case: Case, status: str, reason: str, by) -> Case:
    """Unpublish without asking for a role: `by` is recorded in the photos' trails."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        case.status = status
        case.hidden_reason = reason if status == Case.Status.HIDDEN else ""
        case.save()
        reconcile_public_photos(case_ids=[case.pk], written=[], by=by)
    return case


def reconcile_public_photos(*, case_ids, written: list, by=None) -> None:
    """Make public storage hold exactly the photos of these cases that may be public.

    Every service that changes a case's status or consent, a photo's approval, or which case a
    photo belongs to calls this for every case it touched (for a move: both). Which photos may
    be public is `Photo.objects.public()`, and only that.

    Copies are recorded in `written` so a failed transaction removes them; removals wait for
    the commit, so a rollback never leaves a public row pointing at a missing file. Each copy
    made or removed goes into the photo's trail, as done by `by` (None: the system).
    """
    public = storages["default"]
    photos = Photo.objects.filter(case_id__in=[pk for pk in case_ids if pk is not None])
    wanted = set(photos.public().values_list("pk", flat=True))
    copied, removed = [], []
    for photo in photos.select_for_update():
        if photo.pk in wanted and not photo.public_name:
            photo.public_name = _copy_to_public(photo, public)
            written.append((public, photo.public_name))
            photo.save(update_fields=["public_name"])
            copied.append(photo)
        elif photo.pk not in wanted and photo.public_name:
            name, photo.public_name = photo.public_name, ""
            photo.save(update_fields=["public_name"])
            transaction.on_commit(lambda name=name: public.delete(name))
            removed.append(photo)
    evidence.record_file_events(copied, evidence.Action.PUBLISHED, by)
    evidence.record_file_events(removed, evidence.Action.UNPUBLISHED, by)


def _copy_to_public(photo: Photo, public: Storage) -> str:
    """A fresh random name each time, so a public URL says nothing about the private file."""
    with photo.image.open("rb") as private_file:
        return public.save(f"photos/{codes.file_token()}.jpg", ContentFile(private_file.read()))


@sensitive_variables()
def submit_report(
    *,
    person: dict,
    spellings: list[str],
    report: dict,
    photos: list,
    language: str,
    taken_by=None,
    wgeid: dict | None = None,
) -> tuple[Report, str]:
    """Store a relative's report as a new draft case; returns the report and its receipt code.

    The case, names, report, photos and the answers for the WGEID (`wgeid`, fields of
    WgeidAnswers; only when the relative gave any) are stored together or not at all.
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
        if wgeid:
            WgeidAnswers.objects.create(report=new_report, **wgeid)
            fill_from_report(case=case, report=new_report)
        channel = Photo.Channel.OFFICE if taken_by else Photo.Channel.ONLINE
        store_photos(
            report=new_report, photos=photos, written=written, channel=channel, by=taken_by
        )
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
        store_photos(report=report, photos=photos, written=written, channel=Photo.Channel.ADDITION)
    return report


def store_photos(*, report: Report, photos: list, written: list, channel: str, by=None) -> None:
    """Write sanitized photos to private storage under random names; never the upload itself.

    Each keeps the fingerprints of both files and starts its trail (cases/evidence.py).
    """
    stored = []
    for sanitized, kind, description in photos:
        photo = Photo(
            case=report.case,
            report=report,
            kind=kind,
            alt_text=description,
            width=sanitized.width,
            height=sanitized.height,
            sha256=sanitized.sha256,
            original_sha256=sanitized.original_sha256,
            original_lookup=evidence.original_lookup(sanitized.original_sha256),
            channel=channel,
        )
        for field, data in ((photo.image, sanitized.image), (photo.thumbnail, sanitized.thumbnail)):
            field.save(f"{codes.file_token()}{sanitized.extension}", ContentFile(data), save=False)
            written.append((field.storage, field.name))
        photo.save()
        stored.append(photo)
    evidence.record_received(stored, by)


def send_for_review(*, case: Case, by) -> Case:
    """A moderator hands a draft to the editors."""
    require_permission(by, "cases.change_case")
    if case.is_published:
        raise ValidationError(_("The case is already published."))
    case.status = Case.Status.IN_REVIEW
    case.save(update_fields=["status", "updated_at"])  # through save(), so history records it
    return case


def after_case_edit(*, case: Case, by=None) -> str | None:
    """Keep the public site true to an edit: lowered consent unpublishes at once.

    Returns a message for staff when the edit took the case off the public site.
    """
    case.refresh_from_db()
    if case.is_published and not case.consent_allows_publication:
        # Anyone who may edit may lower consent, and the family's word wins over roles: no
        # role is asked for, but who lowered it is in the photos' trails.
        _take_off_public_site(case=case, status=Case.Status.IN_REVIEW, reason="", by=by)
        return _("Consent no longer allows publication: the case was unpublished at once.")
    with removing_files_on_failure() as written, transaction.atomic():
        reconcile_public_photos(case_ids=[case.pk], written=written, by=by)
    return None


def mark_report(*, report: Report, state: str, by) -> Report:
    require_permission(by, "cases.change_report")
    report.state = state
    report.save(update_fields=["state", "updated_at"])  # through save(), so history records it
    return report


def save_report_edit(*, report: Report, by) -> Report:
    """Save staff's edit of a report (a redaction, its relationship, the case it belongs to).

    A report moved to another case goes through attach_report, so that its photos and the
    case's consent follow; `report` carries the edit, the database still the stored case.
    """
    require_permission(by, "cases.change_report")
    with transaction.atomic():
        stored_case_id = Report.objects.filter(pk=report.pk).values_list("case_id", flat=True).get()
        new_case = report.case
        moves = new_case is not None and new_case.pk != stored_case_id
        if moves:
            report.case_id = stored_case_id
        report.save()
        if moves:
            attach_report(report=report, case=new_case, by=by)
    return report


def attach_report(*, report: Report, case: Case, by) -> Report:
    """Move a report to an existing case; its photos follow it."""
    require_permission(by, "cases.change_report")
    with removing_files_on_failure() as written, transaction.atomic():
        old_case_id = report.case_id
        report.case = case
        report.save(update_fields=["case", "updated_at"])
        _move_photos(report.photos.all(), to=case, by=by)
        # Its photos no longer support the claims of the case the report left.
        evidence.unlink_claims_elsewhere(report.photos.values_list("pk", flat=True))
        FamilyStep.objects.filter(report=report).update(case=case)  # they follow their report
        fill_from_report(case=case, report=report)
        restrict_consent(
            case=case, consent=report.consent, photo_consent=report.photo_consent, by=by
        )
        reconcile_public_photos(case_ids=[old_case_id, case.pk], written=written, by=by)
    return report


def _move_photos(photos, *, to: Case, by) -> int:
    """Move photos to another case in one UPDATE; the caller reconciles both cases' photos.

    A public photo that moves changes what both cases' pages show. Each move is in the trail.
    """
    moved_public = photos.exclude(public_name="").exists()
    moving = list(photos.exclude(case=to).values_list("pk", "case_id"))
    count = photos.update(case=to)
    if moved_public:
        public_data_changed(case_ids=[to.pk])
    for pk, old_case_id in moving:
        evidence.record_file_event(pk, evidence.Action.MOVED, by, note=f"#{old_case_id} → #{to.pk}")
    return count


def restrict_consent(*, case: Case, consent: str, photo_consent: bool, by=None) -> None:
    """A case with several reports may be published only as far as every report allows."""
    case.refresh_from_db()
    lowest = Consent.most_restrictive(case.consent, consent)
    photos_allowed = case.photo_consent and photo_consent
    if (lowest, photos_allowed) != (case.consent, case.photo_consent):
        case.consent, case.photo_consent = lowest, photos_allowed
        case.save(update_fields=["consent", "photo_consent", "updated_at"])
    after_case_edit(case=case, by=by)


def merge_cases(*, kept: Case, duplicate: Case, by) -> CaseMerge:
    """Fold a duplicate case into the kept one, in one transaction, and record who did it."""
    require_permission(by, "cases.merge_case")
    if kept.pk == duplicate.pk:
        raise ValidationError(_("A case cannot be merged into itself."))
    with removing_files_on_failure() as written, transaction.atomic():
        kept = Case.objects.select_for_update().get(pk=kept.pk)
        duplicate = Case.objects.select_for_update().get(pk=duplicate.pk)
        if duplicate.is_published:
            unpublish_case(case=duplicate, by=None)
        moved = {
            "reports": duplicate.reports.update(case=kept),
            "names": duplicate.names.update(case=kept),
            "photos": _move_photos(duplicate.photos.all(), to=kept, by=by),
            "citations": duplicate.citations.update(case=kept),
            "events": duplicate.events.update(case=kept),
            "family_steps": duplicate.family_steps.count(),
        }
        if kept.is_published and any(moved[key] for key in ("names", "citations", "events")):
            # Moved by UPDATE, which no signal sees: the kept case's page shows them now.
            public_data_changed(case_ids=[kept.pk])
        record = CaseMerge.objects.create(
            kept=kept,
            merged_case_id=duplicate.pk,
            merged_label=str(duplicate)[:300],
            moved=moved,
            merged_by=by,
        )
        fold_into(kept=kept, duplicate=duplicate)
        duplicate.delete()
        restrict_consent(
            case=kept, consent=duplicate.consent, photo_consent=duplicate.photo_consent, by=by
        )
        reconcile_public_photos(case_ids=[kept.pk], written=written, by=by)
    return record


def set_photo_approval(*, photos, approved: bool, by) -> int:
    """A moderator approves photos, or withdraws approval; public copies follow at once."""
    require_permission(by, "cases.change_photo")
    with removing_files_on_failure() as written, transaction.atomic():
        photos = list(Photo.objects.filter(pk__in=[photo.pk for photo in photos]))
        changed = [photo for photo in photos if photo.approved != approved]
        for photo in changed:
            photo.approved = approved
            photo.save(update_fields=["approved"])  # through save(), so history records it
        action = evidence.Action.APPROVED if approved else evidence.Action.UNAPPROVED
        evidence.record_file_events(changed, action, by)
        reconcile_public_photos(
            case_ids={photo.case_id for photo in photos}, written=written, by=by
        )
    return len(photos)


def save_photo_edit(*, photo: Photo, by) -> Photo:
    """Save staff's edit of a photo (its case, kind, description or approval).

    A change of approval goes through set_photo_approval, as the admin's actions do; a photo
    moved to another case leaves the old case's page and may join the new one's.
    """
    require_permission(by, "cases.change_photo")
    with removing_files_on_failure() as written, transaction.atomic():
        stored = Photo.objects.select_for_update().values("case_id", "approved").get(pk=photo.pk)
        approved, photo.approved = photo.approved, stored["approved"]
        photo.save()
        if stored["case_id"] != photo.case_id:
            note = f"#{stored['case_id']} → #{photo.case_id}"
            evidence.record_file_event(photo, evidence.Action.MOVED, by, note=note)
            evidence.unlink_claims_elsewhere([photo.pk])
        if approved != stored["approved"]:
            set_photo_approval(photos=[photo], approved=approved, by=by)
            photo.approved = approved
        reconcile_public_photos(case_ids=[stored["case_id"], photo.case_id], written=written, by=by)
    return photo


def add_source(*, by, **fields) -> Source:
    """A source staff describe where they cite it, without leaving the case."""
    require_permission(by, "cases.add_source")
    source = Source(**fields)
    source.full_clean()
    source.save()
    return source


def cite_office_testimony(*, case: Case, recorded_on, claim: str, by) -> Citation:
    """Cite the office's own record of a testimony: one source a day, reused by every case."""
    require_permission(by, "cases.add_citation")
    with transaction.atomic():
        source = Source.objects.filter(
            kind=Source.Kind.TESTIMONY, published_date=recorded_on
        ).first() or add_source(
            by=by,
            kind=Source.Kind.TESTIMONY,
            title=_("Testimony recorded at the office on %(date)s")
            % {"date": date_format(recorded_on)},
            publisher=str(settings.SITE_NAME),
            published_date=recorded_on,
        )
        citation, _created = Citation.objects.get_or_create(
            case=case, source=source, defaults={"claim": claim}
        )
    return citation
