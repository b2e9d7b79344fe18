"""Retention, run daily from a timer: expired spam goes, long-closed reports lose contacts."""

from django.core.management.base import BaseCommand

from cases.retention import purge, retention_days


class Command(BaseCommand):
    help = (
        "Delete spam reports (and their photo files) unchanged for SPAM_RETENTION_DAYS, "
        "blank submitters' contact details of reports closed for CONTACT_RETENTION_DAYS, and "
        "delete staff login records older than LOGIN_LOG_RETENTION_DAYS."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")

    def handle(self, *args, dry_run=False, **options):
        summary = purge(dry_run=dry_run)
        spam_days = retention_days("SPAM_RETENTION_DAYS")
        contact_days = retention_days("CONTACT_RETENTION_DAYS")
        login_days = retention_days("LOGIN_LOG_RETENTION_DAYS")
        verb = "Would delete" if dry_run else "Deleted"
        blank = "Would blank" if dry_run else "Blanked"
        self.stdout.write(
            f"{verb} {summary.spam_reports} spam reports older than {spam_days} days, "
            f"with {summary.photos} photos ({summary.files} files)."
        )
        self.stdout.write(
            f"{blank} contact details of {summary.contacts_blanked} reports closed "
            f"for more than {contact_days} days."
        )
        self.stdout.write(
            f"{verb} {summary.login_records} staff login records older than {login_days} days."
        )
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
