"""Settings fail loudly rather than run insecurely."""

import os
import subprocess
import sys

from django.conf import settings


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
