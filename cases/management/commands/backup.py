"""Write one encrypted backup archive: database dump, public and private media, manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.backups import BackupError, create_backup, default_backup_dir


class Command(BaseCommand):
    help = (
        "Write backup-<UTC time>.tar.gz.age (mode 0600), encrypted to BACKUP_RECIPIENTS, holding "
        "a native database dump, both media roots and a manifest with the sha256 of every file, "
        "and the archive's own sha256 beside it. Default folder: BACKUP_DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, help="folder for the archive (default: the BACKUP_DIR setting)"
        )
        parser.add_argument(
            "--plaintext",
            action="store_true",
            help="write it unencrypted (development only: refused with DEBUG off)",
        )

    def handle(self, *args, output=None, plaintext=False, **options):
        if plaintext:
            self.stderr.write(
                self.style.WARNING(
                    "Writing an UNENCRYPTED backup: anyone who gets the file reads everything "
                    "that the field keys do not protect."
                )
            )
        try:
            backup = create_backup(output_dir=output or default_backup_dir(), plaintext=plaintext)
        except BackupError as error:
            raise CommandError(str(error)) from None
        files = backup.manifest["files"]
        size = sum(entry["size"] for entry in files)
        self.stdout.write(
            f"Wrote {backup.path}: {backup.manifest['database']['vendor']} database and "
            f"{len(files)} media files ({size} bytes)."
        )
