"""Private activity leaves no public trace: ETags, open-data file names and public times move only
when something the public sees changes, and public times are cut to the minute."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.caching import current_generation
from cases.models import Case, Citation, Consent, Name, Report
from cases.services import add_to_report, attach_report, mark_report, restrict_consent

from .factories import jpeg_bytes, make_case, make_photo, make_published_case, make_report
from .test_open_data import parse_xml
from .test_report_form import report_post, upload

pytestmark = pytest.mark.django_db

PUBLIC_URLS = ["/en/", "/en/cases/", "/en/sources/", "/en/stats/", "/ru/cases/"]
DATA_URLS = ["/data/cases.json", "/data/cases.csv"]
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def public_traces(client, case):
    """Everything a poller can read without reading the pages: validators and times."""
    urls = [*PUBLIC_URLS, case.get_absolute_url(), *DATA_URLS]
    traces = {url: client.get(url)["ETag"] for url in urls}
    document = json.loads(b"".join(client.get("/data/cases.json").streaming_content))
    traces["open data times"] = [(c["published_at"], c["updated_at"]) for c in document["cases"]]
    traces["feed"] = client.get("/feeds/cases.atom").content
    traces["sitemap"] = client.get("/sitemap-cases.xml").content
    traces["case page"] = client.get(case.get_absolute_url()).text
    return traces


@pytest.fixture
def published(client):
    """A published case whose page was last changed a while ago, and the traces it leaves."""
    with time_machine.travel(timezone.now() - timedelta(days=3, seconds=17), tick=False):
        case = make_published_case(names=["Public Name"], photo_consent=True)
    return case


def test_a_report_sent_through_the_form_leaves_every_public_trace_as_it_was(client, published):
    before = public_traces(client, published)
    generation = current_generation()
    photo = (upload(jpeg_bytes((120, 90)), "face.jpg"), "portrait", "")
    assert client.post("/en/report/", report_post(photos=[photo])).status_code == 200
    assert Report.objects.count() == 1
    assert current_generation() == generation
    assert public_traces(client, published) == before


def test_a_photo_and_text_added_on_the_status_page_leave_no_public_trace(client, published):
    report = make_report(case=published, consent=Consent.PUBLIC_NAMED, photo_consent=True)
    code = report.issue_receipt()
    report.save()
    before = public_traces(client, published)
    client.post("/en/report/status/", {"code": code})
    data = {
        "narrative": "More about him.",
        "photos-TOTAL_FORMS": "5",
        "photos-INITIAL_FORMS": "0",
        "photos-0-file": SimpleUploadedFile("p.jpg", jpeg_bytes(), content_type="image/jpeg"),
    } | {f"photos-{i}-kind": "portrait" for i in range(5)}
    response = client.post("/en/report/status/add/", data, follow=True)
    assert "What you added has reached our staff" in response.text
    assert published.photos.count() == 1
    assert public_traces(client, published) == before


def test_staff_work_on_private_fields_and_drafts_leaves_no_public_trace(client, published):
    draft = make_case(display_name="Draft")
    Name.objects.create(case=draft, text="Draft Name", is_public=True)
    make_photo(draft, approved=True)
    report = make_report(case=draft, consent=Consent.PUBLIC_NAMED, photo_consent=True)
    before = public_traces(client, published)
    generation = current_generation()

    published.hidden_reason = "a note for staff"
    published.consent = Consent.PUBLIC_ANONYMOUS
    published.save()
    Name.objects.create(case=published, text="Private spelling", is_public=False)
    make_photo(published, approved=False)
    Citation.objects.create(case=draft, source=published.citations.get().source, claim="x")
    mark_report(report=report, state=Report.State.REVIEWED, by=None)
    add_to_report(report=report, narrative="more", photos=[])
    restrict_consent(case=published, consent=Consent.PUBLIC_NAMED, photo_consent=True)
    attach_report(report=report, case=published, by=None)

    assert current_generation() == generation
    assert public_traces(client, published) == before


def test_a_public_edit_moves_the_etag_and_the_public_time_to_the_minute(client, published):
    before = public_traces(client, published)
    stamp = published.public_updated_at
    published.refresh_from_db()
    published.public_summary = "Now with a summary."
    published.save()
    published.refresh_from_db()
    assert published.public_updated_at > stamp
    assert (published.public_updated_at.second, published.public_updated_at.microsecond) == (0, 0)
    after = public_traces(client, published)
    assert all(after[url] != before[url] for url in [published.get_absolute_url(), *DATA_URLS])


def test_a_new_public_spelling_moves_the_case_page_s_public_time(published):
    stamp = published.public_updated_at
    Name.objects.create(case=published, text="Another Public Spelling", is_public=True)
    published.refresh_from_db()
    assert published.public_updated_at > stamp


A_MINUTE = re.compile(r"T\d\d:\d\d:00(Z|[+-]\d\d:\d\d)$")


def test_public_times_carry_no_seconds_anywhere(client, published):
    published.public_summary = "edited"
    published.save()
    document = json.loads(b"".join(client.get("/data/cases.json").streaming_content))
    for record in document["cases"]:
        assert A_MINUTE.search(record["published_at"]), record["published_at"]
        assert A_MINUTE.search(record["updated_at"]), record["updated_at"]
    feed = parse_xml(client.get("/feeds/cases.atom").content)
    times = [element.text for tag in ("updated", "published") for element in feed.iter(ATOM + tag)]
    assert times and all(A_MINUTE.search(text) for text in times), times
    sitemap = parse_xml(client.get("/sitemap-cases.xml").content)
    lastmods = [element.text for element in sitemap.iter(SITEMAP + "lastmod")]
    assert lastmods and all(
        A_MINUTE.search(text) or re.fullmatch(r"\d{4}-\d\d-\d\d", text) for text in lastmods
    )
    page = client.get(published.get_absolute_url()).text
    assert not re.search(r'datetime="[^"]*:\d\d\.\d+', page)


def test_publishing_stamps_the_first_publication_to_the_minute(published):
    assert (published.published_at.second, published.published_at.microsecond) == (0, 0)
    assert Case.objects.get(pk=published.pk).public_updated_at is not None
