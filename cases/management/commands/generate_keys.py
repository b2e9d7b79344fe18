"""Print new keys for the configuration file: field encryption, lookup hashes, backups."""

import secrets

import pyrage
from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Print a new FIELD_ENCRYPTION_KEYS key and a new LOOKUP_HASH_KEY; with --backup, a new "
        "backup key pair instead (do that on the offline machine that keeps the private key)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--backup",
            action="store_true",
            help="print an age key pair: the public key for BACKUP_RECIPIENTS, the private "
            "key for the offline copy only",
        )

    def handle(self, *args, backup=False, **options):
        if backup:
            identity = pyrage.x25519.Identity.generate()
            self.stdout.write(f"# public key, for BACKUP_RECIPIENTS:\n# {identity.to_public()}")
            self.stdout.write(f"# private key: keep it offline, never on the server\n{identity}")
            return
        self.stdout.write(
            "# Put the new field key first and keep the old ones after it until "
            "`manage.py rotate_keys` has run."
        )
        self.stdout.write(f"FIELD_ENCRYPTION_KEYS={Fernet.generate_key().decode()}")
        self.stdout.write(f"LOOKUP_HASH_KEY={secrets.token_urlsafe(32)}")
