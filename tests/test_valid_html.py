"""The Nu HTML checker (vnu, from the npm package vnu-jar) finds no error in any public page,
in any language, as the site serves it: the form with errors, the receipt and the status page
behind a code included. One run of the checker over all the saved pages."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from .test_browser_page_quality import NOT_FOUND, public_paths, public_record
from .test_report_form import report_post

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.urls_public_media")]

VNU = Path(__file__).resolve().parent / "browser_tools" / "node_modules" / "vnu-jar" / "build"
VNU_JAR = VNU / "dist" / "vnu.jar"
JAVA = shutil.which("java")
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def saved_pages(client, tmp_path):
    """Every public page in every language, saved as served; returns the files."""
    case, source = public_record()
    files = []

    def save(name, response):
        path = tmp_path / (re.sub(r"\W+", "-", name) + ".html")
        path.write_bytes(response.content)
        files.append(path)

    for language in LANGUAGES:
        for name, path in public_paths(case, source).items():
            response = client.get(f"/{language}/{path}")
            assert response.status_code == (404 if path == NOT_FOUND else 200), path
            save(f"{language} {name}", response)
        report = f"/{language}/report/"
        save(f"{language} report errors", client.post(report, report_post(**{"names-0-text": ""})))
        receipt = client.post(report, report_post())
        save(f"{language} receipt", receipt)
        code = re.search(rb"<code>([0-9A-Z-]+)</code>", receipt.content).group(1).decode()
        client.post(f"/{language}/report/status/", {"code": code})
        save(f"{language} report status", client.get(f"/{language}/report/status/"))
        client.cookies.clear()
    return files


def test_every_public_page_is_valid_html(client, tmp_path):
    if JAVA is None:  # .ci/run installs it
        pytest.skip("No Java found for the Nu checker: `apt-get install default-jre-headless`.")
    if not VNU_JAR.exists():
        pytest.fail("vnu.jar is missing: `make test` installs it (npm ci in tests/browser_tools)")
    files = saved_pages(client, tmp_path)
    checked = subprocess.run(
        [JAVA, "-jar", str(VNU_JAR), "--errors-only", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors = checked.stderr.strip().replace(f"file:{tmp_path}/", "")
    assert errors == "", errors
