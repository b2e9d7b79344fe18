"""Key rotation: a new key first, `manage.py rotate_keys`, then the old key goes, and every
report, photo and second factor still opens; a run stopped half-way carries on when restarted."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from advocacy.otp.models import AuthenticatorDevice, BackupCode, BackupCodeDevice
from advocacy.staff_auth import confirm_device
from cases import evidence, rotation
from cases.backups import stored_files
from cases.models import Photo, Report
from cases.storage import raw_storage

from .conftest import log_in_to_admin
from .factories import make_case, make_photo, make_report, staff_user

pytestmark = pytest.mark.django_db(transaction=True)

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()
REPORTS = 7
ORIGINAL = "ab" * 32  # the fingerprint of a photo's original upload, encrypted


@pytest.fixture
def under_old_key(settings, isolated_media):
    """Reports, photos and a staff member's second factor, all written under the old key."""
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    case = make_case()
    reports = [
        make_report(
            case,
            submitter_name=f"Relative {n}",
            submitter_phone=f"+7 700 000 00{n:02d}",
            narrative=f"Narrative {n}",
        )
        for n in range(REPORTS)
    ]
    make_report(case, submitter_name="", narrative="")  # empty fields stay empty
    photos = [
        make_photo(
            case,
            report=reports[0],
            original_sha256=ORIGINAL,
            original_lookup=evidence.original_lookup(ORIGINAL),
        )
        for _ in range(2)
    ]
    user = staff_user("rotating", "Moderator")
    codes = confirm_device(AuthenticatorDevice.objects.create(user=user, name="phone"))
    return {"user": user, "codes": codes, "photos": {p.pk: p.image.read() for p in photos}}


def stored_tokens() -> list[bytes]:
    """Every encrypted value in the database and every private file, as stored."""
    tokens = []
    for model in rotation.models_with_encrypted_fields():
        columns = [field.column for field in rotation.encrypted_fields(model)]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(columns)} FROM {model._meta.db_table}")  # noqa: S608
            tokens += [value.encode() for row in cursor.fetchall() for value in row if value]
    raw = raw_storage(storages["private"])
    return tokens + [raw.open(name).read() for name in stored_files(raw)]


def opens_with(key: str, token: bytes) -> bool:
    try:
        Fernet(key).decrypt(token)
    except Exception:
        return False
    return True


def rotate(batch_size=2):
    out = io.StringIO()
    call_command("rotate_keys", batch_size=batch_size, stdout=out)
    return out.getvalue()


def test_rotation_moves_everything_to_the_new_key(under_old_key, settings, client):
    updated = dict(Report.objects.values_list("pk", "updated_at"))
    history = Report.history.count()
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]

    # 7 reports (the eighth is empty), 2 photo rows (their fingerprints), 1 authenticator,
    # 10 backup codes, 2 photo files
    assert "done: 22 of 23 " in rotate()
    settings.FIELD_ENCRYPTION_KEYS = [NEW]

    tokens = stored_tokens()
    assert len(tokens) == REPORTS * 3 + 2 + 2 * 2 + 1 + 10
    assert {photo.original_sha256 for photo in Photo.objects.all()} == {ORIGINAL}
    assert all(opens_with(NEW, token) for token in tokens)
    names = sorted(
        Report.objects.exclude(submitter_name="").values_list("submitter_name", flat=True)
    )
    assert names == [f"Relative {n}" for n in range(REPORTS)]
    for photo in Photo.objects.all():
        assert photo.image.open("rb").read() == under_old_key["photos"][photo.pk]
    assert dict(Report.objects.values_list("pk", "updated_at")) == updated  # retention clocks
    assert Report.history.count() == history
    staff = log_in_to_admin(client, under_old_key["user"])  # the authenticator still works
    assert staff.get("/admin/").status_code == 200
    device = BackupCodeDevice.objects.get(user=under_old_key["user"])
    assert device.verify_token(under_old_key["codes"][0])
    assert "done: 0 of " in rotate()  # a second run finds nothing to do


def test_a_stopped_rotation_carries_on_where_it_was(under_old_key, settings):
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    batches = []

    def killed_after_two_batches(progress):
        batches.append(progress)
        if len(batches) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rotation.rotate_all(batch_size=2, after_batch=killed_after_two_batches)
    assert [b.rewritten for b in batches] == [2, 2]  # the first four reports, committed
    mixed = stored_tokens()
    assert 0 < sum(opens_with(NEW, token) for token in mixed) < len(mixed)

    assert "done: 18 of 23 " in rotate()  # the 3 other reports and everything after them
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert all(opens_with(NEW, token) for token in stored_tokens())
    assert BackupCode.objects.count() == 10


def test_removing_the_old_key_too_early_is_a_clear_error(under_old_key, settings):
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(CommandError, match="a key it was written with is missing"):
        rotate()


def test_a_new_lookup_key_keeps_phone_search_working(under_old_key, settings, client):
    settings.LOOKUP_HASH_KEY = "a-new-lookup-key-after-someone-left-the-office"
    staff = log_in_to_admin(client, staff_user("searching", "Moderator"))
    report = Report.objects.exclude(submitter_phone="").order_by("pk").last()
    search = {"q": report.submitter_phone}
    assert f"/report/{report.pk}/change/" not in staff.get("/admin/cases/report/", search).text
    assert evidence.find_by_fingerprint(ORIGINAL) == []
    rotate()
    assert f"/report/{report.pk}/change/" in staff.get("/admin/cases/report/", search).text
    assert len(evidence.find_by_fingerprint(ORIGINAL)) == 2  # photos too, by their original


def test_rotation_memory_stays_bounded_by_the_batch(under_old_key, settings):
    """Each batch reads at most batch_size rows: the query has a LIMIT, and rows are by key."""
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    seen = [progress.seen for progress in rotation.rotate_all(batch_size=3)]
    assert max(seen) <= 3
