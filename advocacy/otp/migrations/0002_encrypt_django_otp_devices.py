"""Move staff's second factors out of django-otp's tables, where their secrets lie in clear,
into ours, where they are encrypted; django-otp's rows are deleted. Staff notice nothing."""

from django.db import migrations

COMMON = [
    "user_id",
    "name",
    "confirmed",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "created_at",
    "last_used_at",
]


def _copy(source, target, extra=()):
    return target(**{field: getattr(source, field) for field in [*COMMON, *extra]})


def encrypt_devices(apps, schema_editor):
    moves = [
        (
            apps.get_model("otp_totp", "TOTPDevice"),
            apps.get_model("staff_otp", "AuthenticatorDevice"),
            ["key", "drift", "last_t"],
        ),
        (
            apps.get_model("otp_static", "StaticDevice"),
            apps.get_model("staff_otp", "BackupCodeDevice"),
            [],
        ),
    ]
    code_model = apps.get_model("staff_otp", "BackupCode")
    for old_model, new_model, extra in moves:
        for old in old_model.objects.all():
            new = _copy(old, new_model, extra)
            new.save()
            if hasattr(old, "token_set"):
                code_model.objects.bulk_create(
                    code_model(device=new, code=token.token) for token in old.token_set.all()
                )
        old_model.objects.all().delete()


def decrypt_devices(apps, schema_editor):
    moves = [
        (
            apps.get_model("staff_otp", "AuthenticatorDevice"),
            apps.get_model("otp_totp", "TOTPDevice"),
            ["key", "drift", "last_t"],
        ),
        (
            apps.get_model("staff_otp", "BackupCodeDevice"),
            apps.get_model("otp_static", "StaticDevice"),
            [],
        ),
    ]
    token_model = apps.get_model("otp_static", "StaticToken")
    for new_model, old_model, extra in moves:
        for new in new_model.objects.all():
            old = _copy(new, old_model, extra)
            old.save()
            if hasattr(new, "codes"):
                token_model.objects.bulk_create(
                    token_model(device=old, token=code.code) for code in new.codes.all()
                )
        new_model.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("staff_otp", "0001_initial"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(encrypt_devices, decrypt_devices)]
