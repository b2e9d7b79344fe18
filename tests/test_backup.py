"""Backup and restore: an empty database gets back every case, report and photo, byte for byte.

The tests run on whichever database DATABASE_URL names (SQLite in memory, or PostgreSQL), and
need real commits, since pg_dump reads the database through its own connection.
"""

import hashlib
import io
import json
import re
import shutil
import stat
import tarfile

import pyrage
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cases.backups import stored_files
from cases.models import Case, Citation, Event, Name, Photo, Report, Source
from cases.services import publish_case

from .factories import make_case, make_photo, make_report, make_source

pytestmark = pytest.mark.django_db(transaction=True)

MODELS = [get_user_model(), Group, Case, Name, Report, Photo, Source, Citation, Event]


@pytest.fixture(autouse=True)
def backup_key(settings, tmp_path):
    """The office's backup key pair: the public half configured, the private half in a file
    that only restore reads."""
    identity = pyrage.x25519.Identity.generate()
    settings.BACKUP_RECIPIENTS = [str(identity.to_public())]
    key_file = tmp_path / "backup-key.txt"
    key_file.write_text(f"# backup key of the tests\n{identity}\n")
    return identity, key_file


def restore(archive, backup_key, **options):
    call_command("restore", archive, identity=backup_key[1], stdout=io.StringIO(), **options)


def decrypted(archive, backup_key, target):
    target.write_bytes(pyrage.decrypt(archive.read_bytes(), [backup_key[0]]))
    return target


def encrypted(plain, backup_key, target):
    target.write_bytes(pyrage.encrypt(plain.read_bytes(), [backup_key[0].to_public()]))
    return target


def build_site():
    """A published case with a public photo, and a draft reported by a relative."""
    staff = get_user_model().objects.create_user("staff", password="x" * 16, is_staff=True)
    published = make_case(photo_consent=True, display_name="Әділғазы Ерғазы")
    Name.objects.create(case=published, text="Әділғазы Ерғазы", is_public=True)
    Name.objects.create(case=published, text="阿地力加孜")
    Citation.objects.create(
        case=published, source=make_source(), claim="Detained in 2018", locator="para. 4"
    )
    Event.objects.create(case=published, kind=Event.Kind.DETAINED, place="Ili")
    report = make_report(
        case=published,
        submitter_phone="+7 700 000 0001",
        submitter_email="relative@example.org",
        narrative="What happened, in the family's words",
        taken_by=staff,
    )
    make_photo(published, report=report, approved=True)
    publish_case(case=published, by=None)
    draft = make_case(display_name="")
    Name.objects.create(case=draft, text="Adilgazy Yergazy")
    make_photo(draft, report=make_report(case=draft, submitter_messenger="@relative"))


def snapshot():
    """Every row of the record, and the sha256 of every stored file, by storage and name."""
    rows = {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}
    rows["history"] = [
        list(model.history.order_by("history_id").values()) for model in (Case, Report, Photo)
    ]
    files = {
        alias: {
            name: hashlib.sha256(storages[alias].open(name).read()).hexdigest()
            for name in stored_files(storages[alias])
        }
        for alias in ("default", "private")
    }
    return rows, files


def empty_everything(isolated_media):
    call_command("flush", interactive=False, verbosity=0)
    for root in isolated_media:
        shutil.rmtree(root, ignore_errors=True)
    assert not Case.objects.exists() and not Report.objects.exists()


def backup(tmp_path):
    call_command("backup", output=tmp_path / "backups", stdout=io.StringIO())
    [archive] = (tmp_path / "backups").glob("backup-*.tar.gz.age")
    return archive


def test_backup_then_restore_into_an_empty_database_gives_everything_back(
    tmp_path, isolated_media, backup_key
):
    build_site()
    before = snapshot()
    archive = backup(tmp_path)
    empty_everything(isolated_media)

    restore(archive, backup_key)

    assert snapshot() == before
    rows, files = before
    assert len(rows["Photo"]) == 2 and len(files["default"]) == 1
    for photo in Photo.objects.all():
        for field in (photo.image, photo.thumbnail):
            restored = hashlib.sha256(field.storage.open(field.name).read()).hexdigest()
            assert restored == files["private"][field.name]
    [report] = [r for r in Report.objects.all() if r.submitter_phone == "+7 700 000 0001"]
    [original] = [row for row in rows["Report"] if row["id"] == report.pk]
    assert report.receipt_hash == original["receipt_hash"] != ""
    assert report.submitter_email == "relative@example.org"
    assert report.narrative == "What happened, in the family's words"


def test_archive_is_encrypted_private_and_its_manifest_lists_every_file(tmp_path, backup_key):
    build_site()
    archive = backup(tmp_path)
    assert re.fullmatch(r"backup-\d{8}-\d{6}\.tar\.gz\.age", archive.name)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert archive.read_bytes().startswith(b"age-encryption.org/v1\n-> X25519 ")
    checksum = archive.with_name(archive.name + ".sha256").read_text()
    assert checksum == f"{hashlib.sha256(archive.read_bytes()).hexdigest()}  {archive.name}\n"
    with tarfile.open(decrypted(archive, backup_key, tmp_path / "plain.tar.gz")) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = set(tar.getnames())
    assert manifest["format"] == 2
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["migrations"]["cases"].startswith("0")
    assert {entry["storage"] for entry in manifest["files"]} == {"public", "private"}
    assert len(manifest["files"]) == 5  # two images, two thumbnails, one public copy
    for entry in manifest["files"]:
        assert f"media/{entry['storage']}/{entry['name']}" in names
        assert re.fullmatch(r"[0-9a-f]{64}", entry["sha256"])


def test_backup_works_with_empty_media_roots(tmp_path, isolated_media, backup_key):
    make_case()
    for root in isolated_media:
        shutil.rmtree(root, ignore_errors=True)
    archive = backup(tmp_path)
    restore(archive, backup_key, yes=True)
    assert Case.objects.count() == 1


def test_backup_refuses_to_write_under_a_served_media_root(isolated_media):
    public, _private = isolated_media
    with pytest.raises(CommandError, match="must not be written under"):
        call_command("backup", output=public / "backups")


def test_restore_refuses_a_database_with_cases_unless_told_yes(
    tmp_path, isolated_media, backup_key
):
    build_site()
    before = snapshot()
    archive = backup(tmp_path)
    make_case(display_name="Added after the backup")
    stray = isolated_media[0] / "photos" / "stray.jpg"
    stray.write_bytes(b"not a public photo of the backup")

    with pytest.raises(CommandError, match="already holds cases or reports"):
        restore(archive, backup_key)
    assert Case.objects.filter(display_name="Added after the backup").exists()

    restore(archive, backup_key, yes=True)
    assert snapshot() == before
    assert not stray.exists()


def rewrite(archive, backup_key, target, *, change=None, extra=()):
    """A copy of the archive, encrypted to the same key, with one member's bytes changed or
    with members added first: what someone holding the public key could make."""
    plain = decrypted(archive, backup_key, target.with_suffix(".plain"))
    changed = target.with_suffix(".changed")
    with tarfile.open(plain) as source, tarfile.open(changed, "w:gz") as copy:
        for info, data in extra:
            copy.addfile(info, io.BytesIO(data) if data is not None else None)
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if change:
                data = change(member.name, data)
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return encrypted(changed, backup_key, target)


def test_restore_refuses_tampered_media_and_changes_nothing(tmp_path, isolated_media, backup_key):
    build_site()
    archive = backup(tmp_path)
    empty_everything(isolated_media)

    def tamper(name, data):
        return data + b"tampered" if name.startswith("media/private/") else data

    tampered = rewrite(archive, backup_key, tmp_path / "tampered.age", change=tamper)
    with pytest.raises(CommandError, match="sha256 mismatch: media/private/photos/"):
        restore(tampered, backup_key)
    assert not Case.objects.exists()
    assert not any(root.exists() and any(root.rglob("*")) for root in isolated_media)


def test_restore_refuses_a_dump_of_another_database(tmp_path, isolated_media, backup_key):
    make_case()
    archive = backup(tmp_path)
    empty_everything(isolated_media)
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"

    def relabel(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["database"]["vendor"] = other
        return json.dumps(manifest).encode()

    relabelled = rewrite(archive, backup_key, tmp_path / "other.age", change=relabel)
    with pytest.raises(CommandError, match="restores into"):
        restore(relabelled, backup_key)
    assert not Case.objects.exists()


def member(name, kind=tarfile.REGTYPE, target=""):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info, b"" if kind == tarfile.REGTYPE else None


@pytest.mark.parametrize(
    "bad",
    [
        member("../escaped.txt"),
        member("/srv/escaped.txt"),
        member("media/public/../../escaped.txt"),
        member("media/public/photos/link.jpg", tarfile.SYMTYPE, "/etc/passwd"),
        member("media/private/photos/hard.jpg", tarfile.LNKTYPE, "manifest.json"),
        member("media/private/photos/device", tarfile.CHRTYPE),
        member("elsewhere/escaped.txt"),
    ],
    ids=["dot-dot", "absolute", "dot-dot-inside", "symlink", "hardlink", "device", "elsewhere"],
)
def test_restore_refuses_members_that_point_outside_or_are_not_files(
    bad, tmp_path, isolated_media, backup_key
):
    make_case()
    archive = backup(tmp_path)
    empty_everything(isolated_media)
    hostile = rewrite(archive, backup_key, tmp_path / "hostile.age", extra=[bad])
    with pytest.raises(CommandError, match="Refused"):
        restore(hostile, backup_key)
    assert not Case.objects.exists()
    assert not (tmp_path / "escaped.txt").exists()
