"""Retention: old spam goes with its photo files; long-closed reports lose their contact details."""

import io
from datetime import timedelta

import pytest
from axes.models import AccessFailureLog, AccessLog
from django.core.management import call_command
from django.utils import timezone

from cases.models import Case, Citation, Photo, Report
from cases.retention import CONTACT_FIELDS
from cases.services import publish_case, unpublish_case

from .factories import files_under, make_case, make_photo, make_report, make_source

pytestmark = pytest.mark.django_db

CONTACTS = {
    "submitter_name": "Example Relative",
    "submitter_phone": "+7 700 000 0001",
    "submitter_email": "relative@example.org",
    "submitter_messenger": "@relative",
}


def age(obj, days):
    """Pretend the row was last changed `days` ago (auto_now fields can only be set this way)."""
    type(obj).objects.filter(pk=obj.pk).update(updated_at=timezone.now() - timedelta(days=days))


def purge(*args, capture):
    out = io.StringIO()
    with capture(execute=True):  # photo files go when the deletion commits
        call_command("purge", *args, stdout=out)
    return out.getvalue()


def spam_with_public_photo(days):
    """A spam report whose photo was approved and made public before anyone noticed."""
    case = make_case(photo_consent=True)
    Citation.objects.create(case=case, source=make_source(), claim="Detained")
    report = make_report(case=case, state=Report.State.SPAM, **CONTACTS)
    photo = make_photo(case, report=report, approved=True)
    publish_case(case=case, by=None)
    photo.refresh_from_db()
    age(report, days)
    return report, photo


def test_spam_older_than_the_retention_is_deleted_with_all_its_files(
    settings, isolated_media, django_capture_on_commit_callbacks
):
    settings.SPAM_RETENTION_DAYS = 30
    public_root, private_root = isolated_media
    old, old_photo = spam_with_public_photo(days=31)
    recent, recent_photo = spam_with_public_photo(days=29)
    old_files = {old_photo.image.name, old_photo.thumbnail.name}

    output = purge(capture=django_capture_on_commit_callbacks)

    assert "Deleted 1 spam reports older than 30 days, with 1 photos (3 files)" in output
    assert not Report.objects.filter(pk=old.pk).exists()
    assert not Photo.objects.filter(pk=old_photo.pk).exists()
    assert old_files.isdisjoint(files_under(private_root))
    assert files_under(public_root) == [recent_photo.public_name]
    assert {recent_photo.image.name, recent_photo.thumbnail.name} <= set(files_under(private_root))
    assert Report.objects.filter(pk=recent.pk).exists()
    assert not Report.history.filter(id=old.pk).exists()
    assert not Photo.history.filter(id=old_photo.pk).exists()
    assert Case.objects.filter(pk=old.case_id).exists()  # staff decide about the case


def closed_report(*, case_status, report_days=200, case_days=200, state=Report.State.REVIEWED):
    case = make_case()
    Citation.objects.create(case=case, source=make_source(), claim="Detained")
    report = make_report(case=case, state=state, narrative="Kept: the testimony", **CONTACTS)
    if case_status != Case.Status.DRAFT:
        publish_case(case=case, by=None)
    if case_status == Case.Status.HIDDEN:
        unpublish_case(case=case, by=None, status=Case.Status.HIDDEN, reason="Family asked")
    # Publishing marks reports reviewed; a relative's addition makes one new again afterwards.
    Report.objects.filter(pk=report.pk).update(state=state)
    age(report, report_days)
    age(case, case_days)
    return report


def contacts_of(report):
    report.refresh_from_db()
    return {name: getattr(report, name) for name in CONTACT_FIELDS}


def test_contacts_of_long_closed_reports_are_blanked_and_others_untouched(
    settings, django_capture_on_commit_callbacks
):
    settings.CONTACT_RETENTION_DAYS = 180
    settings.SPAM_RETENTION_DAYS = 365
    published = closed_report(case_status=Case.Status.PUBLISHED)
    hidden = closed_report(case_status=Case.Status.HIDDEN)
    old_spam = closed_report(case_status=Case.Status.DRAFT, state=Report.State.SPAM)
    untouched = [
        closed_report(case_status=Case.Status.DRAFT),
        closed_report(case_status=Case.Status.PUBLISHED, state=Report.State.NEW),
        closed_report(case_status=Case.Status.PUBLISHED, report_days=170),
        closed_report(case_status=Case.Status.PUBLISHED, case_days=10),
    ]

    output = purge(capture=django_capture_on_commit_callbacks)

    assert "Blanked contact details of 3 reports closed for more than 180 days" in output
    for report in (published, hidden, old_spam):
        assert contacts_of(report) == dict.fromkeys(CONTACT_FIELDS, "")
        assert report.narrative == "Kept: the testimony"
        assert report.receipt_hash
    for report in untouched:
        assert contacts_of(report) == CONTACTS


def test_report_history_never_holds_contact_details():
    report = make_report(case=make_case(), **CONTACTS)
    report.state = Report.State.REVIEWED
    report.save()
    history = Report.history.model
    assert {f.name for f in history._meta.get_fields()}.isdisjoint(CONTACT_FIELDS)
    values = [str(v) for row in history.objects.values() for v in row.values()]
    assert not set(CONTACTS.values()) & set(values)


def test_dry_run_counts_but_changes_nothing(
    settings, isolated_media, django_capture_on_commit_callbacks
):
    settings.SPAM_RETENTION_DAYS = 30
    settings.CONTACT_RETENTION_DAYS = 180
    public_root, private_root = isolated_media
    spam, _photo = spam_with_public_photo(days=40)
    closed = closed_report(case_status=Case.Status.PUBLISHED)
    files_before = files_under(public_root), files_under(private_root)

    output = purge("--dry-run", capture=django_capture_on_commit_callbacks)

    assert "Would delete 1 spam reports older than 30 days, with 1 photos (3 files)" in output
    assert "Would blank contact details of 1 reports" in output
    assert Report.objects.filter(pk=spam.pk).exists()
    assert contacts_of(closed) == CONTACTS
    assert (files_under(public_root), files_under(private_root)) == files_before


def test_staff_login_records_older_than_the_retention_are_deleted(
    settings, django_capture_on_commit_callbacks
):
    settings.LOGIN_LOG_RETENTION_DAYS = 90
    old = timezone.now() - timedelta(days=91)
    for model in (AccessLog, AccessFailureLog):
        model.objects.create(username="moderator", ip_address="203.0.113.7", user_agent="x")
        model.objects.create(username="editor", ip_address="203.0.113.8", user_agent="x")
        model.objects.filter(username="moderator").update(attempt_time=old)

    dry = purge("--dry-run", capture=django_capture_on_commit_callbacks)
    assert "Would delete 2 staff login records older than 90 days" in dry
    assert AccessLog.objects.count() == AccessFailureLog.objects.count() == 2

    output = purge(capture=django_capture_on_commit_callbacks)
    assert "Deleted 2 staff login records older than 90 days" in output
    for model in (AccessLog, AccessFailureLog):
        assert list(model.objects.values_list("username", flat=True)) == ["editor"]
