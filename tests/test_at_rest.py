"""Private data at rest: a copied database, a backup archive or the private media folder shows
no canary of a relative's report; staff still read it all; a restore needs the backup key.

A report goes in through the form, with an addition through the status page, and a staff
member enrols a second factor: every private field, the photo and the second-factor secrets
hold a canary. Then the raw bytes are read: every table by SQL, the SQLite file, every private
file, the archive and, decrypted, every member of it.
"""

import gzip
import hashlib
import io
import os
import re
import subprocess
import tarfile
from base64 import b32encode
from pathlib import Path

import pyrage
import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from advocacy.otp.models import AuthenticatorDevice, BackupCodeDevice
from advocacy.staff_auth import confirm_device
from cases.backups import stored_files
from cases.models import Case, Photo, Report
from cases.storage import raw_storage

from .conftest import log_in_to_admin
from .factories import jpeg_bytes, staff_user
from .test_report_form import report_post, upload

pytestmark = pytest.mark.django_db(transaction=True)

CANARY = {
    "submitter_name": "Zqnameqz Қанарейка",
    "submitter_phone": "+7 701 927 3154",
    "submitter_email": "zqemailqz@example.org",
    "submitter_messenger": "@zqhandleqz",
    "narrative": "zqnarrativeqz: он был задержан, қанарейкаж",
    "addition": "zqadditionqz 后来被转移",
    "wgeid_id_card_number": "65zqidcardqz34",
    "wgeid_passport_number": "EZQPASSPORTQZ",
    "wgeid_responsible_name": "zqfacilityqz лагері",
    "wgeid_family_steps": "zqstepsqz: хат жаздық",
}
# What must not appear in the bytes: each canary, and the parts a search could pick out.
NEEDLES = [
    "Zqnameqz",
    "Қанарейка",
    "701 927 3154",
    "7019273154",
    "zqemailqz",
    "zqhandleqz",
    "zqnarrativeqz",
    "қанарейкаж",
    "zqadditionqz",
    "后来被转移",
    "zqidcardqz",
    "ZQPASSPORTQZ",
    "zqfacilityqz",
    "лагері",
    "zqstepsqz",
    "хат жаздық",
]
BASE_NEEDLES = list(NEEDLES)  # the staff's second-factor secrets join them (enrolled_staff)


@pytest.fixture
def backup_key(settings, tmp_path):
    identity = pyrage.x25519.Identity.generate()
    settings.BACKUP_RECIPIENTS = [str(identity.to_public())]
    key_file = tmp_path / "office-backup-key.txt"
    key_file.write_text(f"{identity}\n")
    return identity, key_file


def enrolled_staff() -> list[str]:
    """A staff member with an authenticator app and backup codes: their secrets, as needles."""
    user = staff_user("enrolled", "Moderator")
    device = AuthenticatorDevice.objects.create(user=user, name="phone", confirmed=False)
    codes = confirm_device(device)
    return [device.key, b32encode(device.bin_key).decode(), *codes]


@pytest.fixture
def reported(isolated_media):
    """A report with a canary in every private field and a photo, an addition to it, and a
    staff member's second-factor secrets; returns every needle to look for."""
    client = Client(headers={"accept-language": "en"})
    photo = jpeg_bytes((320, 240), color=(12, 200, 90))
    fields = {name: value for name, value in CANARY.items() if name != "addition"}
    response = client.post(
        "/en/report/", report_post(photos=[(upload(photo), "portrait", "")], **fields)
    )
    code = response.context["code"]
    client.post("/en/report/status/", {"code": code})
    addition = {"narrative": CANARY["addition"], "photos-TOTAL_FORMS": "0"}
    client.post("/en/report/status/add/", addition | {"photos-INITIAL_FORMS": "0"})
    report = Report.objects.get()
    assert CANARY["addition"] in report.narrative
    NEEDLES[len(BASE_NEEDLES) :] = enrolled_staff()
    return report


def found(blob: bytes, needles=NEEDLES) -> list[str]:
    return [needle for needle in needles if needle.encode() in blob]


def raw_rows() -> bytes:
    """Every value of every table, as SQL returns it."""
    quote = connection.ops.quote_name
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 (table names from the database)
            values += [repr(row) for row in cursor.fetchall()]
    return "\n".join(values).encode()


def database_files() -> bytes:
    """On SQLite, the file itself and its journal, free pages included."""
    if connection.vendor != "sqlite":
        return b""
    name = str(connection.settings_dict["NAME"])
    paths = [path for path in (name, f"{name}-wal", f"{name}-journal") if os.path.exists(path)]
    return b"".join(Path(path).read_bytes() for path in paths)


def private_files() -> dict[str, bytes]:
    raw = raw_storage(storages["private"])
    return {name: raw.open(name).read() for name in stored_files(raw)}


def plaintext_photos() -> list[bytes]:
    return [
        field.open("rb").read()
        for photo in Photo.objects.all()
        for field in (photo.image, photo.thumbnail)
    ]


def test_the_raw_database_holds_no_canary(reported):
    assert len(NEEDLES) == len(BASE_NEEDLES) + 12  # the key twice, ten backup codes
    assert found(raw_rows()) == []
    assert found(database_files()) == []
    stored = Report.objects.values_list("submitter_name", flat=True).get()
    assert stored == CANARY["submitter_name"]  # the ORM reads them back


def test_private_photo_files_are_encrypted_and_decrypt_for_staff(reported, client):
    files = private_files()
    photos = plaintext_photos()
    assert len(files) == len(photos) == 2
    for raw in files.values():
        assert not raw.startswith(b"\xff\xd8")  # no JPEG on disk
        assert re.fullmatch(rb"gAAAAA[A-Za-z0-9_=-]+", raw)  # a Fernet token
        for plain in photos:
            assert plain[len(plain) // 2 : len(plain) // 2 + 64] not in raw
    staff = log_in_to_admin(client, staff_user("moderator", "Moderator"))
    photo = Photo.objects.get()
    response = staff.get(f"/admin/cases/photo/{photo.pk}/file/image/")
    assert b"".join(response.streaming_content) == photo.image.open("rb").read()
    assert response["Content-Type"] == "image/jpeg"


def test_staff_read_and_search_what_is_encrypted(reported, client):
    staff = log_in_to_admin(client, staff_user("moderator", "Moderator"))
    page = staff.get(f"/admin/cases/report/{reported.pk}/change/").text
    for name in ("submitter_name", "submitter_email", "submitter_messenger"):
        assert CANARY[name] in page
    assert "zqnarrativeqz" in page and "zqadditionqz" in page
    for term in ("+77019273154", "ZQEMAILQZ@example.org", "zqhandleqz", "zqnameqz қанарейка"):
        listing = staff.get("/admin/cases/report/", {"q": term}).text
        assert f"/admin/cases/report/{reported.pk}/change/" in listing, term
    nothing = staff.get("/admin/cases/report/", {"q": "927 31"}).text
    assert f"/admin/cases/report/{reported.pk}/change/" not in nothing  # whole values only


def test_sql_refuses_to_search_an_encrypted_field(reported):
    with pytest.raises(Exception, match="encrypted"):
        list(Report.objects.filter(submitter_name=CANARY["submitter_name"]))
    with pytest.raises(Exception, match="encrypted"):
        list(Report.objects.filter(narrative__icontains="zq"))
    assert Report.objects.exclude(submitter_phone="").count() == 1


def archive_members(archive, identity) -> dict[str, bytes]:
    plain = pyrage.decrypt(archive.read_bytes(), [identity])
    with tarfile.open(fileobj=io.BytesIO(plain)) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def dump_as_text(name: str, data: bytes, tmp_path) -> bytes:
    """pg_dump's custom format is compressed: read its data as SQL text."""
    if not name.endswith(".pgdump"):
        return data
    dump = tmp_path / "database.pgdump"
    dump.write_bytes(data)
    return subprocess.run(
        ["pg_restore", "--file=-", str(dump)],  # noqa: S607 (the PostgreSQL client on the path)
        capture_output=True,
        check=True,
    ).stdout


def backup(tmp_path):
    call_command("backup", output=tmp_path / "backups", stdout=io.StringIO())
    [archive] = (tmp_path / "backups").glob("backup-*.tar.gz.age")
    return archive


def test_a_backup_archive_holds_no_canary_even_decrypted(reported, backup_key, tmp_path):
    archive = backup(tmp_path)
    encrypted = archive.read_bytes()
    assert found(encrypted) == [] and found(gzip_or_empty(encrypted)) == []
    members = archive_members(archive, backup_key[0])
    photos = plaintext_photos()
    for name, data in members.items():
        assert found(dump_as_text(name, data, tmp_path)) == [], name
        for plain in photos:
            assert plain[len(plain) // 2 : len(plain) // 2 + 64] not in data, name


def gzip_or_empty(data: bytes) -> bytes:
    try:
        return gzip.decompress(data)
    except OSError:
        return b""


def snapshot():
    """Every table's rows as stored (tokens, not plaintext), and every stored file's bytes."""
    files = {
        alias: {
            name: hashlib.sha256(raw_storage(storages[alias]).open(name).read()).hexdigest()
            for name in stored_files(storages[alias])
        }
        for alias in ("default", "private")
    }
    return raw_rows(), files


def empty_everything(isolated_media):
    call_command("flush", interactive=False, verbosity=0)
    for root in isolated_media:
        for path in sorted(root.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()


def test_a_restore_with_the_key_gives_back_identical_rows_and_files(
    reported, backup_key, tmp_path, isolated_media
):
    before = snapshot()
    archive = backup(tmp_path)
    empty_everything(isolated_media)
    call_command("restore", archive, identity=backup_key[1], stdout=io.StringIO())
    assert snapshot() == before
    assert Report.objects.get().submitter_email == CANARY["submitter_email"]


@pytest.mark.parametrize("key", ["wrong", "missing", "malformed"])
def test_a_restore_without_the_right_key_says_so_and_changes_nothing(
    key, reported, backup_key, tmp_path, isolated_media
):
    archive = backup(tmp_path)
    empty_everything(isolated_media)
    options = {}
    if key != "missing":
        other = tmp_path / "other-key.txt"
        other.write_text(
            f"{pyrage.x25519.Identity.generate()}\n" if key == "wrong" else "AGE-SECRET-KEY-1NOPE\n"
        )
        options["identity"] = other
    message = {
        "wrong": "The key does not open",
        "missing": "is encrypted: give the backup private key",
        "malformed": "not an age private key",
    }[key]
    with pytest.raises(CommandError, match=message):
        call_command("restore", archive, stdout=io.StringIO(), **options)
    assert not Case.objects.exists() and not Report.objects.exists()
    assert not any(path.is_file() for root in isolated_media for path in root.rglob("*"))


def test_a_changed_archive_is_refused_by_its_checksum(reported, backup_key, tmp_path):
    archive = backup(tmp_path)
    data = bytearray(archive.read_bytes())
    data[-10] ^= 1
    archive.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="does not match"):
        call_command("restore", archive, identity=backup_key[1], yes=True)
    checksum = archive.with_name(archive.name + ".sha256")
    checksum.unlink()
    with pytest.raises(CommandError, match="The key does not open"):  # age's own check
        call_command("restore", archive, identity=backup_key[1], yes=True)


def test_no_backup_without_recipients_and_never_plaintext_with_debug_off(settings, tmp_path):
    settings.BACKUP_RECIPIENTS = []
    with pytest.raises(CommandError, match="BACKUP_RECIPIENTS is empty"):
        call_command("backup", output=tmp_path)
    with pytest.raises(CommandError, match="refused with DEBUG off"):
        call_command("backup", output=tmp_path, plaintext=True, stderr=io.StringIO())
    assert not any(tmp_path.glob("backup-*"))


def test_deploy_checks_name_development_and_missing_keys(settings):
    from django.core.checks import run_checks

    settings.FIELD_ENCRYPTION_KEYS = [settings.DEV_FIELD_KEY]
    settings.LOOKUP_HASH_KEY = settings.DEV_LOOKUP_HASH_KEY
    settings.BACKUP_RECIPIENTS = []
    ids = {message.id for message in run_checks(include_deployment_checks=True)}
    assert {"cases.E001", "cases.E002", "cases.W002"} <= ids


def test_second_factors_kept_by_django_otp_move_into_encrypted_devices(client):
    """What an existing site has: django-otp's devices, their secrets in clear."""
    before = [("staff_otp", "0001_initial")]
    django_otp = [("otp_totp", "0003_add_timestamps"), ("otp_static", "0003_add_timestamps")]
    secret = "3132333435363738393031323334353637383930"
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before + django_otp).apps
    user = staff_user("longtime", "Moderator")
    old_device = old_apps.get_model("otp_totp", "TOTPDevice").objects.create(
        user_id=user.pk, name="phone", confirmed=True, key=secret
    )
    static = old_apps.get_model("otp_static", "StaticDevice").objects.create(
        user_id=user.pk, name="backup", confirmed=True
    )
    static.token_set.create(token="zqbackupqz")

    MigrationExecutor(connection).migrate([("staff_otp", "0002_encrypt_django_otp_devices")])

    assert found(raw_rows(), [secret, "zqbackupqz"]) == []
    device = AuthenticatorDevice.objects.get(user=user)
    assert device.key == old_device.key and device.confirmed
    assert BackupCodeDevice.objects.get(user=user).verify_token("zqbackupqz")
    assert log_in_to_admin(client, user).get("/admin/").status_code == 200
