"""Restore a backup archive into this site's database and media roots, after checking it all."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive: checks every file against the manifest first, then replaces "
        "the database and puts the media back. Stop the site before restoring."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--yes",
            action="store_true",
            help="replace a database that already holds cases or reports",
        )

    def handle(self, *args, archive, yes=False, **options):
        try:
            restored = restore_backup(archive=archive, overwrite=yes)
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
