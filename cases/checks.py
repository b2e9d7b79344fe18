"""`manage.py check --deploy`: the keys that keep private data encrypted at rest."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_encryption_keys(app_configs, **kwargs):
    """Development keys are public; one key doing two jobs falls with the other."""
    problems = []
    if (
        not settings.FIELD_ENCRYPTION_KEYS
        or settings.DEV_FIELD_KEY in settings.FIELD_ENCRYPTION_KEYS
    ):
        problems.append(
            checks.Error(
                "FIELD_ENCRYPTION_KEYS is unset or holds the development key: relatives' details "
                "and photos are not protected at rest.",
                hint="Generate one with `manage.py generate_keys` and keep it off the database "
                "and the backups (docs/deploy.md, Keys).",
                id="cases.E001",
            )
        )
    if settings.LOOKUP_HASH_KEY == settings.DEV_LOOKUP_HASH_KEY:
        problems.append(
            checks.Error(
                "LOOKUP_HASH_KEY is the development key: anyone can confirm a guessed phone "
                "number against the database.",
                hint="Generate one with `manage.py generate_keys`.",
                id="cases.E002",
            )
        )
    shared = {settings.SECRET_KEY, settings.LOOKUP_HASH_KEY} & set(settings.FIELD_ENCRYPTION_KEYS)
    if shared or settings.SECRET_KEY == settings.LOOKUP_HASH_KEY:
        problems.append(
            checks.Warning(
                "SECRET_KEY, LOOKUP_HASH_KEY and FIELD_ENCRYPTION_KEYS must be different keys.",
                id="cases.W001",
            )
        )
    if not settings.BACKUP_RECIPIENTS:
        problems.append(
            checks.Warning(
                "BACKUP_RECIPIENTS is empty: `manage.py backup` refuses to run.",
                hint="Set the office's backup public key (age1...); its private key stays "
                "offline (docs/deploy.md, Keys).",
                id="cases.W002",
            )
        )
    return problems
