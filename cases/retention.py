"""Retention: spam goes after SPAM_RETENTION_DAYS; relatives' contact details go once a report
has been closed for CONTACT_RETENTION_DAYS; staff login records (who, when, from which address)
after LOGIN_LOG_RETENTION_DAYS. `manage.py purge` runs it daily from a timer.

Ages count from the last change (a report's `updated_at`, and its case's), not from submission:
a report marked spam yesterday gets the full period for staff to undo a mistake, and a case
still being worked on keeps the way to reach the family.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Case, Photo, Report

CONTACT_FIELDS = ("submitter_name", "submitter_phone", "submitter_email", "submitter_messenger")


@dataclass(frozen=True)
class PurgeSummary:
    spam_reports: int
    photos: int
    files: int
    contacts_blanked: int
    login_records: int
    dry_run: bool


def retention_days(name: str) -> int:
    """A retention period from settings, where its default lives (advocacy/settings.py)."""
    days = getattr(settings, name)
    if not isinstance(days, int) or days < 0:
        raise ImproperlyConfigured(f"{name} must be a whole number of days, not {days!r}")
    return days


def expired_spam(*, now: datetime) -> QuerySet[Report]:
    """Spam unchanged for SPAM_RETENTION_DAYS."""
    cutoff = now - timedelta(days=retention_days("SPAM_RETENTION_DAYS"))
    return Report.objects.filter(state=Report.State.SPAM, updated_at__lt=cutoff)


def expired_contacts(*, now: datetime) -> QuerySet[Report]:
    """Closed reports, unchanged for CONTACT_RETENTION_DAYS, that still hold contacts.

    Closed: spam, or reviewed with its case published or hidden (and the case unchanged too).
    """
    cutoff = now - timedelta(days=retention_days("CONTACT_RETENTION_DAYS"))
    closed_case = Q(
        state=Report.State.REVIEWED,
        case__status__in=[Case.Status.PUBLISHED, Case.Status.HIDDEN],
        case__updated_at__lt=cutoff,
    )
    holds_contact = Q()
    for name in CONTACT_FIELDS:
        holds_contact |= ~Q(**{name: ""})
    return Report.objects.filter(
        closed_case | Q(state=Report.State.SPAM), holds_contact, updated_at__lt=cutoff
    )


def expired_login_records(*, now: datetime) -> list[QuerySet]:
    """django-axes' records of staff logins and failed attempts older than the retention.

    They hold usernames and addresses, which help to look into a break-in for a while and then
    only tell whoever seizes a backup where the staff work from. Lockout counters (AccessAttempt)
    are left to axes: they expire with the cool-off.
    """
    cutoff = now - timedelta(days=retention_days("LOGIN_LOG_RETENTION_DAYS"))
    return [
        model.objects.filter(attempt_time__lt=cutoff) for model in (AccessLog, AccessFailureLog)
    ]


def purge(*, now: datetime | None = None, dry_run: bool = False) -> PurgeSummary:
    """Delete expired spam with its photos, and blank contact details of long-closed reports."""
    now = now or timezone.now()
    with transaction.atomic():
        spam = list(expired_spam(now=now).select_for_update().values_list("pk", flat=True))
        photos = list(Photo.objects.filter(report__in=spam).select_for_update())
        files = photo_files(photos)
        contacts = expired_contacts(now=now).exclude(pk__in=spam)
        contact_count = contacts.count()
        logins = expired_login_records(now=now)
        login_count = sum(records.count() for records in logins)
        if not dry_run:
            delete_reports(report_ids=spam, photos=photos, files=files)
            contacts.update(**dict.fromkeys(CONTACT_FIELDS, ""), lookup_hashes="")
            for records in logins:
                records.delete()
    return PurgeSummary(
        spam_reports=len(spam),
        photos=len(photos),
        files=len(files),
        contacts_blanked=contact_count,
        login_records=login_count,
        dry_run=dry_run,
    )


def photo_files(photos: list[Photo]) -> list[tuple]:
    """Every stored file of these photos: image and thumbnail, and the public copy if any."""
    files = []
    for photo in photos:
        files += [(field.storage, field.name) for field in (photo.image, photo.thumbnail) if field]
        if photo.public_name:
            files.append((storages["default"], photo.public_name))
    return files


def delete_reports(*, report_ids: list[int], photos: list[Photo], files: list[tuple]) -> None:
    """Rows and their history go now; files once the deletion is committed.

    History goes too: a purged report must not live on in the audit tables (report history
    never held contacts or narratives, but photo history holds descriptions and file names).
    The draft case the report created stays: staff decide about cases.
    """
    photo_ids = [photo.pk for photo in photos]
    Photo.objects.filter(pk__in=photo_ids).delete()
    Report.objects.filter(pk__in=report_ids).delete()
    Photo.history.filter(id__in=photo_ids).delete()
    Report.history.filter(id__in=report_ids).delete()

    def delete_files():
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(delete_files)
