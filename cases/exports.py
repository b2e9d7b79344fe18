"""Open data: published cases as JSON and CSV, with a fixed list of public fields (README).

Fields are named here one by one, never taken from the model, so that a field added to Case
later stays private until someone decides to publish it. The files are written to disk once per
public generation (cases/caching.py) and served from there: building reads the cases in chunks
and writes them as it goes, so memory and the number of queries stay the same at any size.
"""

import csv
import functools
import hashlib
import itertools
import json
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from urllib.parse import urljoin

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation

from .caching import LOCAL_PAGE_TIMEOUT, CacheReach, cache_reach, current_generation
from .csv_cells import csv_cell
from .dates import Precision
from .models import Case, Citation, Name

SCHEMA_VERSION = 1
# Rows fetched per round trip: a few MiB of cases in memory at a time, whatever the total.
CHUNK_SIZE = 2000

CSV_COLUMNS = [
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

_JSON = DjangoJSONEncoder(ensure_ascii=False, indent=1)

# A build killed half-way (a worker's timeout, a restart) leaves its temporary file behind; a
# later build removes it once it can no longer be anyone's work in progress.
ABANDONED_BUILD_SECONDS = 60 * 60
# While one process builds a file, the others answer "try again" rather than build it as well:
# at 100,000 cases a build takes seconds, and every worker building the same file at once would
# leave none to serve pages. Longer than gunicorn's timeout, so a killed build frees it.
BUILD_LOCK_SECONDS = 120


class BuildInProgress(Exception):
    """Another process is building this very file now."""


def fuzzy_iso(value, precision: str) -> str | None:
    """A date as ISO 8601 cut to what is known: 2018-03-09, 2018-03 or 2018."""
    if value is None:
        return None
    if precision == Precision.DAY:
        return value.isoformat()
    if precision == Precision.MONTH:
        return f"{value:%Y-%m}"
    return f"{value:%Y}"


def public_case_records(absolute_url) -> Iterator[dict]:
    """Every published case as a dict of public fields, in the order they were recorded.

    A merge join: cases, names and citations all come ordered by case, in chunks, so each case
    meets its rows as they stream past and nothing is kept after it is written. `absolute_url`
    makes a path a full URL.
    """
    published = Case.objects.published()
    names = _RowsByCase(
        Name.objects.public()
        .filter(case__in=published)
        .order_by("case_id", "pk")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    citations = _RowsByCase(
        Citation.objects.filter(case__in=published)
        .select_related("source")
        .order_by("case_id", "pk")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for case in published.order_by("pk").iterator(chunk_size=CHUNK_SIZE):
        yield case_record(case, names.of(case), citations.of(case), absolute_url)


class _RowsByCase:
    """Rows ordered by case, handed out one case at a time as the cases (in pk order) go by.

    The queries are not one snapshot: a row whose case is missing from the cases (published
    in between) is skipped. The file is then out of date already and replaced (PublicFile).
    """

    def __init__(self, rows):
        self._groups = itertools.groupby(rows, key=attrgetter("case_id"))
        self._next_group()

    def _next_group(self) -> None:
        self._case_id, self._rows = next(self._groups, (None, ()))

    def of(self, case: Case) -> list:
        while self._case_id is not None and self._case_id < case.pk:
            self._next_group()
        if self._case_id != case.pk:
            return []
        rows = list(self._rows)
        self._next_group()
        return rows


def case_record(case: Case, names, citations, absolute_url) -> dict:
    return {
        "reference": case.reference,
        "url": absolute_url(case.get_absolute_url()),
        "display_name": case.display_name,
        "public_names": [{"text": name.text, "script": name.script} for name in names],
        "sex": case.sex,
        "birth_year": case.birth_date.year if case.birth_date else None,
        "birth_year_precision": case.birth_year_precision,
        "ethnicity": case.ethnicity,
        "hometown_prefecture": case.hometown_prefecture,
        "hometown_detail": case.hometown_detail,
        "situation": case.situation,
        "situation_since": fuzzy_iso(case.situation_date, case.situation_date_precision),
        "situation_since_precision": case.situation_date_precision if case.situation_date else None,
        "last_known_place": case.last_known_place,
        "verification": case.verification,
        "public_summary": case.public_summary,
        "published_at": case.published_at,
        "updated_at": case.public_updated_at,
        "citations": [citation_record(citation) for citation in citations],
    }


def citation_record(citation: Citation) -> dict:
    source = citation.source
    return {
        "claim": citation.claim,
        "source_title": source.title,
        "publisher": source.publisher,
        "date": fuzzy_iso(source.published_date, source.published_date_precision),
        "date_precision": source.published_date_precision if source.published_date else None,
        "url": source.url,
        "archive_url": source.archive_url,
    }


def write_json(file, absolute_url) -> None:
    """The same text as json.dumps(document, indent=1) would give, written a case at a time."""
    # Counted apart from the list: a case published in between also changes the generation,
    # so a file whose count is off is never served again (PublicFile._remove_out_of_date).
    count = Case.objects.published().count()
    file.write(f'{{\n "schema_version": {SCHEMA_VERSION},\n "count": {count},\n "cases": [')
    empty = True
    for record in public_case_records(absolute_url):
        # Two levels deeper than a document of its own. JSON escapes newlines inside strings,
        # so every newline here is between lines of the layout.
        text = _JSON.encode(record).replace("\n", "\n  ")
        file.write(("\n  " if empty else ",\n  ") + text)
        empty = False
    file.write("]\n}" if empty else "\n ]\n}")


def write_csv(file, absolute_url) -> None:
    """One row per case; lists become one cell, entries separated by " | " (see README)."""
    writer = csv.writer(file)
    writer.writerow(CSV_COLUMNS)
    for record in public_case_records(absolute_url):
        writer.writerow([csv_cell(value) for value in _csv_row(record)])


def _csv_row(record: dict) -> list:
    flat = record | {
        "public_names": " | ".join(
            f"{name['text']} [{name['script']}]" for name in record["public_names"]
        ),
        "published_at": _iso(record["published_at"]),
        "updated_at": _iso(record["updated_at"]),
        "citations": " | ".join(_citation_text(c) for c in record["citations"]),
    }
    return [flat[column] for column in CSV_COLUMNS]


def _citation_text(citation: dict) -> str:
    date = citation["date"]
    if date and citation["date_precision"] == Precision.ABOUT_YEAR:
        date = f"~{date}"
    parts = [citation["publisher"], citation["source_title"], date, citation["url"]]
    text = ", ".join(part for part in parts if part)
    if citation["archive_url"]:
        text += f" (archived: {citation['archive_url']})"
    return f"{citation['claim']} — {text}"


def _iso(value) -> str:
    """The same text as in the JSON file."""
    return DjangoJSONEncoder().default(value) if value else ""


WRITERS = {"json": write_json, "csv": write_csv}


@dataclass(frozen=True)
class PublicFile:
    """One format of the open data as of one public generation, for one site and language.

    The content depends on the generation, which changes with every edit of public data, and
    the case URLs inside on the scheme, host and language of the request. The file's name holds
    all of them, so a file is never served for a state other than the one it was built from.

    The task worker builds the file of each new generation (`rebuild_variants`); until it is
    ready, visitors get the newest complete file of their variant (`open_for_visitor`).
    """

    extension: str
    generation: int
    variant: str

    @classmethod
    def current(cls, extension: str, site: str) -> "PublicFile":
        """The file for public data as it is now; `site` is the scheme and host, e.g. https://x/."""
        return cls.of_variant(extension, current_generation(), site, translation.get_language())

    @classmethod
    def of_variant(cls, extension: str, generation: int, site: str, language) -> "PublicFile":
        return cls(extension, generation, _digest(site, language or ""))

    @property
    def name(self) -> str:
        return f"cases-{_digest(self.generation)}-{self.variant}.{self.extension}"

    @property
    def etag(self) -> str:
        return f'"{self.name}"'

    def open_for_visitor(self, absolute_url, rebuild_coming) -> tuple[object, str]:
        """This generation's file, or while the worker builds it the newest earlier one.

        Returns the file open for reading and its ETag. A request builds the file itself only
        when its variant has no file yet, or when `rebuild_coming()` says no rebuild is on its
        way (the worker is down or late). Raises BuildInProgress while another process builds.
        """
        directory = Path(settings.OPEN_DATA_DIR)
        current = _open_if_servable(directory / self.name)
        if current is not None:
            return current, self.etag
        previous = self._newest_earlier(directory)
        if previous is not None and rebuild_coming():
            return previous, f'"{Path(previous.name).name}"'
        if previous is not None:
            previous.close()
        return self.open(absolute_url), self.etag

    def _newest_earlier(self, directory: Path):
        """The newest complete file of this variant and format, of any generation."""
        candidates = []
        for path in directory.glob(self.same_variant):
            with suppress(FileNotFoundError):
                candidates.append((path.stat().st_mtime, path))
        for _mtime, path in sorted(candidates, reverse=True):
            with suppress(FileNotFoundError):
                return open(path, "rb")  # the response closes it
        return None

    def open(self, absolute_url):
        """The file open for reading in binary, built first if its generation has none yet.

        Raises BuildInProgress while another process builds it.
        """
        directory = Path(settings.OPEN_DATA_DIR)
        existing = _open_if_servable(directory / self.name)
        if existing is not None:
            return existing
        return self.build(absolute_url)

    def build(self, absolute_url, *, replaces: str = "cases-*"):
        """Build this file now (one process at a time) and return it open for reading.

        Then the older files matching `replaces` go: built for a visitor, every earlier file,
        of any format and variant, since no earlier file is served once a request has had to
        build (they may hold cases unpublished since). The worker replaces one at a time.
        """
        directory = Path(settings.OPEN_DATA_DIR)
        lock = f"open-data:building:{self.name}"
        if not cache.add(lock, True, BUILD_LOCK_SECONDS):
            raise BuildInProgress(self.name)
        try:
            built = self._build(directory, absolute_url)
            self._remove_older(directory, replaces)
        finally:
            cache.delete(lock)
        return built

    @property
    def same_variant(self) -> str:
        """The pattern of this variant and format's files, of every generation."""
        return f"cases-*-{self.variant}.{self.extension}"

    def _build(self, directory: Path, absolute_url):
        """Write beside the final place, then rename into it: no reader ever sees half a file.

        Workers that build at the same time each write a temporary file of their own; each is
        complete, and the last rename wins.
        """
        directory.mkdir(parents=True, exist_ok=True)
        temporary = tempfile.NamedTemporaryFile(  # noqa: SIM115 (renamed, not deleted, on success)
            "w", encoding="utf-8", newline="", dir=directory, prefix=".building-", delete=False
        )
        try:
            with temporary:
                WRITERS[self.extension](temporary, absolute_url)
            # Opened before the rename, so it is served even if a newer build removes it.
            built = open(temporary.name, "rb")  # noqa: SIM115 (the response closes it)
            os.replace(temporary.name, directory / self.name)
        except BaseException:
            Path(temporary.name).unlink(missing_ok=True)
            raise
        return built

    def _remove_older(self, directory: Path, pattern: str) -> None:
        """Delete the files matching pattern finished before this one. A file that another
        process finished after this one is newer, and stays.
        """
        built_at = (directory / self.name).stat().st_mtime
        same_generation = f"cases-{_digest(self.generation)}-"
        for path in directory.glob(pattern):
            with suppress(FileNotFoundError):
                if not path.name.startswith(same_generation) and path.stat().st_mtime <= built_at:
                    path.unlink()
        abandoned = time.time() - ABANDONED_BUILD_SECONDS
        for path in directory.glob(".building-*"):
            with suppress(FileNotFoundError):
                if path.stat().st_mtime < abandoned:
                    path.unlink()


def _open_if_servable(path: Path):
    with suppress(FileNotFoundError):
        existing = open(path, "rb")  # noqa: SIM115 (the response closes it)
        if _may_serve(existing):
            return existing
        existing.close()
    return None


VARIANTS_FILE = ".variants.json"


def remember_variant(site: str, language) -> None:
    """Note a site and language that visitors download, for the worker to keep up to date.

    Replaced whole by a rename, so a reader never sees half of it. Two processes adding a variant
    at the same moment may lose one: its next download adds it again.
    """
    directory = Path(settings.OPEN_DATA_DIR)
    variants = known_variants()
    entry = [site, language or ""]
    if entry in variants:
        return
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f".building-variants-{os.getpid()}"
    temporary.write_text(json.dumps([*variants, entry]), encoding="utf-8")
    os.replace(temporary, directory / VARIANTS_FILE)


def known_variants() -> list[list[str]]:
    """Each [site, language] that visitors have downloaded the open data in."""
    path = Path(settings.OPEN_DATA_DIR) / VARIANTS_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return []


def rebuild_variants(generation: int) -> int:
    """Build every format of every known variant for `generation`: the worker's task.

    Returns how many files were built. A variant whose file another process is building now
    is left to that process.
    """
    built = 0
    for site, language in known_variants():
        with translation.override(language or None):
            for extension in WRITERS:
                public_file = PublicFile.of_variant(extension, generation, site, language)
                absolute_url = functools.partial(urljoin, site)
                with suppress(BuildInProgress):
                    public_file.build(absolute_url, replaces=public_file.same_variant).close()
                    built += 1
    return built


def _may_serve(file) -> bool:
    """Whether a file of the current generation is current: always, with a shared cache.

    A memory cache is one process's: an edit made through another worker never changes this
    process's generation, so the file is trusted only as long as a cached page would be. The
    dummy cache keeps no generation at all, so every request builds.
    """
    reach = cache_reach()
    if reach is CacheReach.NOBODY:
        return False
    if reach is CacheReach.PROCESS:
        return time.time() - os.fstat(file.fileno()).st_mtime < LOCAL_PAGE_TIMEOUT
    return True


def _digest(*parts) -> str:
    return hashlib.sha256("\n".join(map(str, parts)).encode()).hexdigest()[:16]
