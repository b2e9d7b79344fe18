"""Case dossiers: what the PDF holds, who may download it, the bulk export, and that rendering
never reaches the network."""

import csv
import hashlib
import importlib
import io
import re
import threading
import zipfile
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pypdf import PdfReader

from cases import dossier, photos
from cases.evidence_models import FileEvent
from cases.models import Case, Citation, DossierExport, Event, FamilyStep, Name, WgeidRecord
from cases.wgeid import WGEID_CSV_COLUMNS, wgeid_elements

from .conftest import log_in_to_admin
from .factories import jpeg_bytes, make_case, make_photo, make_report, make_source, staff_user

pytestmark = pytest.mark.django_db

dossier_roles = importlib.import_module("cases.migrations.0021_dossier")

SPELLINGS = ["Әділғазы Ерғазы", "Adilgazy Yergazy", "ئادىلغازى ئەرغازى", "阿地力加孜"]
ARCHIVE_URL = "https://archive.example.org/2019/01/the-camps-report"


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def squeezed(text: str) -> str:
    """Without white space: a long URL or hash may wrap onto the next line of a table cell."""
    return re.sub(r"\s+", "", text)


def hashed_photo(case, **fields):
    photo = make_photo(case, **fields)
    with photo.image.open("rb") as stored:
        photo.sha256 = hashlib.sha256(stored.read()).hexdigest()
    photo.save(update_fields=["sha256"])
    return photo


def make_full_case(**fields):
    defaults = {
        "display_name": "A. Y.",
        "hometown_detail": "Tekes county",
        "last_known_place": "A camp near Ghulja",
        "situation": "detained_camp",
    }
    case = make_case(**(defaults | fields))
    for text in SPELLINGS:
        Name.objects.create(case=case, text=text)
    source = make_source(
        title="Families of the detained speak",
        publisher="Example News",
        url="https://news.example.org/families",
        archive_url=ARCHIVE_URL,
        published_date=date(2019, 1, 8),
    )
    Citation.objects.create(case=case, source=source, claim="Detained in March 2018")
    Event.objects.create(
        case=case, kind="detained", date=date(2018, 3, 1), date_precision="month", place="Tekes"
    )
    make_report(
        case,
        consent="public_anonymous",
        photo_consent=True,
        relationship="sibling",
        language="kk",
        submitter_name="Private Submitter",
        submitter_phone="+7 700 123 4567",
    )
    hashed_photo(case, alt_text="Portrait")
    WgeidRecord.objects.create(
        case=case,
        id_card_number="654321198001011234",
        nationality="Chinese",
        occupation="Farmer",
        disappearance_date=date(2018, 3, 9),
        disappearance_date_precision="day",
        disappearance_place="Tekes county police station",
        responsible_name="Tekes county public security bureau",
        consent_submission="yes",
        consent_named="no",
    )
    FamilyStep.objects.create(
        case=case, kind=FamilyStep.Kind.choices[0][0], addressed_to="The local police"
    )
    return case


def editor(username="editor"):
    """An Editor, whose role gets the dossier permission from migration 0021."""
    return staff_user(username, "Editor")


@pytest.fixture
def editor_client(client):
    return log_in_to_admin(client, editor())


def download(client, case):
    return client.post(f"/admin/cases/case/{case.pk}/dossier/")


def test_the_dossier_holds_every_element_citation_fingerprint_and_the_signature_page(
    editor_client,
):
    case = make_full_case()
    unapproved = make_photo(case, approved=False, sha256=hashlib.sha256(b"other").hexdigest())
    approved = case.photos.filter(approved=True).get()
    response = download(editor_client, case)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    elements = wgeid_elements(case)
    assert len(elements) >= 20
    for label, value in elements:
        assert squeezed(label) in squeezed(text)
        for line in value.splitlines():  # several names: one a line
            assert squeezed(line) in squeezed(text), label
    for private in ("654321198001011234", "Tekes county public security bureau"):
        assert private in text
    for spelling in SPELLINGS:
        assert spelling in text
    assert "Detained in March 2018" in text and "Families of the detained speak" in text
    assert ARCHIVE_URL in squeezed(text) and "https://news.example.org/families" in squeezed(text)
    assert approved.sha256 in squeezed(text)
    assert unapproved.sha256 not in squeezed(text)
    assert squeezed("May be published without the legal name") in squeezed(text)  # consent
    assert squeezed("For the submitter to sign") in squeezed(text)
    assert squeezed(str(dossier.LABELS["statement"])) in squeezed(text)
    assert "Private Submitter" not in text and "123 4567" not in squeezed(text)


def test_the_dossier_prints_both_fingerprints_the_trail_and_the_files_behind_each_claim(
    editor_client,
):
    case = make_full_case()
    photo = case.photos.get()
    photo.original_sha256 = hashlib.sha256(b"the file as the relative sent it").hexdigest()
    photo.save(update_fields=["original_sha256"])
    case.citations.get().photos.add(photo)
    download(editor_client, case)  # the first export is then in the trail the second prints
    text = text_of(download(editor_client, case).content)
    assert photo.original_sha256 in squeezed(text) and photo.sha256 in squeezed(text)
    assert squeezed(f"dossier-case-{case.pk}.pdf") in squeezed(text)  # the export, in the trail
    assert squeezed(str(dossier.LABELS["supported_by"])) in squeezed(text)
    assert f"#{photo.pk}" in text


def test_each_export_adds_a_step_to_the_trail_of_every_photo_it_holds(editor_client):
    cases = [make_full_case(), make_full_case()]
    hashed_photo(cases[1])
    export(editor_client, cases)
    steps = FileEvent.objects.filter(action="exported")
    assert steps.count() == 3
    assert {step.actor.username for step in steps} == {"editor"}
    assert {step.photo.case_id for step in steps} == {case.pk for case in cases}


def test_the_download_is_not_kept_and_its_name_names_no_one(editor_client):
    case = make_full_case()
    response = download(editor_client, case)
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["Content-Disposition"] == f'attachment; filename="dossier-case-{case.pk}.pdf"'


def test_each_download_is_recorded_with_who_and_which_case(editor_client):
    case = make_full_case()
    download(editor_client, case)
    export = DossierExport.objects.get()
    assert export.exported_by.username == "editor"
    assert list(export.cases.all()) == [case]
    assert (export.kind, export.case_count, export.photo_count) == ("pdf", 1, 1)


def test_a_moderator_gets_no_dossier_and_sees_no_button(client):
    case = make_full_case()
    moderator = log_in_to_admin(client, staff_user("moderator", "Moderator"))
    assert (
        "Download dossier (PDF)" not in moderator.get(f"/admin/cases/case/{case.pk}/change/").text
    )
    response = download(moderator, case)
    assert response.status_code == 403
    assert not response.content.startswith(b"%PDF") and not DossierExport.objects.exists()


def test_an_editor_sees_the_button(editor_client):
    case = make_full_case()
    page = editor_client.get(f"/admin/cases/case/{case.pk}/change/").text
    assert "Download dossier (PDF)" in page
    assert f'action="/admin/cases/case/{case.pk}/dossier/"' in page


def test_without_the_second_factor_or_as_a_visitor_there_is_no_dossier(client):
    case = make_full_case()
    client.force_login(editor())  # a password only: the session has not passed the second factor
    response = download(client, case)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    visitor = User.objects.create_user("visitor", password="x" * 16)
    client.force_login(visitor)
    response = download(client, case)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert not DossierExport.objects.exists()


def test_a_get_of_the_dossier_url_downloads_nothing(editor_client):
    case = make_full_case()
    response = editor_client.get(f"/admin/cases/case/{case.pk}/dossier/")
    assert response.status_code == 302 and not DossierExport.objects.exists()


def test_names_in_four_scripts_come_out_of_the_pdf_as_text(editor_client):
    """Text extraction gives back each name only if its font was embedded and shaped."""
    case = make_full_case()
    text = text_of(download(editor_client, case).content)
    assert all(spelling in text for spelling in SPELLINGS)
    reader = PdfReader(io.BytesIO(download(editor_client, case).content))
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert {"Noto-Sans", "Noto-Naskh-Arabic", "Noto-Sans-CJK-SC"} <= fonts


def test_labels_are_in_the_office_language_and_in_english(editor_client, settings):
    settings.DOSSIER_LANGUAGE = "ru"
    case = make_full_case()
    text = text_of(download(editor_client, case).content)
    with override("ru"):
        assert str(dossier.LABELS["timeline"]) != "Timeline", "untranslated label"
        assert str(dossier.LABELS["timeline"]) in text
        russian_elements = wgeid_elements(case)
    assert "Timeline" in text
    for (russian, _value), (english, _same) in zip(
        russian_elements, wgeid_elements(case), strict=True
    ):
        assert squeezed(russian) in squeezed(text) and squeezed(english) in squeezed(text)


def test_a_right_to_left_office_language_sets_the_direction(editor_client, settings):
    settings.DOSSIER_LANGUAGE = "ug"
    case = make_full_case()
    with override("ug"):
        html = render_to_string(dossier.TEMPLATE, built(case).context())
    assert '<html lang="ug" dir="rtl">' in html
    assert '<span class="en" lang="en" dir="ltr">Timeline</span>' in html
    assert '<bdi dir="rtl" class="person-name">ئادىلغازى ئەرغازى</bdi>' in html
    text = text_of(download(editor_client, case).content)
    with override("ug"):
        assert str(dossier.LABELS["timeline"]) in text
    assert "ئادىلغازى ئەرغازى" in text


def built(case):
    return dossier.build_dossier(
        dossier.dossier_cases(Case.objects.filter(pk=case.pk)).get(), by=None
    )


def test_the_number_of_queries_does_not_grow_with_photos_or_names():
    small, large = make_full_case(), make_full_case()
    for _ in range(4):
        hashed_photo(large)
        Name.objects.create(case=large, text="Another Spelling")

    def queries_for(case):
        with CaptureQueriesContext(connection) as captured:
            built(case)
        return len(captured)

    assert queries_for(small) == queries_for(large) == 10


class CountingHandler(BaseHTTPRequestHandler):
    requests = []

    def do_GET(self):  # the name http.server calls
        CountingHandler.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    """A real HTTP server on the loopback: any request the renderer made would arrive here."""
    CountingHandler.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_rendering_requests_nothing_even_when_the_html_asks_for_urls(local_server):
    html = f"""<html><head>
      <link rel="stylesheet" href="{local_server}/style.css">
      <style>@import url("{local_server}/import.css");
        @font-face {{ font-family: X; src: url("{local_server}/font.woff2"); }}
        body {{ font-family: X; background: url("{local_server}/bg.png"); }}</style>
      </head><body><img src="{local_server}/img.png"><img src="file:///etc/hostname">
      <a href="{local_server}/link">a link</a></body></html>"""
    pdf = dossier.render_pdf(html)
    assert pdf.startswith(b"%PDF") and "a link" in text_of(pdf)
    assert CountingHandler.requests == []


def test_a_case_whose_sources_link_to_a_server_renders_without_asking_it(
    editor_client, local_server
):
    case = make_full_case()
    source = make_source(url=f"{local_server}/story", archive_url=f"{local_server}/archived")
    Citation.objects.create(case=case, source=source, claim="Seen in a camp")
    text = text_of(download(editor_client, case).content)
    assert f"{local_server}/archived" in squeezed(text)
    assert CountingHandler.requests == []


def test_the_fetcher_refuses_web_and_file_urls_and_photos_of_other_cases():
    case, other = make_full_case(), make_full_case()
    fetcher = dossier.PrivatePhotoFetcher(case.photos.all())
    for url in (
        "http://127.0.0.1/",
        "https://example.org/x.png",
        "file:///etc/passwd",
        dossier.photo_url(other.photos.get()),
    ):
        with pytest.raises(dossier.RefusedURL):
            fetcher.fetch(url)
    own = fetcher.fetch(dossier.photo_url(case.photos.get()))
    assert own.read().startswith(b"\xff\xd8")  # the decrypted JPEG


@hypothesis_settings(max_examples=200)
@given(url=st.text(max_size=60))
def test_no_text_but_an_allowed_photo_is_fetched(url):
    fetcher = dossier.PrivatePhotoFetcher([])
    with pytest.raises(dossier.RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_the_photo_pipeline_still_refuses_a_cut_off_upload_after_a_dossier(editor_client):
    """WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES when imported; cases.dossier turns it
    off again, or a worker that rendered a dossier would store half a photo."""
    download(editor_client, make_full_case())
    whole = jpeg_bytes(size=(640, 480))
    with pytest.raises(photos.PhotoRejected):
        photos.sanitize_photo(io.BytesIO(whole[: len(whole) // 2]))


def export(client, cases):
    return client.post(
        "/admin/cases/case/",
        {"action": "export_dossiers", "_selected_action": [case.pk for case in cases]},
    )


def test_the_bulk_export_is_a_zip_of_one_pdf_per_case_and_an_escaped_csv(editor_client):
    first = make_full_case()
    second = make_full_case(hometown_detail='=HYPERLINK("http://example.org","x")')
    response = export(editor_client, [first, second])

    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == [
        f"dossier-case-{first.pk}.pdf",
        f"dossier-case-{second.pk}.pdf",
        "wgeid-fields.csv",
    ]
    second_pdf = text_of(archive.read(f"dossier-case-{second.pk}.pdf"))
    assert 'HYPERLINK("http://example.org","x")' in second_pdf
    rows = list(csv.reader(io.StringIO(archive.read("wgeid-fields.csv").decode("utf-8-sig"))))
    assert len(rows) == 3 and rows[0] == WGEID_CSV_COLUMNS
    assert rows[1][WGEID_CSV_COLUMNS.index("id_card_number")] == "654321198001011234"
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://example.org","x")' in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_the_bulk_export_is_recorded(editor_client):
    cases = [make_full_case(), make_full_case()]
    export(editor_client, cases)
    record = DossierExport.objects.get()
    assert (record.kind, record.case_count, record.photo_count) == ("zip", 2, 2)
    assert set(record.cases.all()) == set(cases)
    assert record.exported_by.username == "editor"


def test_too_many_cases_are_refused_with_a_message_and_nothing_recorded(editor_client):
    cases = [make_case() for _ in range(dossier.BULK_LIMIT + 1)]
    response = export(editor_client, cases)
    assert response.status_code == 302
    page = editor_client.get(response["Location"]).text
    assert f"At most {dossier.BULK_LIMIT} cases can be exported at once" in page
    assert not DossierExport.objects.exists()


def test_a_moderator_has_no_bulk_export(client):
    cases = [make_full_case()]
    moderator = log_in_to_admin(client, staff_user("moderator", "Moderator"))
    assert "export_dossiers" not in moderator.get("/admin/cases/case/").text
    response = export(moderator, cases)
    assert response.get("Content-Type") != "application/zip"
    assert not DossierExport.objects.exists()


def test_the_role_migration_gives_editors_the_permission():
    moderator = staff_user("moderator", "Moderator")  # the roles, as migrated (a browser test
    Group.objects.get(name="Editor").permissions.clear()  # in this process may flush them)
    dossier_roles.grant(apps, None)
    editors = Group.objects.get(name="Editor").permissions.values_list("codename", flat=True)
    assert set(editors) == {"export_dossier", "view_dossierexport"}
    assert not moderator.has_perm("cases.export_dossier")
