"""Crawl the public site as a scraper would: every public canary shows, no private one ever does.

Every field gets its own canary string. The crawl starts at each language's home page and at the
feed, sitemap and data files, follows every link and image on the site (public media included,
served as nginx serves it), and reads every byte of every response, headers included.
"""

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.storage import storages
from django.db import models
from django.test import Client

from cases import evidence
from cases.models import Case, CaseMerge, Citation, Event, Name, Photo
from cases.services import publish_case, unpublish_case
from cases.wgeid_models import FamilyStep, WgeidAnswers, WgeidRecord

from .factories import make_case, make_photo, make_report, make_source

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.urls_public_media")]


def free_text_fields(model) -> list[str]:
    """Every field of model that holds typed text (choices aside): read from the model, so that a
    field added later gets its canary too."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField) and not field.choices
    ]


# Every text field of the WGEID record, of a family step and of a relative's answers.
WGEID_TEXT = {model: free_text_fields(model) for model in (WgeidRecord, FamilyStep, WgeidAnswers)}
WGEID_CANARIES = [
    f"{model.__name__.lower()}{field.replace('_', '')}"
    for model, fields in WGEID_TEXT.items()
    for field in fields
]

LANGUAGES = ["en", "kk", "kk-arab", "ru", "ug", "zh-hans"]
START = [f"/{language}/" for language in LANGUAGES] + [
    "/",
    "/feeds/cases.atom",
    "/sitemap.xml",
    "/data/cases.json",
    "/data/cases.csv",
]
NOT_CRAWLED = ("/static/", "/admin/")
MAX_PAGES = 2000


def canary(name: str) -> str:
    """Delimited, so that no canary is part of another."""
    return f"zq{name}qz"


PRIVATE = {
    name: canary(name)
    for name in [
        "submittername",
        "submitterphone",
        "submitteremail",
        "submittermessenger",
        "narrative",
        "hiddenname",
        "unapprovedalt",
        "olddisplayname",
        "mergelabel",
        "draftdisplayname",
        "draftsummary",
        "drafthometown",
        "draftname",
        "draftalt",
        "draftclaim",
        "draftsourcetitle",
        "draftnarrative",
        "hiddencasename",
        "hiddencasesummary",
        "hiddenreason",
        "hiddencaseclaim",
        *WGEID_CANARIES,
        "filetrailnote",
    ]
}
# The fingerprint of a public photo's original upload, and its lookup hash (cases/evidence.py).
ORIGINAL_SHA256 = hashlib.sha256(b"the upload as the relative sent it").hexdigest()
PRIVATE |= {
    "originalsha256": ORIGINAL_SHA256,
    "originallookup": evidence.original_lookup(ORIGINAL_SHA256),
}

PUBLIC = {
    name: canary(name)
    for name in [
        "displayname",
        "summary",
        "hometown",
        "lastplace",
        "verificationreason",
        "publicname",
        "alt",
        "claim",
        "locator",
        "excerpt",
        "sourcetitle",
        "publisher",
        "author",
        "sourcenotes",
        "sourceurl",
        "archiveurl",
        "eventplace",
        "eventtext",
    ]
}


@pytest.fixture
def site(django_capture_on_commit_callbacks):
    """A published case with every public field set, and every kind of private data around it."""
    source = make_source(
        title=PUBLIC["sourcetitle"],
        publisher=PUBLIC["publisher"],
        author=PUBLIC["author"],
        notes=PUBLIC["sourcenotes"],
        url=f"https://news.example/{PUBLIC['sourceurl']}",
        archive_url=f"https://archive.example/{PUBLIC['archiveurl']}",
    )
    published = published_case(source)
    draft = draft_case()
    with django_capture_on_commit_callbacks(execute=True):  # unpublishing deletes at commit
        hidden = hidden_case(source)
    return {"published": published, "draft": draft, "hidden": hidden, "source": source}


def published_case(source):
    case = make_case(
        display_name=PRIVATE["olddisplayname"],
        public_summary=PUBLIC["summary"],
        hometown_detail=PUBLIC["hometown"],
        last_known_place=PUBLIC["lastplace"],
        verification_reason=PUBLIC["verificationreason"],
        photo_consent=True,
    )
    case.display_name = PUBLIC["displayname"]  # the old name stays in the history only
    case.save()
    Name.objects.create(case=case, text=PUBLIC["publicname"], is_public=True)
    Name.objects.create(case=case, text=PRIVATE["hiddenname"], is_public=False)
    report = make_report(
        case,
        submitter_name=PRIVATE["submittername"],
        submitter_phone=PRIVATE["submitterphone"],
        submitter_email=f"{PRIVATE['submitteremail']}@example.org",
        submitter_messenger=PRIVATE["submittermessenger"],
        narrative=PRIVATE["narrative"],
    )
    public_photo = make_photo(
        case,
        report=report,
        alt_text=PUBLIC["alt"],
        original_sha256=ORIGINAL_SHA256,
        original_lookup=PRIVATE["originallookup"],
    )
    evidence.record_file_event(public_photo, "exported", note=PRIVATE["filetrailnote"])
    make_photo(case, report=report, approved=False, alt_text=PRIVATE["unapprovedalt"])
    Citation.objects.create(
        case=case,
        source=source,
        claim=PUBLIC["claim"],
        locator=PUBLIC["locator"],
        excerpt=PUBLIC["excerpt"],
    )
    Event.objects.create(
        case=case, kind="detained", place=PUBLIC["eventplace"], public_text=PUBLIC["eventtext"]
    )
    CaseMerge.objects.create(kept=case, merged_case_id=999, merged_label=PRIVATE["mergelabel"])
    with_wgeid_canaries(case, report)
    return publish_case(case=case, by=None)


def with_wgeid_canaries(case, report):
    """The WGEID elements of a published case, each with its canary: none is ever public."""

    def canaries(model):
        return {
            field: PRIVATE[f"{model.__name__.lower()}{field.replace('_', '')}"]
            for field in WGEID_TEXT[model]
        }

    WgeidRecord.objects.create(case=case, **canaries(WgeidRecord))
    FamilyStep.objects.create(case=case, report=report, **canaries(FamilyStep))
    WgeidAnswers.objects.create(report=report, **canaries(WgeidAnswers))


def draft_case():
    """Once published, now back in review: it keeps its reference, which must lead nowhere."""
    case = make_case(
        display_name=PRIVATE["draftdisplayname"],
        public_summary=PRIVATE["draftsummary"],
        hometown_detail=PRIVATE["drafthometown"],
        photo_consent=True,
        reference="DRAFTREF",
        status=Case.Status.IN_REVIEW,
    )
    Name.objects.create(case=case, text=PRIVATE["draftname"], is_public=True)
    make_photo(case, alt_text=PRIVATE["draftalt"])
    draft_source = make_source(title=PRIVATE["draftsourcetitle"])
    Citation.objects.create(case=case, source=draft_source, claim=PRIVATE["draftclaim"])
    make_report(case, narrative=PRIVATE["draftnarrative"])
    return case


def hidden_case(source):
    case = make_case(
        display_name=PRIVATE["hiddencasename"],
        public_summary=PRIVATE["hiddencasesummary"],
        photo_consent=True,
    )
    make_photo(case)
    Citation.objects.create(case=case, source=source, claim=PRIVATE["hiddencaseclaim"])
    case = publish_case(case=case, by=None)
    return unpublish_case(
        case=case, by=None, status=Case.Status.HIDDEN, reason=PRIVATE["hiddenreason"]
    )


LINK = re.compile(r"""(?:href|src)="([^"]+)"|<loc>([^<]+)</loc>|"url": "([^"]+)\"""")
LOADED = re.compile(r"""<(?:img|script|link|iframe|source|video|audio)\b[^>]*""")


def links_in(url, body: str):
    """Every same-site URL a page links to or loads, made absolute and without its fragment."""
    for groups in LINK.findall(body):
        target = next(group for group in groups if group).replace("&amp;", "&")
        absolute = urljoin(f"http://testserver{url}", target)
        parts = urlsplit(absolute)
        if parts.netloc != "testserver" or parts.path.startswith(NOT_CRAWLED):
            continue
        yield parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Fetched:
    status_code: int
    content_type: str
    content: bytes  # the headers, then the body: a leak in either counts

    @classmethod
    def of(cls, response):
        body = b"".join(response.streaming_content) if response.streaming else response.content
        headers = "\n".join(f"{key}: {value}" for key, value in response.items())
        return cls(
            response.status_code, response.get("Content-Type", ""), f"{headers}\n".encode() + body
        )


def crawl(client):
    """Breadth first from START; returns {url: Fetched} for every URL reached."""
    seen, queue, responses = set(START), list(START), {}
    while queue:
        url = queue.pop(0)
        response = client.get(url)
        responses[url] = Fetched.of(response)
        assert len(responses) < MAX_PAGES, "the crawl does not end"
        found = list(links_in(url, responses[url].content.decode(errors="replace")))
        if response.status_code in (301, 302):
            found.append(response["Location"])
        for link in found:
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return responses


@pytest.fixture
def crawled(client, site):
    return crawl(client)


def test_every_url_the_crawl_reaches_works(crawled):
    broken = {url: r.status_code for url, r in crawled.items() if r.status_code >= 400}
    assert broken == {}


def test_the_crawl_reaches_every_public_page_in_every_language(crawled, site):
    reference = site["published"].reference
    source = site["source"].pk
    for language in LANGUAGES:
        for path in (
            "",
            "cases/",
            f"cases/{reference}/",
            "sources/",
            f"sources/{source}/",
            "stats/",
            "about/",
            "report/",
        ):
            assert f"/{language}/{path}" in crawled
    media = [url for url in crawled if url.startswith("/media/")]
    assert len(media) == 1  # the one public photo


def test_no_private_canary_shows_anywhere(crawled):
    leaks = [
        (name, url)
        for url, response in crawled.items()
        for name, value in PRIVATE.items()
        if value.encode() in response.content
    ]
    assert leaks == []


CASE_PAGE = r"/[a-z-]+/cases/[0-9A-Z]{8}/"
SOURCE_PAGE = r"/[a-z-]+/sources/\d+/"
DATA = r"/data/cases\.(json|csv)"
FEED = r"/feeds/cases\.atom"
WHERE_PUBLIC = {
    "displayname": [CASE_PAGE, r"/[a-z-]+/", r"/[a-z-]+/cases/", SOURCE_PAGE, DATA, FEED],
    "summary": [CASE_PAGE, DATA, FEED],
    "hometown": [CASE_PAGE, r"/[a-z-]+/cases/", DATA],
    "lastplace": [CASE_PAGE, DATA],
    "verificationreason": [CASE_PAGE],
    "publicname": [CASE_PAGE, DATA],
    "alt": [CASE_PAGE],
    "claim": [CASE_PAGE, SOURCE_PAGE, DATA],
    "locator": [CASE_PAGE, SOURCE_PAGE],
    "excerpt": [CASE_PAGE],
    "sourcetitle": [CASE_PAGE, SOURCE_PAGE, r"/[a-z-]+/sources/", DATA],
    "publisher": [CASE_PAGE, SOURCE_PAGE, r"/[a-z-]+/sources/", DATA],
    "author": [SOURCE_PAGE],
    "sourcenotes": [SOURCE_PAGE],
    "sourceurl": [CASE_PAGE, SOURCE_PAGE, DATA],
    "archiveurl": [CASE_PAGE, SOURCE_PAGE, DATA],
    "eventplace": [CASE_PAGE],
    "eventtext": [CASE_PAGE],
}


def test_every_public_field_is_covered_by_the_crawl_expectations():
    assert set(WHERE_PUBLIC) == set(PUBLIC)


def pages_matching(crawled, pattern):
    """Crawled pages whose path is of this kind: r"/[a-z-]+/" is a home page, not every page."""
    return [
        url
        for url, page in crawled.items()
        if re.fullmatch(pattern, url.split("?")[0]) and page.status_code == 200
    ]


def test_every_public_canary_shows_where_it_should(crawled):
    missing = []
    for name, patterns in WHERE_PUBLIC.items():
        for pattern in patterns:
            urls = pages_matching(crawled, pattern)
            assert urls, pattern
            missing += [
                (name, url) for url in urls if PUBLIC[name].encode() not in crawled[url].content
            ]
    assert missing == []


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_search_for_a_wgeid_field_finds_nothing(client, site, language):
    reference = site["published"].reference
    for name in WGEID_CANARIES:
        response = client.get(f"/{language}/cases/", {"q": PRIVATE[name]})
        assert response.status_code == 200
        assert f"/cases/{reference}/" not in response.text, name


@pytest.mark.parametrize("language", LANGUAGES)
def test_unpublished_and_hidden_cases_and_their_sources_are_not_found(client, site, language):
    draft_source = site["draft"].citations.get().source
    for path in (
        "cases/DRAFTREF/",
        f"cases/{site['hidden'].reference}/",
        f"sources/{draft_source.pk}/",
    ):
        response = client.get(f"/{language}/{path}")
        assert response.status_code == 404
        assert not any(value.encode() in response.content for value in PRIVATE.values())


def test_guesses_at_private_photo_paths_are_never_served(site):
    client = Client(raise_request_exception=False)  # a path escaping the root is a 400
    private = [photo for photo in Photo.objects.all() if not photo.public_name]
    assert private
    for photo in private:
        for name in (photo.image.name, photo.thumbnail.name):
            basename = name.rsplit("/", 1)[-1]
            for guess in (
                f"/media/{name}",
                f"/media/private/{name}",
                f"/media/photos/{basename}",
                f"/media/{basename}",
                f"/media/../private/{name}",
                f"/media/%2e%2e/private/{name}",
                f"/private/{name}",
            ):
                assert client.get(guess).status_code in (400, 404), guess


def test_every_file_in_public_media_belongs_to_a_public_photo(site, isolated_media):
    public_root, _private_root = isolated_media
    files = {p.relative_to(public_root).as_posix() for p in public_root.rglob("*") if p.is_file()}
    public_names = set(Photo.objects.exclude(public_name="").values_list("public_name", flat=True))
    assert files == public_names
    assert len(files) == 1
    (photo,) = Photo.objects.exclude(public_name="")
    assert photo.case == site["published"]
    assert storages["default"].exists(photo.public_name)


def test_no_page_loads_anything_from_another_host(crawled):
    """Links out to sources are fine; loading anything from elsewhere would tell them who reads."""
    foreign = []
    for url, response in crawled.items():
        if not response.content_type.startswith("text/html"):
            continue
        for tag in LOADED.findall(response.content.decode()):
            if re.search(r'rel="(?:alternate|canonical)"', tag):
                continue  # names this page elsewhere (absolute, for search engines); never loaded
            for target in re.findall(r'(?:src|href)="([^"]+)"', tag):
                host = urlsplit(urljoin("http://testserver/", target)).netloc
                if host != "testserver":
                    foreign.append((url, target))
    assert foreign == []
