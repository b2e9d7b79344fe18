"""Every state change made in the admin goes through the services, as the public views' do:
a photo approved in the review workspace or on its own page reaches public storage at once and
its history names who approved it; a report moved to another case takes its photos along."""

import pytest
from django.contrib.auth.models import User

from cases.models import Photo
from cases.services import publish_case, set_photo_approval

from .conftest import log_in_to_admin
from .factories import make_case, make_published_case
from .test_moderation import staff_user
from .test_photo_publicity import assert_public_storage_is_exactly_the_public_photos as exact
from .test_photo_publicity import consenting_report
from .test_workspace import workspace_form

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editor_client(client):
    return log_in_to_admin(client, staff_user("editor", "Editor"))


def unapproved_photo_of_a_published_case():
    case = make_published_case(photo_consent=True)
    _report, photo = consenting_report(case)
    set_photo_approval(photos=[photo], approved=False, by=None)
    publish_case(case=case, by=None)
    return case, photo


def save_workspace(client, case, **typed):
    data = workspace_form(client, case) | {"_continue": "1"} | typed
    response = client.post(f"/admin/cases/case/{case.pk}/change/", data, follow=True)
    assert response.status_code == 200
    assert "errornote" not in response.text
    return response


def test_approving_a_photo_in_the_workspace_publishes_its_copy(editor_client, isolated_media):
    case, photo = unapproved_photo_of_a_published_case()
    assert not Photo.objects.get(pk=photo.pk).public_name
    save_workspace(editor_client, case, **{"photos-0-approved": "on"})
    photo.refresh_from_db()
    assert photo.approved and photo.public_name
    assert photo.history.latest().history_user == User.objects.get(username="editor")
    exact(isolated_media)
    page = editor_client.get(case.get_absolute_url()).text
    assert photo.public_url in page


def test_withdrawing_approval_in_the_workspace_removes_the_copy(editor_client, isolated_media):
    case, photo = unapproved_photo_of_a_published_case()
    set_photo_approval(photos=[photo], approved=True, by=None)
    photo.refresh_from_db()
    public_url = photo.public_url
    assert public_url
    data = workspace_form(editor_client, case)
    del data["photos-0-approved"]  # the box unticked
    editor_client.post(f"/admin/cases/case/{case.pk}/change/", data | {"_continue": "1"})
    photo.refresh_from_db()
    assert not photo.approved and photo.public_name == ""
    exact(isolated_media)
    assert public_url not in editor_client.get(case.get_absolute_url()).text


def test_a_workspace_edit_of_a_photo_description_keeps_its_approval(editor_client, isolated_media):
    case, photo = unapproved_photo_of_a_published_case()
    save_workspace(editor_client, case, **{"photos-0-alt_text": "Portrait, 2016"})
    photo.refresh_from_db()
    assert (photo.alt_text, photo.approved, photo.public_name) == ("Portrait, 2016", False, "")
    exact(isolated_media)


def approve_on_the_photo_page(client, photo, *, case):
    data = {"case": case.pk, "report": "", "kind": "portrait", "alt_text": "", "approved": "on"}
    response = client.post(f"/admin/cases/photo/{photo.pk}/change/", data, follow=True)
    assert response.status_code == 200
    photo.refresh_from_db()


def test_approving_on_the_photo_page_goes_through_the_service(editor_client, isolated_media):
    case, photo = unapproved_photo_of_a_published_case()
    other = make_case(display_name="Draft")
    approve_on_the_photo_page(editor_client, photo, case=other)
    # Approved, but moved to a draft: approval is kept, and nothing is public.
    assert (photo.case_id, photo.approved, photo.public_name) == (other.pk, True, "")
    assert photo.history.latest().history_user == User.objects.get(username="editor")
    exact(isolated_media)
    approve_on_the_photo_page(editor_client, photo, case=case)
    assert photo.public_name
    exact(isolated_media)
