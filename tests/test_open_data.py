"""Feed, sitemap and data files: published cases only, a fixed list of public fields."""

import csv
import io
import json
import os
import re
import time
from datetime import date
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cases import exports
from cases.caching import LOCAL_PAGE_TIMEOUT, current_generation
from cases.dates import Precision
from cases.exports import CSV_COLUMNS
from cases.models import Case, Citation, Name
from cases.services import unpublish_case

from .factories import make_case, make_published_case, make_source

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
LANGUAGES = {"en", "kk", "kk-arab", "ru", "ug", "zh-hans"}

JSON_FIELDS = [
    "reference",
    "url",
    "display_name",
    "public_names",
    "sex",
    "birth_year",
    "birth_year_precision",
    "ethnicity",
    "hometown_prefecture",
    "hometown_detail",
    "situation",
    "situation_since",
    "situation_since_precision",
    "last_known_place",
    "verification",
    "public_summary",
    "published_at",
    "updated_at",
    "citations",
]


def parse_xml(content):
    return ElementTree.fromstring(content)  # noqa: S314 (our own output, in a test)


def body(response) -> str:
    """The data files are streamed from disk."""
    return b"".join(response.streaming_content).decode()


def json_cases(client, **headers):
    response = client.get("/data/cases.json", headers=headers)
    assert response["Content-Type"] == "application/json"
    return json.loads(body(response))["cases"]


def csv_rows(client):
    response = client.get("/data/cases.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="cases.csv"'
    return list(csv.DictReader(io.StringIO(body(response))))


def files_in(directory):
    """The data files, without the list of variants the worker keeps up to date."""
    if not directory.exists():
        return []
    return sorted(path.name for path in directory.iterdir() if path.name != exports.VARIANTS_FILE)


@pytest.fixture
def published():
    source = make_source(
        title="Camp story",
        publisher="Example Wire",
        url="https://news.example/story",
        archive_url="https://archive.example/story",
        published_date=date(2019, 1, 4),
        published_date_precision=Precision.MONTH,
    )
    case = make_published_case(
        source=source,
        display_name="Open Person",
        names=["Әділғазы Ерғазы"],
        birth_date=date(1980, 7, 14),
        birth_date_precision=Precision.DAY,
        situation_date=date(2018, 3, 9),
        situation_date_precision=Precision.MONTH,
        hometown_detail="Kunes county",
        public_summary="Taken from home.",
    )
    Name.objects.create(case=case, text="Hidden Legalname", is_public=False)
    make_case(display_name="Draft Person", reference="DRAFTREF")
    return case


def test_the_json_file_has_exactly_the_documented_public_fields(client, published):
    (record,) = json_cases(client)
    assert list(record) == JSON_FIELDS
    assert record["reference"] == published.reference
    assert record["url"] == f"http://testserver/en/cases/{published.reference}/"
    assert record["public_names"] == [{"text": "Әділғазы Ерғазы", "script": "cyrillic"}]
    assert record["citations"] == [
        {
            "claim": "Detained in 2018",
            "source_title": "Camp story",
            "publisher": "Example Wire",
            "date": "2019-01",
            "date_precision": "month",
            "url": "https://news.example/story",
            "archive_url": "https://archive.example/story",
        }
    ]


def test_dates_are_never_more_precise_than_known(client, published):
    (record,) = json_cases(client)
    assert record["situation_since"] == "2018-03"
    assert record["situation_since_precision"] == "month"
    # A birth date, even when known to the day, is published as a year only.
    assert record["birth_year"] == 1980
    assert record["birth_year_precision"] == "year"
    assert "1980-07" not in json.dumps(record)


def test_data_files_hold_published_cases_only_and_no_hidden_names(client, published):
    for url in ("/data/cases.json", "/data/cases.csv"):
        text = body(client.get(url))
        assert "Open Person" in text
        assert "Draft Person" not in text
        assert "DRAFTREF" not in text
        assert "Hidden Legalname" not in text


def test_the_csv_file_has_one_row_per_case_with_the_documented_columns(client, published):
    (row,) = csv_rows(client)
    assert list(row) == CSV_COLUMNS
    assert row["public_names"] == "Әділғазы Ерғазы [cyrillic]"
    assert row["situation_since"] == "2018-03"
    assert row["citations"] == (
        "Detained in 2018 — Example Wire, Camp story, 2019-01, https://news.example/story "
        "(archived: https://archive.example/story)"
    )


def test_the_csv_file_never_hands_a_spreadsheet_a_formula(client):
    make_published_case(display_name='=HYPERLINK("https://evil.example")')
    (row,) = csv_rows(client)
    assert row["display_name"].startswith("'=")


def test_several_names_and_citations_share_one_cell_each(client):
    case = make_published_case(names=["Adil", "Адиль"])
    Citation.objects.create(case=case, source=make_source(title="Second"), claim="Also")
    (row,) = csv_rows(client)
    assert row["public_names"] == "Adil [latin] | Адиль [cyrillic]"
    assert row["citations"].count(" | ") == 1


@pytest.mark.parametrize("count", [0, 1, 3])
def test_the_json_file_is_the_text_json_dumps_would_write(client, count):
    for number in range(count):
        make_published_case(display_name=f"Person {number}", names=["Әділ", "阿迪力"])
    records = list(exports.public_case_records(lambda path: f"http://testserver{path}"))
    document = {"schema_version": 1, "count": count, "cases": records}
    expected = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    assert body(client.get("/data/cases.json")) == expected


def test_each_case_gets_its_own_names_and_citations_however_they_interleave(client):
    """Cases, names and citations are read as three ordered streams and merged."""
    expected = {}
    for number in range(12):
        if number % 3 == 0:  # drafts in between, with rows the files must leave out
            draft = make_case(display_name=f"Draft {number}")
            Name.objects.create(case=draft, text=f"Draft name {number}", is_public=True)
            Citation.objects.create(case=draft, source=make_source(), claim="Draft claim")
        names = [f"Name {number}-{n}" for n in range(number % 4)]
        case = make_published_case(names=names)
        for n in range(number % 3):
            Citation.objects.create(case=case, source=make_source(), claim=f"Claim {number}-{n}")
        expected[case.reference] = (names, number % 3 + 1)
    records = json_cases(client)
    assert [record["reference"] for record in records] == list(expected)
    for record in records:
        names, citations = expected[record["reference"]]
        assert [name["text"] for name in record["public_names"]] == names
        assert len(record["citations"]) == citations
        assert "Draft claim" not in json.dumps(record)


def test_rows_of_a_case_published_while_the_file_is_written_go_to_no_other_case():
    """The three queries are not one snapshot: names may include a case the cases query missed."""
    rows = [SimpleNamespace(case_id=case_id) for case_id in (1, 2, 2, 5, 7)]
    by_case = exports._RowsByCase(iter(rows))
    handed_out = [by_case.of(SimpleNamespace(pk=pk)) for pk in (2, 3, 5, 6)]
    assert [[row.case_id for row in group] for group in handed_out] == [[2, 2], [], [5], []]


def test_case_urls_are_in_the_language_the_file_was_asked_in(client):
    case = make_published_case()
    (russian,) = json_cases(client, accept_language="ru")
    (english,) = json_cases(client)
    assert russian["url"] == f"http://testserver/ru/cases/{case.reference}/"
    assert english["url"] == f"http://testserver/en/cases/{case.reference}/"


@pytest.mark.parametrize("url", ["/data/cases.json", "/data/cases.csv"])
def test_an_unpublished_case_is_gone_from_the_next_download(client, url):
    leaving = make_published_case(display_name="Leaving Person")
    make_published_case(display_name="Staying Person")
    assert "Leaving Person" in body(client.get(url))
    unpublish_case(case=leaving, by=None)
    text = body(client.get(url))
    assert "Leaving Person" not in text
    assert "Staying Person" in text


@pytest.mark.parametrize("url", ["/data/cases.json", "/data/cases.csv"])
def test_a_newly_published_case_is_in_the_next_download(client, url):
    make_published_case(display_name="Old Person")
    body(client.get(url))
    make_published_case(display_name="Fresh Person")
    assert "Fresh Person" in body(client.get(url))


def test_a_rebuild_deletes_the_files_of_every_earlier_state(client, isolated_open_data):
    case = make_published_case(display_name="Leaving Person")
    body(client.get("/data/cases.json"))
    body(client.get("/data/cases.csv"))
    assert len(files_in(isolated_open_data)) == 2
    unpublish_case(case=case, by=None)
    body(client.get("/data/cases.json"))
    # The CSV of the earlier state held the unpublished case: it goes too, not just the JSON.
    (name,) = files_in(isolated_open_data)
    assert name.endswith(".json")
    assert "Leaving Person" not in (isolated_open_data / name).read_text()


@pytest.mark.parametrize("url", ["/data/cases.json", "/data/cases.csv"])
def test_a_second_download_is_served_from_the_file_without_a_query(
    client, django_assert_num_queries, url
):
    make_published_case()
    first = body(client.get(url))
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.status_code == 200
    assert body(second) == first


def test_staff_get_the_same_public_file(client, published):
    anonymous = client.get("/data/cases.json")
    client.force_login(User.objects.create_user("editor", password="x" * 16, is_staff=True))
    staff = client.get("/data/cases.json")
    assert staff["ETag"] == anonymous["ETag"]
    assert body(staff) == body(anonymous)


def test_building_a_file_costs_the_same_few_queries_for_one_case_or_thirty(client):
    """One of them asks whether the worker is about to build it (cases/tasks.py)."""
    body(client.get("/data/cases.json"))
    counts = []
    for total in (1, 30):
        while Case.objects.published().count() < total:
            make_published_case(names=["Adil", "Адиль"])
        with CaptureQueriesContext(connection) as queries:
            assert len(json_cases(client)) == total
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 5


@pytest.mark.parametrize("url", ["/data/cases.json", "/data/cases.csv"])
def test_a_matching_if_none_match_gets_a_304_without_a_query(
    client, django_assert_num_queries, url
):
    make_published_case()
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(0):
        response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response["ETag"] == etag


def test_the_etag_changes_with_public_data(client):
    make_published_case()
    etag = client.get("/data/cases.json")["ETag"]
    make_published_case(display_name="Fresh Person")
    response = client.get("/data/cases.json", headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "Fresh Person" in body(response)


def test_a_failing_build_leaves_no_file_behind(client, monkeypatch, isolated_open_data):
    make_published_case()

    def broken(*args):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(exports, "case_record", broken)
    client.raise_request_exception = False
    assert client.get("/data/cases.json").status_code == 500
    assert files_in(isolated_open_data) == []


def test_a_file_built_while_public_data_changed_stays_as_the_newest_complete_one(
    isolated_open_data,
):
    """While the worker builds the next state, it is what visitors get (test_task_worker.py)."""
    make_published_case(display_name="Open Person")
    outdated = exports.PublicFile("json", current_generation() - 1, "variant")
    with outdated.open(lambda path: path) as file:
        assert "Open Person" in file.read().decode()
    assert files_in(isolated_open_data) == [outdated.name]


def test_a_rebuild_removes_temporary_files_of_builds_killed_long_ago(client, isolated_open_data):
    isolated_open_data.mkdir()
    abandoned, running = isolated_open_data / ".building-a", isolated_open_data / ".building-b"
    abandoned.write_text("half a file")
    running.write_text("half a file")
    long_ago = time.time() - exports.ABANDONED_BUILD_SECONDS - 60
    os.utime(abandoned, (long_ago, long_ago))
    body(client.get("/data/cases.json"))
    assert not abandoned.exists()
    assert running.exists()


def age(path, seconds):
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_with_a_per_process_memory_cache_a_file_is_trusted_for_seconds_only(
    client, settings, isolated_open_data
):
    """An edit through another gunicorn worker never reaches this process's generation."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    case = make_published_case(display_name="Leaving Person")
    body(client.get("/data/cases.json"))
    # As another process would unpublish it: no signal reaches this process's cache.
    Case.objects.filter(pk=case.pk).update(status=Case.Status.HIDDEN)
    (path,) = (isolated_open_data / name for name in files_in(isolated_open_data))
    age(path, LOCAL_PAGE_TIMEOUT + 1)
    assert "Leaving Person" not in body(client.get("/data/cases.json"))


def test_with_a_shared_cache_a_file_is_served_until_public_data_changes(
    client, settings, tmp_path, isolated_open_data, django_assert_num_queries
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    make_published_case()
    body(client.get("/data/cases.json"))
    (path,) = (isolated_open_data / name for name in files_in(isolated_open_data))
    age(path, 24 * 60 * 60)
    with django_assert_num_queries(0):
        body(client.get("/data/cases.json"))


def test_with_the_dummy_cache_every_download_is_built_afresh(client, settings):
    """The dummy cache keeps no generation to tell a change by (the benchmarks use it)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    case = make_published_case(display_name="Before Edit")
    assert "Before Edit" in body(client.get("/data/cases.json"))
    case.display_name = "After Edit"
    case.save()
    assert "After Edit" in body(client.get("/data/cases.json"))


def test_the_feed_lists_newly_published_cases_as_atom(client, published):
    response = client.get("/feeds/cases.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = parse_xml(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Open Person"]
    assert entries[0].find(f"{ATOM}link").get("href") == (
        f"http://testserver/en/cases/{published.reference}/"
    )
    assert b"Draft Person" not in response.content
    assert b"Hidden Legalname" not in response.content


def test_the_feed_escapes_html_in_a_summary(client):
    make_published_case(public_summary="<script>alert(1)</script>")
    feed = parse_xml(client.get("/feeds/cases.atom").content)
    summary = feed.find(f"{ATOM}entry/{ATOM}summary").text
    assert "<script>" not in summary
    assert "&lt;script&gt;" in summary


def test_the_feed_drops_a_case_once_unpublished(client, published):
    unpublish_case(case=published, by=None)
    assert b"Open Person" not in client.get("/feeds/cases.atom").content


def sitemap_urls(client, path):
    return parse_xml(client.get(path).content)


def test_the_sitemap_index_names_a_file_per_kind_of_page(client, published):
    index = sitemap_urls(client, "/sitemap.xml")
    locations = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert locations == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-cases.xml",
        "http://testserver/sitemap-sources.xml",
    ]


def test_the_case_sitemap_lists_each_case_in_every_language_with_alternates(client, published):
    urlset = sitemap_urls(client, "/sitemap-cases.xml")
    urls = urlset.findall(f"{SITEMAP}url")
    locations = {url.findtext(f"{SITEMAP}loc") for url in urls}
    assert locations == {
        f"http://testserver/{language}/cases/{published.reference}/" for language in LANGUAGES
    }
    alternates = urls[0].findall(f"{XHTML}link")
    assert {link.get("hreflang") for link in alternates} == LANGUAGES
    assert b"DRAFTREF" not in client.get("/sitemap-cases.xml").content


def test_the_page_sitemap_lists_home_lists_stats_and_about(client):
    urlset = sitemap_urls(client, "/sitemap-pages.xml")
    paths = {re.sub("^http://testserver", "", loc.text) for loc in urlset.iter(f"{SITEMAP}loc")}
    for page in ("", "cases/", "sources/", "stats/", "about/"):
        assert f"/en/{page}" in paths
        assert f"/ug/{page}" in paths


def test_the_source_sitemap_lists_only_sources_of_published_cases(client, published):
    draft_source = make_source(title="Draft only")
    Citation.objects.create(case=Case.objects.get(reference="DRAFTREF"), source=draft_source)
    body = client.get("/sitemap-sources.xml").text
    cited = published.citations.get().source
    assert f"/en/sources/{cited.pk}/" in body
    assert f"/sources/{draft_source.pk}/" not in body


def test_a_large_sitemap_is_split_into_files_listing_every_url_once(client, monkeypatch):
    from cases import sitemaps

    monkeypatch.setattr(sitemaps.CaseSitemap, "limit", 7)
    source = make_source()
    cases = [make_published_case(source=source) for _ in range(3)]
    index = sitemap_urls(client, "/sitemap.xml")
    locations = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert "http://testserver/sitemap-cases.xml?p=3" in locations  # 18 URLs, 7 a file
    seen = []
    for page in (1, 2, 3):
        urlset = sitemap_urls(client, f"/sitemap-cases.xml?p={page}")
        seen += [loc.text for loc in urlset.findall(f"{SITEMAP}url/{SITEMAP}loc")]
    expected = {
        f"http://testserver/{language}/cases/{case.reference}/"
        for case in cases
        for language in LANGUAGES
    }
    assert len(seen) == 18
    assert set(seen) == expected


def test_while_another_worker_builds_the_file_a_download_is_asked_to_come_back(
    client, isolated_open_data
):
    make_published_case(display_name="Being Built")
    with translation.override("ru"):  # each language has a file of its own
        building = exports.PublicFile.current("json", "http://testserver/")
    cache.add(f"open-data:building:{building.name}", True)  # another worker, half-way through

    response = client.get("/data/cases.json", headers={"accept-language": "ru"})
    assert response.status_code == 503
    assert response["Retry-After"] == "15"
    assert "Файл готовится" in response.text
    assert files_in(isolated_open_data) == []  # nothing built twice, nothing half-written

    cache.delete(f"open-data:building:{building.name}")  # that build finished
    assert "Being Built" in body(client.get("/data/cases.json", headers={"accept-language": "ru"}))


def test_a_failed_build_lets_the_next_request_build_again(client, monkeypatch):
    make_published_case(display_name="Built At Last")

    def broken(file, absolute_url):
        raise OSError("disk full")

    monkeypatch.setitem(exports.WRITERS, "json", broken)
    client.raise_request_exception = False
    assert client.get("/data/cases.json").status_code == 500
    monkeypatch.undo()
    assert "Built At Last" in body(client.get("/data/cases.json"))
