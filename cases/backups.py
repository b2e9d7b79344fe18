"""Backups: one archive with a native database dump, both media storages and a manifest of hashes.

The archive holds everything families entrusted to the office, so it is encrypted to the
office's backup public keys (age, BACKUP_RECIPIENTS) as it is written: the server that writes a
backup cannot read it, and only the private key, kept offline, opens it. Private fields and
photos inside are also still encrypted with the field keys. Nothing is restored from an archive
until every byte has been decrypted and checked against its manifest.
"""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pyrage
from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import connection
from django.db.backends.postgresql.client import DatabaseClient
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from .models import Case, Report
from .storage import raw_storage

# 2: private files are stored as encrypted by the private storage; 1 (before) held them plain.
FORMAT_VERSION = 2
READABLE_FORMATS = {1, 2}
AGE_MAGIC = b"age-encryption.org/v1"
MANIFEST = "manifest.json"
# Archive folder of each media storage, and the STORAGES alias it is backed up from.
MEDIA_STORAGES = {"public": "default", "private": "private"}
DUMP_NAMES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
VENDOR_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that must not go on; the message says why, for the operator."""


def default_backup_dir() -> Path:
    return Path(settings.BACKUP_DIR)


def _database_vendor() -> str:
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


# Database -----------------------------------------------------------------------------------


def _postgres_env() -> dict[str, str]:
    """Connection settings for pg_dump/pg_restore: all in the environment, none in `ps` output."""
    settings_dict = connection.settings_dict
    _args, env = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    env = dict(os.environ) | (env or {})
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def _run_postgres_tool(args: list[str]) -> None:
    try:
        result = subprocess.run(  # noqa: S603 (fixed program, arguments are ours)
            args, env=_postgres_env(), capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise BackupError(
            f"{args[0]} is not installed: install the PostgreSQL client of the server's version."
        ) from None
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()[-2000:]}")


def dump_database(target: Path) -> None:
    """A consistent copy of the whole database, in the database's own format."""
    if _database_vendor() == "postgresql":
        name = connection.settings_dict["NAME"]
        _run_postgres_tool(["pg_dump", "--format=custom", f"--file={target}", f"--dbname={name}"])
        return
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        # The online backup API copies a consistent snapshot, also of the in-memory test database.
        connection.connection.backup(copy)
    finally:
        copy.close()


def restore_database(dump: Path) -> None:
    """Replace the whole database with the dump. Stop the site first: this drops every table."""
    if connection.in_atomic_block:
        raise BackupError("A restore cannot run inside a transaction.")
    if _database_vendor() == "postgresql":
        connection.close()  # our own idle session must not hold locks that DROP TABLE waits for
        name = connection.settings_dict["NAME"]
        _run_postgres_tool(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={name}",
                str(dump),
            ]
        )
        return
    source = sqlite3.connect(f"{dump.resolve().as_uri()}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError("The database copy in the archive is damaged.")
        # Copying into the open connection works for a file and for an in-memory database
        # alike, and other connections to the file see the new content, not a replaced inode.
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()
    connection.close()


def migration_state() -> dict[str, str]:
    """The latest applied migration of each app, as recorded in the database."""
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return {}
    return dict(recorder.migration_qs.order_by("id").values_list("app", "name"))


def unknown_migrations(manifest: dict) -> list[str]:
    """Migrations the archive's database has that this code does not know: it is newer."""
    graph = MigrationExecutor(connection).loader.graph
    known_apps = {app for app, _name in graph.nodes}
    return sorted(
        f"{app}.{name}"
        for app, name in manifest.get("migrations", {}).items()
        if app in known_apps and (app, name) not in graph.nodes
    )


def pending_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def database_has_records() -> bool:
    """Whether restoring would overwrite cases or reports (a database without tables has none)."""
    tables = set(connection.introspection.table_names())
    return any(
        model._meta.db_table in tables and model.objects.exists() for model in (Case, Report)
    )


# Media --------------------------------------------------------------------------------------


def stored_files(storage, path: str = ""):
    """Every file name in a storage, depth first; a missing root is an empty storage."""
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for name in sorted(directories):
        yield from stored_files(storage, f"{path}/{name}" if path else name)


class _HashingReader:
    """Hashes exactly the bytes tarfile copies into the archive, so each file is read once."""

    def __init__(self, file):
        self.file = file
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.file.read(size)
        self.digest.update(data)
        return data


def _add_to_archive(tar: tarfile.TarFile, name: str, file, size: int) -> str:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(time.time()), 0o600
    reader = _HashingReader(file)
    tar.addfile(info, reader)
    return reader.digest.hexdigest()


# Backup -------------------------------------------------------------------------------------


@dataclass
class Backup:
    path: Path
    manifest: dict


def _refuse_served_output(output_dir: Path) -> None:
    """An archive under a media or static root would be served, or swallowed by the next backup."""
    for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT, settings.STATIC_ROOT):
        if not root:
            continue
        root = Path(root).resolve()
        if output_dir == root or root in output_dir.parents:
            raise BackupError(f"Backups must not be written under {root}.")


def backup_recipients(*, plaintext: bool) -> list:
    """The age public keys to encrypt to; [] only for an explicit --plaintext in development."""
    if plaintext:
        if not settings.DEBUG:
            raise BackupError("Unencrypted backups are refused with DEBUG off.")
        return []
    if not settings.BACKUP_RECIPIENTS:
        raise BackupError(
            "BACKUP_RECIPIENTS is empty: set the office's backup public keys (age1...), "
            "or, in development only, pass --plaintext."
        )
    return [pyrage.x25519.Recipient.from_str(key) for key in settings.BACKUP_RECIPIENTS]


class _HashingWriter:
    """Hashes the archive's bytes as they are written, for the .sha256 file beside it."""

    def __init__(self, file):
        self.file = file
        self.digest = hashlib.sha256()

    def write(self, data):
        self.digest.update(data)
        return self.file.write(data)

    def flush(self):
        self.file.flush()


@contextmanager
def _encrypting(destination, recipients: list):
    """A file whose bytes reach `destination` encrypted to `recipients`, streamed through a pipe
    so that no plaintext archive is ever written to disk."""
    if not recipients:
        yield destination
        return
    read_end, write_end = os.pipe()
    failures: list[BaseException] = []

    def encrypt():
        try:
            with os.fdopen(read_end, "rb") as source:
                pyrage.encrypt_io(source, destination, recipients)
        except BaseException as error:  # reported by the writing thread
            failures.append(error)

    worker = threading.Thread(target=encrypt, name="backup-encrypt")
    worker.start()
    try:
        with os.fdopen(write_end, "wb") as sink:
            yield sink
    finally:
        worker.join()
    if failures:
        raise BackupError(f"Encrypting the archive failed: {failures[0]}")


def create_backup(*, output_dir: Path, plaintext: bool = False) -> Backup:
    """Write backup-<UTC time>.tar.gz.age into output_dir (database dump, media, manifest.json
    last) and, beside it, the sha256 of the encrypted bytes in `sha256sum` format."""
    vendor = _database_vendor()
    recipients = backup_recipients(plaintext=plaintext)
    output_dir = Path(output_dir).resolve()
    _refuse_served_output(output_dir)
    output_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    created = timezone.now()
    suffix = ".tar.gz.age" if recipients else ".tar.gz"
    path = output_dir / f"backup-{created:%Y%m%d-%H%M%S}{suffix}"
    if path.exists():
        raise BackupError(f"{path} exists already.")
    partial = output_dir / f".{path.name}.partial"
    # Dumps hold private data too: they stay beside the archive, never in a shared /tmp.
    with tempfile.TemporaryDirectory(dir=output_dir, prefix=".backup-") as scratch:
        dump = Path(scratch) / DUMP_NAMES[vendor]
        dump_database(dump)
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": created.isoformat(),
            "database": {"vendor": vendor, "file": f"database/{dump.name}"},
            "migrations": migration_state(),
            "files": [],
        }
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as raw:
                hashed = _HashingWriter(raw)
                with (
                    _encrypting(hashed, recipients) as sink,
                    tarfile.open(fileobj=sink, mode="w:gz", compresslevel=6) as tar,
                ):
                    _write_archive(tar, dump, manifest)
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    _write_checksum(path, hashed.digest.hexdigest())
    return Backup(path=path, manifest=manifest)


def checksum_path(archive: Path) -> Path:
    return archive.with_name(archive.name + ".sha256")


def _write_checksum(archive: Path, digest: str) -> None:
    """Lets an off-site copy be checked (`sha256sum -c`) without the key that opens it."""
    descriptor = os.open(checksum_path(archive), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(f"{digest}  {archive.name}\n")


def _write_archive(tar: tarfile.TarFile, dump: Path, manifest: dict) -> None:
    """The database first: a photo stored meanwhile is an orphan file, never a row without one."""
    database = manifest["database"]
    database["size"] = dump.stat().st_size
    with dump.open("rb") as file:
        database["sha256"] = _add_to_archive(tar, database["file"], file, database["size"])
    for label, alias in MEDIA_STORAGES.items():
        storage = raw_storage(storages[alias])  # private files go in still encrypted
        for name in stored_files(storage):
            try:
                file = storage.open(name, "rb")
            except FileNotFoundError:  # deleted since it was listed (unpublished, purged)
                continue
            with file:
                size = file.size
                digest = _add_to_archive(tar, f"media/{label}/{name}", file, size)
            manifest["files"].append(
                {"storage": label, "name": name, "size": size, "sha256": digest}
            )
    body = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
    info = tarfile.TarInfo(MANIFEST)
    info.size, info.mtime, info.mode = len(body), int(time.time()), 0o600
    tar.addfile(info, io.BytesIO(body))


# Restore ------------------------------------------------------------------------------------


@dataclass
class Restored:
    manifest: dict
    files: int = 0
    removed_public: list[str] = field(default_factory=list)
    extra_private: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _checked_member_path(member: tarfile.TarInfo) -> PurePosixPath | None:
    """The member's path if it is a regular file where our archives put files; None for folders.

    Anything else (absolute paths, `..`, links, devices, unexpected places) refuses the archive.
    """
    path = PurePosixPath(member.name)
    if path.is_absolute() or ".." in path.parts or not path.parts or "\\" in member.name:
        raise BackupError(f"Refused: the archive member {member.name!r} points outside.")
    if member.isdir():
        return None
    if not member.isreg():
        raise BackupError(f"Refused: the archive member {member.name!r} is a link or device.")
    parts = path.parts
    expected = (
        str(path) == MANIFEST
        or (parts[0] == "database" and len(parts) == 2)
        or (parts[0] == "media" and len(parts) > 2 and parts[1] in MEDIA_STORAGES)
    )
    if not expected:
        raise BackupError(f"Refused: unexpected archive member {member.name!r}.")
    return path


def unpack(archive: Path, target: Path) -> dict[str, tuple[str, int]]:
    """Unpack into an empty folder, checking every member; returns each file's sha256 and size."""
    unpacked: dict[str, tuple[str, int]] = {}
    try:
        with tarfile.open(archive, mode="r|gz") as tar:
            for member in tar:
                path = _checked_member_path(member)
                if path is None:
                    continue
                if str(path) in unpacked:
                    raise BackupError(f"Refused: {member.name!r} appears twice in the archive.")
                destination = target.joinpath(*path.parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with tar.extractfile(member) as source, destination.open("xb") as copy:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        copy.write(chunk)
                unpacked[str(path)] = (digest.hexdigest(), member.size)
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"{archive} is not a readable backup archive: {error}") from None
    return unpacked


def check_manifest(manifest: dict, unpacked: dict[str, tuple[str, int]]) -> None:
    """Refuse an archive from another database, or whose contents differ from its manifest."""
    if not isinstance(manifest, dict) or manifest.get("format") not in READABLE_FORMATS:
        raise BackupError("The manifest is not one of backup formats 1 or 2.")
    try:
        _compare(manifest, unpacked)
    except (KeyError, TypeError, AttributeError) as error:
        raise BackupError(f"The manifest is incomplete: {error!r}") from None


def _compare(manifest: dict, unpacked: dict[str, tuple[str, int]]) -> None:
    vendor, here = manifest["database"]["vendor"], _database_vendor()
    if vendor != here:
        raise BackupError(
            f"This archive holds a {VENDOR_NAMES.get(vendor, vendor)} dump; it restores into "
            f"{VENDOR_NAMES.get(vendor, vendor)} only, and this database is {VENDOR_NAMES[here]}."
        )
    if manifest["database"]["file"] != f"database/{DUMP_NAMES[vendor]}":
        raise BackupError("The manifest names an unexpected database file.")
    expected = {
        manifest["database"]["file"]: (manifest["database"]["sha256"], manifest["database"]["size"])
    }
    for entry in manifest["files"]:
        if entry["storage"] not in MEDIA_STORAGES:
            raise BackupError(f"Unknown storage {entry['storage']!r} in the manifest.")
        expected[f"media/{entry['storage']}/{entry['name']}"] = (entry["sha256"], entry["size"])
    actual = {name: value for name, value in unpacked.items() if name != MANIFEST}
    problems = [f"missing: {name}" for name in sorted(expected.keys() - actual.keys())]
    problems += [f"not in the manifest: {name}" for name in sorted(actual.keys() - expected.keys())]
    problems += [
        f"sha256 mismatch: {name}"
        for name in sorted(expected.keys() & actual.keys())
        if expected[name] != actual[name]
    ]
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise BackupError(f"Refused: the archive does not match its manifest:\n  {shown}{more}")


def _read_manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError("The archive has no manifest.json.") from None
    except ValueError as error:
        raise BackupError(f"The archive's manifest.json is not valid JSON: {error}") from None


def restore_media(folder: Path, manifest: dict, restored: Restored) -> None:
    """Put every archived file back under its name; the public root ends up as archived.

    A public file not in the archive belongs to no public photo of the restored database, so it
    goes (every public file must belong to a public photo). Extra private files are only listed.
    """
    archived: dict[str, set[str]] = {label: set() for label in MEDIA_STORAGES}
    for entry in manifest["files"]:
        storage = storages[MEDIA_STORAGES[entry["storage"]]]
        if manifest["format"] >= 2:  # archived as stored; format 1 held them plain
            storage = raw_storage(storage)
        name = entry["name"]
        if storage.exists(name):
            storage.delete(name)
        with (folder / "media" / entry["storage"]).joinpath(*name.split("/")).open("rb") as file:
            saved = storage.save(name, File(file, name=name))
        if saved != name:
            raise BackupError(f"The storage renamed {name} to {saved}.")
        archived[entry["storage"]].add(name)
        restored.files += 1
    public = storages[MEDIA_STORAGES["public"]]
    for name in list(stored_files(public)):
        if name not in archived["public"]:
            public.delete(name)
            restored.removed_public.append(name)
    private = storages[MEDIA_STORAGES["private"]]
    restored.extra_private = [n for n in stored_files(private) if n not in archived["private"]]


def read_identities(text: str) -> list:
    """The age private keys in an identity file (as age-keygen writes it) or typed at a prompt."""
    lines = [line.strip() for line in text.splitlines()]
    keys = [line for line in lines if line and not line.startswith("#")]
    if not keys:
        raise BackupError("No backup private key given (a line AGE-SECRET-KEY-1...).")
    try:
        return [pyrage.x25519.Identity.from_str(key) for key in keys]
    except pyrage.IdentityError:
        raise BackupError(
            "That is not an age private key (AGE-SECRET-KEY-1...): check the key file."
        ) from None


def is_encrypted(archive: Path) -> bool:
    with archive.open("rb") as file:
        return file.read(len(AGE_MAGIC)) == AGE_MAGIC


def _check_checksum(archive: Path) -> None:
    """A .sha256 file beside the archive must match: the copy is the one that was written."""
    sidecar = checksum_path(archive)
    if not sidecar.exists():
        return
    expected = sidecar.read_text(encoding="utf-8").split()[:1]
    with archive.open("rb") as file:
        digest = hashlib.file_digest(file, "sha256").hexdigest()
    if expected != [digest]:
        raise BackupError(f"Refused: {archive.name} does not match {sidecar.name}.")


def _decrypt_archive(archive: Path, identities: list | None, folder: Path) -> Path:
    """The plain tar.gz of an archive, decrypted into the scratch folder in full before
    anything is changed: age refuses a wrong key and any altered or cut-off byte."""
    if not is_encrypted(archive):
        return archive
    if not identities:
        raise BackupError(
            f"{archive.name} is encrypted: give the backup private key (--identity FILE, or "
            "type it when asked)."
        )
    plain = folder / "archive.tar.gz"
    try:
        with archive.open("rb") as source, plain.open("xb") as target:
            pyrage.decrypt_io(source, target, identities)
    except (pyrage.DecryptError, OSError) as error:  # OSError: a damaged stream
        raise BackupError(
            f"The key does not open {archive.name}: it was encrypted to another key, or the "
            f"file is damaged ({error})."
        ) from None
    return plain


def restore_backup(
    *, archive: Path, identities: list | None = None, overwrite: bool = False
) -> Restored:
    """Restore database and media from an archive, only after the whole archive checks out."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive} is not a file.")
    _database_vendor()
    if not overwrite and database_has_records():
        raise BackupError(
            "The database already holds cases or reports: restoring would replace them. "
            "Restore into an empty database, or pass --yes to replace them."
        )
    _check_checksum(archive)
    with tempfile.TemporaryDirectory(prefix="restore-") as scratch:
        plain = _decrypt_archive(archive, identities, Path(scratch))
        folder = Path(scratch) / "unpacked"
        unpacked = unpack(plain, folder)
        manifest = _read_manifest(folder)
        check_manifest(manifest, unpacked)
        restored = Restored(manifest=manifest)
        newer = unknown_migrations(manifest)
        if newer:
            restored.warnings.append(
                "The archive comes from newer code; this code does not know: " + ", ".join(newer)
            )
        restore_database(folder / manifest["database"]["file"])
        restore_media(folder, manifest, restored)
    pending = pending_migrations()
    if pending:
        restored.warnings.append(
            f"{len(pending)} migrations of this code are not applied: run `manage.py migrate`."
        )
    return restored
