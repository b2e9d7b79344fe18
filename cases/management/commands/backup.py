"""Write one backup archive: database dump, public and private media, manifest of hashes."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.backups import BackupError, create_backup, default_backup_dir


class Command(BaseCommand):
    help = (
        "Write backup-<UTC time>.tar.gz (mode 0600) holding a native database dump, both media "
        "roots and a manifest with the sha256 of every file. Default folder: BACKUP_DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, help="folder for the archive (default: the BACKUP_DIR setting)"
        )

    def handle(self, *args, output=None, **options):
        try:
            backup = create_backup(output_dir=output or default_backup_dir())
        except BackupError as error:
            raise CommandError(str(error)) from None
        files = backup.manifest["files"]
        size = sum(entry["size"] for entry in files)
        self.stdout.write(
            f"Wrote {backup.path}: {backup.manifest['database']['vendor']} database and "
            f"{len(files)} media files ({size} bytes)."
        )
