"""The evidence trail of every file: fingerprints at ingest, who did what and when, checking a
file against our records without keeping it, and claims tied to the files that support them."""

import hashlib
import io
import os
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from cases import evidence
from cases.evidence_admin import HashedUpload
from cases.models import Case, Citation, Event, Photo
from cases.services import merge_cases, publish_case

from .conftest import log_in_to_admin
from .factories import make_case, make_photo, make_source
from .test_moderation import moderate, staff_user
from .test_report_form import report_post

pytestmark = pytest.mark.django_db

CHECK = "/admin/cases/photo/check/"


def photo_with_metadata() -> bytes:
    """A JPEG with EXIF, so that the upload and the stored file differ."""
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = "a description the pipeline strips"
    Image.new("RGB", (80, 60), (20, 120, 200)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def send_report(client, data: bytes, name="evidence.jpg"):
    upload = SimpleUploadedFile(name, data, content_type="image/jpeg")
    response = client.post("/en/report/", report_post(photos=[(upload, "document", "")]))
    assert response.status_code == 200
    return response


@pytest.fixture
def editor(client):
    user = staff_user("editor", "Editor")
    user.first_name, user.last_name = "Aigerim", "Editor"
    user.save()
    return user


@pytest.fixture
def staff(editor):
    return log_in_to_admin(Client(headers={"accept-language": "en"}), editor)


def test_ingest_keeps_both_fingerprints_and_the_original_only_encrypted(client):
    original = photo_with_metadata()
    send_report(client, original)
    photo = Photo.objects.get()
    assert photo.original_sha256 == hashlib.sha256(original).hexdigest()
    assert photo.sha256 == hashlib.sha256(photo.image.open("rb").read()).hexdigest()
    assert photo.sha256 != photo.original_sha256  # the metadata is gone from what we keep
    assert photo.channel == Photo.Channel.ONLINE
    with connection.cursor() as cursor:
        cursor.execute("SELECT original_sha256, original_lookup FROM cases_photo")
        [(stored, lookup)] = cursor.fetchall()
    # As stored, neither column is the fingerprint: without the keys they confirm nothing.
    assert photo.original_sha256 not in stored and photo.original_sha256 not in lookup
    assert lookup == evidence.original_lookup(photo.original_sha256)
    assert [(e.action, e.who) for e in evidence.file_trail(photo)] == [("received", "the relative")]


def test_the_history_of_a_photo_holds_no_fingerprint_of_its_original():
    fields = {field.name for field in Photo.history.model._meta.fields}
    assert {"original_sha256", "original_lookup"}.isdisjoint(fields)


def test_a_report_taken_at_the_office_records_the_channel_and_who_took_it(staff, editor):
    send_report(staff, photo_with_metadata())
    photo = Photo.objects.get()
    assert photo.channel == Photo.Channel.OFFICE
    [received] = evidence.file_trail(photo)
    assert (received.action, received.who) == ("received", "Aigerim Editor")


def test_an_addition_by_receipt_code_is_its_own_channel(client):
    code = send_report(client, photo_with_metadata()).context["code"]
    client.post("/en/report/status/", {"code": code})
    later = SimpleUploadedFile("later.jpg", photo_with_metadata(), content_type="image/jpeg")
    data = {
        "narrative": "",
        "photos-TOTAL_FORMS": "5",
        "photos-INITIAL_FORMS": "0",
        "photos-0-file": later,
        "photos-0-kind": "document",
    } | {f"photos-{i}-kind": "portrait" for i in range(1, 5)}
    client.post("/en/report/status/add/", data)
    assert list(Photo.objects.order_by("pk").values_list("channel", flat=True)) == [
        "online",
        "addition",
    ]


def make_publishable(case: Case):
    case.display_name = "A. E."
    case.save()
    Citation.objects.create(case=case, source=make_source(), claim="Detained in 2018")


def test_the_trail_records_each_step_with_who_did_it_and_when(client, staff):
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        send_report(client, photo_with_metadata())
        photo = Photo.objects.get()
        make_publishable(photo.case)
        clock.shift(timedelta(hours=1))
        staff.post(
            "/admin/cases/photo/",
            {"action": "approve", "_selected_action": [photo.pk]},
        )
        clock.shift(timedelta(hours=1))
        assert moderate(staff, photo.case, "publish").status_code == 200
        clock.shift(timedelta(hours=1))
        assert moderate(staff, photo.case, "unpublish").status_code == 200
    trail = evidence.file_trail(photo)
    assert [(e.action, e.who, e.at) for e in trail] == [
        ("received", "the relative", start),
        ("approved", "Aigerim Editor", start + timedelta(hours=1)),
        ("published", "Aigerim Editor", start + timedelta(hours=2)),
        ("unpublished", "Aigerim Editor", start + timedelta(hours=3)),
    ]
    page = staff.get(f"/admin/cases/photo/{photo.pk}/change/").text
    assert "approved by a moderator" in page and "Aigerim Editor" in page
    assert photo.original_sha256 in page and photo.sha256 in page


def test_approval_on_the_photo_page_goes_through_the_service_and_the_trail(staff):
    photo = make_photo(make_case(), approved=False)
    data = {
        "case": photo.case_id,
        "report": "",
        "kind": "portrait",
        "alt_text": "",
        "approved": "on",
    }
    assert staff.post(f"/admin/cases/photo/{photo.pk}/change/", data).status_code == 302
    photo.refresh_from_db()
    assert photo.approved is True
    assert [e.action for e in evidence.file_trail(photo)] == ["approved"]
    data.pop("approved")
    staff.post(f"/admin/cases/photo/{photo.pk}/change/", data)
    assert [e.action for e in evidence.file_trail(photo)] == ["approved", "unapproved"]


def test_a_photo_moved_to_another_case_says_so_and_leaves_the_claims_of_the_old_one(staff):
    old, new = make_case(), make_case()
    photo = make_photo(old, approved=False)
    citation = Citation.objects.create(case=old, source=make_source(), claim="Detained")
    citation.photos.add(photo)
    data = {"case": new.pk, "report": "", "kind": "portrait", "alt_text": ""}
    staff.post(f"/admin/cases/photo/{photo.pk}/change/", data)
    [moved] = evidence.file_trail(photo)
    assert (moved.action, moved.note) == ("moved", f"#{old.pk} → #{new.pk}")
    assert evidence.supporting_photos(citation) == []
    assert not citation.photos.exists()


def test_a_merge_records_the_move_and_keeps_the_claims_with_their_files(editor):
    kept, duplicate = make_case(), make_case()
    photo = make_photo(duplicate)
    event = Event.objects.create(case=duplicate, kind="detained")
    event.photos.add(photo)
    merge_cases(kept=kept, duplicate=duplicate, by=editor)
    event.refresh_from_db()
    assert event.case_id == kept.pk
    assert evidence.supporting_photos(event) == [photo]
    assert [(e.action, e.who) for e in evidence.file_trail(photo)] == [("moved", "Aigerim Editor")]


def test_the_dossier_records_an_export_through_the_interface(editor):
    photo = make_photo(make_case())
    evidence.record_file_event(photo, "exported", editor, note="dossier")
    [exported] = evidence.file_trail(photo)
    assert (exported.label, exported.who, exported.note) == (
        "exported",
        "Aigerim Editor",
        "dossier",
    )
    with pytest.raises(ValueError):
        evidence.record_file_event(photo, "shredded")


def test_trails_of_many_photos_take_one_query(django_assert_num_queries, editor):
    photos = [make_photo(make_case()) for _ in range(5)]
    for photo in photos:
        evidence.record_file_event(photo, "exported", editor)
    with django_assert_num_queries(1):
        trails = evidence.file_trails(photos)
    assert [len(trails[photo.pk]) for photo in photos] == [1] * 5


def test_a_photo_from_before_the_trail_says_plainly_what_is_not_known(staff):
    photo = make_photo(make_case())  # as the migration leaves photos stored before it
    page = staff.get(f"/admin/cases/photo/{photo.pk}/change/").text
    assert "not recorded: the photo was stored before fingerprints were taken" in page
    assert "not recorded: the photo was stored before the trail began" in page


# Check a file against our records


def check(client, **data):
    return client.post(CHECK, data)


def test_a_file_sent_through_the_form_is_found_by_the_fingerprint_the_browser_computed(
    client, staff
):
    original = photo_with_metadata()
    send_report(client, original)
    photo = Photo.objects.get()
    page = check(staff, fingerprint=hashlib.sha256(original).hexdigest().upper()).text
    assert "This file is in our records: one photo." in page
    assert "It is the file as the relative sent it." in page
    assert f"/admin/cases/photo/{photo.pk}/change/" in page
    assert f"/admin/cases/case/{photo.case_id}/change/" in page
    assert "the online report form" in page and "the relative" in page


def test_without_javascript_the_uploaded_file_is_hashed_and_found(client, staff):
    original = photo_with_metadata()
    send_report(client, original)
    upload = SimpleUploadedFile("from-the-lawyer.jpg", original, content_type="image/jpeg")
    page = check(staff, file=upload, fingerprint="").text
    assert "This file is in our records: one photo." in page
    assert hashlib.sha256(original).hexdigest() in page


def test_the_stored_file_is_found_too_and_said_to_be_ours_not_the_relatives(client, staff):
    send_report(client, photo_with_metadata())
    photo = Photo.objects.get()
    page = check(staff, file=SimpleUploadedFile("ours.jpg", photo.image.open("rb").read())).text
    assert "It is the file as we store it" in page


def test_a_file_not_in_our_records_is_said_so_plainly(client, staff):
    send_report(client, photo_with_metadata())
    page = check(staff, file=SimpleUploadedFile("other.jpg", b"some other file")).text
    assert "No file in our records has this fingerprint." in page
    assert "This file is in our records" not in page


@pytest.fixture
def watched_dirs(isolated_media, tmp_path, settings):
    """Every place an upload could be written: media roots and the temporary folder of uploads
    (the system's own is shared with other processes). With FILE_UPLOAD_MAX_MEMORY_SIZE 0,
    Django's own handlers would write any upload there."""
    upload_temp = tmp_path / "upload-temp"
    upload_temp.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(upload_temp)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    return [*isolated_media, upload_temp]


def files_in(folders) -> set[str]:
    found = set()
    for folder in folders:
        for root, _dirs, names in os.walk(folder):
            found |= {os.path.join(root, name) for name in names}
    return found


def test_the_checked_file_is_written_nowhere_and_never_held_whole(staff, watched_dirs):
    before = files_in(watched_dirs)
    data = b"\xff" * (3 * 1024 * 1024)
    response = check(staff, file=SimpleUploadedFile("big.bin", data))
    assert "No file in our records has this fingerprint." in response.text
    received = response.wsgi_request.FILES["file"]
    assert isinstance(received, HashedUpload)  # not a temporary nor an in-memory file
    assert (received.sha256, received.size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert files_in(watched_dirs) == before


def test_a_file_larger_than_any_we_accept_is_refused_without_reading_it_all(staff):
    data = b"\0" * (15 * 1024 * 1024 + 1)
    response = check(staff, file=SimpleUploadedFile("huge.bin", data))
    assert response.status_code == 200
    assert "This file is larger than 15 MB" in response.text
    assert "Fingerprint checked" not in response.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"fingerprint": "not a hash"}, "This is not a SHA-256 fingerprint"),
        ({"fingerprint": "ab" * 33}, "This is not a SHA-256 fingerprint"),
        ({"fingerprint": ""}, "Choose a file, or paste its SHA-256 fingerprint."),
        ({}, "Choose a file, or paste its SHA-256 fingerprint."),
        ({"file": SimpleUploadedFile("empty.jpg", b"")}, "The submitted file is empty."),
    ],
)
def test_what_is_not_a_file_or_a_fingerprint_gets_a_clear_error(staff, data, message):
    response = check(staff, **data)
    assert response.status_code == 200
    assert message in response.text


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.text(max_size=300))
def test_no_typed_fingerprint_gives_a_server_error(staff, typed):
    assert check(staff, fingerprint=typed).status_code < 500


def test_the_check_page_is_for_staff_with_their_second_factor_only(client, staff):
    assert client.get(CHECK).status_code == 302  # to the login
    assert "/admin/login/" in client.get(CHECK)["Location"]
    user = staff_user("half-logged-in", "Moderator")
    client.post("/admin/login/", {"username": user.username, "password": "x" * 16})
    assert client.get(CHECK).status_code == 302
    page = staff.get(CHECK)
    assert page.status_code == 200
    assert 'src="/static/js/evidence-check.js"' in page.text
    assert "nonce=" in page.text.split("evidence-check.js")[1].split(">")[0]


def test_the_check_page_refuses_a_post_without_its_csrf_token(staff):
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = staff.cookies
    assert strict.get(CHECK).status_code == 200
    assert strict.post(CHECK, {"fingerprint": "ab" * 32}).status_code == 403


def test_the_photo_list_links_the_check_page(staff):
    assert f'href="{CHECK}"' in staff.get("/admin/cases/photo/").text


# Claims tied to evidence


def test_a_citation_names_only_photos_of_its_own_case(staff):
    case, other = make_case(), make_case()
    mine, theirs = make_photo(case), make_photo(other)
    citation = Citation.objects.create(case=case, source=make_source(), claim="Detained")
    form = FormOf(staff, case)
    assert f'value="{mine.pk}"' in form.photo_choices("citations-0-photos")
    assert f'value="{theirs.pk}"' not in form.photo_choices("citations-0-photos")
    response = form.post(staff, {"citations-0-photos": [theirs.pk]})
    assert response.status_code == 200 and "Select a valid choice" in response.text
    assert not citation.photos.exists()
    response = form.post(staff, {"citations-0-photos": [mine.pk]})
    assert response.status_code == 302
    assert evidence.supporting_photos(citation) == [mine]


class FormOf:
    """The workspace form of a case as the browser would send it untouched."""

    def __init__(self, client, case):
        from .test_workspace import workspace_form

        self.case = case
        self.page = client.get(f"/admin/cases/case/{case.pk}/change/").text
        self.data = workspace_form(client, case)

    def photo_choices(self, name):
        return "".join(part for part in self.page.split("<input") if f'name="{name}"' in part)

    def post(self, client, changes):
        return client.post(f"/admin/cases/case/{self.case.pk}/change/", self.data | changes)


def test_the_public_case_page_never_names_the_files_behind_a_citation(client, editor):
    case = make_case(photo_consent=True)
    photo = make_photo(case)
    citation = Citation.objects.create(case=case, source=make_source(), claim="Detained")
    citation.photos.add(photo)
    case = publish_case(case=case, by=editor)
    page = client.get(f"/en/cases/{case.reference}/").text
    assert "Detained" in page
    assert f"/admin/cases/photo/{photo.pk}/" not in page
    assert photo.public_url in page  # the photo itself is public: only the link is not
    assert "supporting files" not in page.lower()


def test_the_workspace_shows_each_photos_fingerprints_and_trail(client, staff):
    original = photo_with_metadata()
    send_report(client, original)
    photo = Photo.objects.get()
    page = staff.get(f"/admin/cases/case/{photo.case_id}/change/").text
    assert hashlib.sha256(original).hexdigest() in page and photo.sha256 in page
    assert "the online report form" in page and "the relative" in page


def test_staff_without_the_right_to_view_photos_cannot_check_files(client):
    User.objects.create_user("no-role", password="x" * 16, is_staff=True)
    clerk = log_in_to_admin(client, User.objects.get(username="no-role"))
    assert clerk.get(CHECK).status_code == 403
    assert clerk.post(CHECK, {"fingerprint": "ab" * 32}).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_photos_stored_before_the_trail_keep_their_time_received_and_no_fingerprint():
    before = [("cases", "0019_search_words")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    case = old.get_model("cases", "Case").objects.create()
    received_at = datetime(2025, 4, 1, 8, 30, tzinfo=UTC)
    old_photo = old.get_model("cases", "Photo").objects.create(
        case_id=case.pk, image="photos/old.jpg", thumbnail="photos/old-t.jpg", sha256="0" * 64
    )
    old.get_model("cases", "Photo").objects.filter(pk=old_photo.pk).update(created_at=received_at)

    executor = MigrationExecutor(connection)
    # Every migration after it too: a later test in this process needs the whole schema.
    executor.migrate(executor.loader.graph.leaf_nodes())

    photo = Photo.objects.get()
    assert (photo.original_sha256, photo.original_lookup, photo.channel) == ("", "", "")
    [received] = evidence.file_trail(photo)
    assert (received.action, received.at, received.who) == ("received", received_at, "not recorded")


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=1, max_size=20_000))
def test_whatever_file_is_sent_its_exact_fingerprint_is_checked(staff, data):
    response = check(staff, file=SimpleUploadedFile("any.bin", data))
    assert response.status_code == 200
    assert f"<code>{hashlib.sha256(data).hexdigest()}</code>" in response.text


def test_a_timeline_event_names_the_files_of_its_case_that_support_it(staff):
    case = make_case()
    photo = make_photo(case)
    event = Event.objects.create(case=case, kind="detained", place="Example place")
    form = FormOf(staff, case)
    assert f'value="{photo.pk}"' in form.photo_choices("events-0-photos")
    assert form.post(staff, {"events-0-photos": [photo.pk]}).status_code == 302
    assert evidence.supporting_photos(event) == [photo]


def test_who_lowered_consent_is_in_the_trail_of_the_photos_it_took_off_the_site(client, editor):
    case = make_case(photo_consent=True)
    photo = make_photo(case)
    make_publishable(case)
    publish_case(case=case, by=editor)
    moderator = log_in_to_admin(client, staff_user("moderator", "Moderator"))
    response = FormOf(moderator, case).post(moderator, {"consent": "internal"})
    assert response.status_code == 302
    assert [(e.action, e.who) for e in evidence.file_trail(photo)] == [
        ("published", "Aigerim Editor"),
        ("unpublished", "moderator"),
    ]
