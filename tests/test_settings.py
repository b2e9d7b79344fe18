"""Settings fail loudly rather than run insecurely."""

import os
import subprocess
import sys

from django.conf import settings

from .conftest import ENCRYPTION_KEYS_ENV


def load_settings(**env):
    """Import the settings in a fresh interpreter with exactly these variables."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import advocacy.settings"],
        env=clean | env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    result = load_settings(DEBUG="false")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set" in result.stderr


def test_settings_start_without_secret_key_in_debug():
    assert load_settings(DEBUG="true").returncode == 0


def test_settings_refuse_a_misspelt_boolean():
    result = load_settings(DEBUG="ture", SECRET_KEY="x")
    assert "DEBUG must be true or false" in result.stderr


def test_settings_refuse_private_media_inside_public_media(tmp_path):
    result = load_settings(
        SECRET_KEY="x", MEDIA_ROOT=str(tmp_path), PRIVATE_MEDIA_ROOT=str(tmp_path / "private")
    )
    assert "PRIVATE_MEDIA_ROOT must not lie inside" in result.stderr


def test_production_settings_refuse_missing_or_development_encryption_keys():
    dev_key = "ZGV2ZWxvcG1lbnQtb25seS1uZXZlci1pbi1wcm9kISE="
    refused = [
        ({"FIELD_ENCRYPTION_KEYS": "", "LOOKUP_HASH_KEY": ""}, "must be set when DEBUG is off"),
        ({"FIELD_ENCRYPTION_KEYS": dev_key}, "development keys are public"),
        ({"FIELD_ENCRYPTION_KEYS": "not-a-key"}, "key 1 is not a Fernet key"),
        ({"LOOKUP_HASH_KEY": "short"}, "at least 32 characters"),
        ({"BACKUP_RECIPIENTS": "age1nope"}, "not an age public key"),
    ]
    for env, message in refused:
        result = load_settings(DEBUG="false", SECRET_KEY="x", **(ENCRYPTION_KEYS_ENV | env))
        assert result.returncode != 0 and message in result.stderr, env


def test_development_gets_fixed_keys_without_configuration():
    clean = {"FIELD_ENCRYPTION_KEYS": "", "LOOKUP_HASH_KEY": ""}
    assert load_settings(DEBUG="true", **clean).returncode == 0
