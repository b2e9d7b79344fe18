"""Which photos are public is one rule, and public storage holds exactly those photos' copies,
whatever service or admin screen changed a case's status or consent, a photo's approval, or which
case a photo belongs to (DESIGN.md, privacy model 3)."""

import pytest
from django.contrib.auth.models import User

from cases.models import Case, Consent, Photo
from cases.services import (
    after_case_edit,
    attach_report,
    merge_cases,
    publish_case,
    restrict_consent,
    set_photo_approval,
    unpublish_case,
)

from .conftest import log_in_to_admin
from .factories import (
    files_under,
    make_case,
    make_photo,
    make_published_case,
    make_report,
    staff_user,
)

pytestmark = pytest.mark.django_db(transaction=True)


def assert_public_storage_is_exactly_the_public_photos(isolated_media):
    """Both ways: no file without a public photo, no public photo without its file."""
    public_root, _private = isolated_media
    public = Photo.objects.public()
    assert set(files_under(public_root)) == {photo.public_name for photo in public}
    assert set(Photo.objects.exclude(public_name="")) == set(public)


def photo_with_report(case, **report_fields):
    report = make_report(case=case, **report_fields)
    return report, make_photo(case, report=report, approved=True)


def consenting_report(case):
    return photo_with_report(case, consent=Consent.PUBLIC_NAMED, photo_consent=True)


@pytest.fixture
def check(isolated_media):
    return lambda: assert_public_storage_is_exactly_the_public_photos(isolated_media)


def test_moving_a_report_to_a_draft_takes_its_photo_off_public_storage(check):
    published = make_published_case(photo_consent=True)
    report, photo = consenting_report(published)
    publish_case(case=published, by=None)
    photo.refresh_from_db()
    assert photo.public_name
    check()
    attach_report(report=report, case=make_case(display_name="Draft"), by=None)
    photo.refresh_from_db()
    assert photo.public_name == ""
    check()


def test_every_service_keeps_public_storage_exactly_the_public_photos(check):
    first = make_published_case(photo_consent=True, display_name="First")
    report, photo = consenting_report(first)
    publish_case(case=first, by=None)
    check()
    draft = make_case(display_name="Draft", photo_consent=True)
    attach_report(report=report, case=draft, by=None)
    check()
    attach_report(report=report, case=first, by=None)
    assert Photo.objects.get(pk=photo.pk).public_name
    check()
    set_photo_approval(photos=[photo], approved=False, by=None)
    check()
    set_photo_approval(photos=Photo.objects.filter(pk=photo.pk), approved=True, by=None)
    check()
    restrict_consent(case=first, consent=Consent.PUBLIC_NAMED, photo_consent=False)
    check()
    first.photo_consent = True
    first.save()
    after_case_edit(case=first)
    check()
    second = make_published_case(photo_consent=True, display_name="Second")
    consenting_report(second)
    publish_case(case=second, by=None)
    check()
    merge_cases(kept=draft, duplicate=second, by=None)  # a published duplicate into a draft
    check()
    third = make_case(photo_consent=True, consent=Consent.PUBLIC_NAMED)
    consenting_report(third)
    merge_cases(kept=first, duplicate=third, by=None)  # approved photos join a published case
    assert Photo.objects.public().filter(case=first).count() == 2
    check()
    unpublish_case(case=first, by=None, status=Case.Status.HIDDEN, reason="Family asked")
    check()
    publish_case(case=first, by=None)
    check()
    first.delete()  # the admin deletes a case with its photos
    check()
    assert Photo.objects.public().count() == 0


@pytest.fixture
def editor_client(client):
    return log_in_to_admin(client, staff_user("editor", "Editor"))


def test_the_admin_approve_actions_go_through_the_service(editor_client, check):
    case = make_published_case(photo_consent=True)
    _report, photo = consenting_report(case)
    set_photo_approval(photos=[photo], approved=False, by=None)
    for action, expected in (("approve", True), ("withdraw_approval", False)):
        response = editor_client.post(
            "/admin/cases/photo/",
            {"action": action, "_selected_action": [photo.pk]},
            follow=True,
        )
        assert response.status_code == 200
        photo.refresh_from_db()
        assert photo.approved is expected
        assert bool(photo.public_name) is expected
        assert photo.history.latest().history_user == User.objects.get(username="editor")
        check()


def test_moving_a_photo_to_a_draft_in_the_admin_takes_it_off_public_storage(editor_client, check):
    case = make_published_case(photo_consent=True)
    _report, photo = consenting_report(case)
    publish_case(case=case, by=None)
    assert Photo.objects.get(pk=photo.pk).public_name
    draft = make_case(display_name="Draft")
    response = editor_client.post(
        f"/admin/cases/photo/{photo.pk}/change/",
        {"case": draft.pk, "report": "", "kind": "portrait", "alt_text": "", "approved": "on"},
        follow=True,
    )
    assert response.status_code == 200
    photo.refresh_from_db()
    assert (photo.case_id, photo.public_name) == (draft.pk, "")
    check()
