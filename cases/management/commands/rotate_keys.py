"""Re-encrypt every private field and photo under the first key of FIELD_ENCRYPTION_KEYS."""

from django.core.management.base import BaseCommand, CommandError

from cases.crypto import UndecryptableError
from cases.rotation import DEFAULT_BATCH, rotate_all


class Command(BaseCommand):
    help = (
        "Re-encrypt relatives' details, narratives, second-factor secrets and private photos "
        "under the first FIELD_ENCRYPTION_KEYS key, and recompute lookup hashes under "
        "LOOKUP_HASH_KEY, in batches. Safe to stop and run again: what is done is skipped. "
        "Remove an old key only after a run that ends with 'done'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)

    def handle(self, *args, batch_size, verbosity=1, **options):
        self.verbosity = verbosity
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            done = rotate_all(batch_size=batch_size, after_batch=self.report)
        except UndecryptableError as error:
            raise CommandError(str(error)) from None
        rewritten = sum(progress.rewritten for progress in done)
        seen = sum(progress.seen for progress in done)
        self.stdout.write(f"done: {rewritten} of {seen} rows and photos re-encrypted.")

    def report(self, progress):
        if self.verbosity >= 2:
            self.stdout.write(
                f"{progress.label}: up to #{progress.last_pk}, {progress.rewritten} of "
                f"{progress.seen} re-encrypted"
            )
