"""Restore a backup archive into this site's database and media roots, after checking it all."""

import getpass
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.backups import BackupError, is_encrypted, read_identities, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive: checks every file against the manifest first, then replaces "
        "the database and puts the media back. Stop the site before restoring."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--identity",
            type=Path,
            help="file holding the backup private key (AGE-SECRET-KEY-1...); without it, "
            "the key is asked for",
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help="replace a database that already holds cases or reports",
        )

    def handle(self, *args, archive, identity=None, yes=False, **options):
        try:
            identities = self.identities(archive, identity)
            restored = restore_backup(archive=archive, identities=identities, overwrite=yes)
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest = restored.manifest
        self.stdout.write(
            f"Restored the {manifest['database']['vendor']} database of {manifest['created_at']} "
            f"and {restored.files} media files."
        )
        if restored.removed_public:
            self.stdout.write(
                f"Removed {len(restored.removed_public)} public files that the archive does not "
                "have (each public file must belong to a public photo)."
            )
        if restored.extra_private:
            self.stdout.write(
                f"Left {len(restored.extra_private)} private files that the archive does not have."
            )
        for warning in restored.warnings:
            self.stderr.write(self.style.WARNING(warning))

    def identities(self, archive: Path, identity: Path | None):
        """The private key, read only now: it never lives on the server between restores."""
        if identity is not None:
            try:
                return read_identities(identity.read_text(encoding="utf-8"))
            except OSError as error:
                raise BackupError(f"Cannot read the key file {identity}: {error}") from None
        if not archive.is_file() or not is_encrypted(archive):
            return None
        if not sys.stdin.isatty():
            raise BackupError(
                f"{archive.name} is encrypted: give the backup private key with --identity FILE."
            )
        return read_identities(getpass.getpass("Backup private key (AGE-SECRET-KEY-1...): "))
