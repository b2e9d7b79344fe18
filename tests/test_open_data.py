"""Feed, sitemap and data files: published cases only, a fixed list of public fields."""

import csv
import io
import json
import re
from datetime import date
from xml.etree import ElementTree

import pytest

from cases.dates import Precision
from cases.exports import CSV_COLUMNS
from cases.models import Case, Citation, Name
from cases.services import unpublish_case

from .factories import make_case, make_published_case, make_source

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
LANGUAGES = {"en", "kk", "ru", "ug", "zh-hans"}

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


def json_cases(client):
    response = client.get("/data/cases.json")
    assert response["Content-Type"] == "application/json"
    return response.json()["cases"]


def csv_rows(client):
    response = client.get("/data/cases.csv")
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


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
    for body in (client.get("/data/cases.json").text, client.get("/data/cases.csv").text):
        assert "Open Person" in body
        assert "Draft Person" not in body
        assert "DRAFTREF" not in body
        assert "Hidden Legalname" not in body


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
    assert "http://testserver/sitemap-cases.xml?p=3" in locations  # 15 URLs, 7 a file
    seen = []
    for page in (1, 2, 3):
        urlset = sitemap_urls(client, f"/sitemap-cases.xml?p={page}")
        seen += [loc.text for loc in urlset.findall(f"{SITEMAP}url/{SITEMAP}loc")]
    expected = {
        f"http://testserver/{language}/cases/{case.reference}/"
        for case in cases
        for language in LANGUAGES
    }
    assert len(seen) == 15
    assert set(seen) == expected
