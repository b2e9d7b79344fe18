"""An editor downloads a case's dossier from its page, then the dossiers of two cases at once."""

import io
import zipfile

import pytest

from .conftest import log_in_through_the_browser
from .factories import staff_user
from .journeys import check_step
from .test_dossier import SPELLINGS, make_full_case, text_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOURNEY = "dossier"
PASSWORD = "a long test password"


def downloaded(page, click):
    """What the browser saved when `click` started a download, and the name it offered."""
    with page.expect_download() as started:
        click()
    download = started.value
    with open(download.path(), "rb") as saved:
        return download.suggested_filename, saved.read()


def test_an_editor_downloads_one_dossier_and_then_two_in_a_zip(live_server, browser_page):
    editor = staff_user("editor", "Editor", password=PASSWORD)
    first, second = make_full_case(), make_full_case()
    page = log_in_through_the_browser(browser_page, live_server, editor, PASSWORD)

    page.goto(f"{live_server.url}/admin/cases/case/{first.pk}/change/")
    check_step(page, live_server, JOURNEY, "case page")
    name, pdf = downloaded(page, lambda: page.click("text=Download dossier (PDF)"))
    assert name == f"dossier-case-{first.pk}.pdf"
    assert pdf.startswith(b"%PDF") and all(spelling in text_of(pdf) for spelling in SPELLINGS)

    page.goto(f"{live_server.url}/admin/cases/case/")
    for case in (first, second):
        page.check(f"input[name='_selected_action'][value='{case.pk}']")
    page.select_option("select[name='action']", "export_dossiers")
    check_step(page, live_server, JOURNEY, "two cases selected")
    name, content = downloaded(page, lambda: page.click("button[name='index']"))
    assert name.startswith("dossiers-") and name.endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(content))
    pdfs = [entry for entry in archive.namelist() if entry.endswith(".pdf")]
    assert sorted(pdfs) == [f"dossier-case-{first.pk}.pdf", f"dossier-case-{second.pk}.pdf"]
    assert [entry for entry in archive.namelist() if not entry.endswith(".pdf")] == [
        "wgeid-fields.csv"
    ]
    assert all(archive.read(entry).startswith(b"%PDF") for entry in pdfs)
