"""Open data: published cases as JSON and CSV, with a fixed list of public fields (README).

Fields are named here one by one, never taken from the model, so that a field added to Case
later stays private until someone decides to publish it. The files are written to disk once per
public generation (cases/caching.py) and served from there: building reads the cases in chunks
and writes them as it goes, so memory and the number of queries stay the same at any size.
"""

import csv
import hashlib
import itertools
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation

from .caching import LOCAL_PAGE_TIMEOUT, current_generation
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

# Spreadsheets run cells that start with these as formulas; data must never run.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

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


def birth_year_precision(case: Case) -> str | None:
    """Only the year of birth is published; this says whether that year is itself approximate."""
    if case.birth_date is None:
        return None
    if case.birth_date_precision == Precision.ABOUT_YEAR:
        return Precision.ABOUT_YEAR
    return Precision.YEAR


def public_case_records(absolute_url) -> Iterator[dict]:
    """Every published case as a dict of public fields, in the order they were recorded.

    A merge join: cases, names and citations all come ordered by case, in chunks, so each case
    meets its rows as they stream past and nothing is kept after it is written. `absolute_url`
    makes a path a full URL.
    """
    published = Case.objects.published()
    names = _RowsByCase(
        Name.objects.filter(is_public=True, case__in=published)
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
        "birth_year_precision": birth_year_precision(case),
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
        "updated_at": case.updated_at,
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
        writer.writerow([_cell(value) for value in _csv_row(record)])


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


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


WRITERS = {"json": write_json, "csv": write_csv}


@dataclass(frozen=True)
class PublicFile:
    """One format of the open data as of one public generation, for one site and language.

    The content depends on the generation, which changes with every edit of public data, and
    the case URLs inside on the scheme, host and language of the request. The file's name holds
    all of them, so a file is never served for a state other than the one it was built from.
    """

    extension: str
    generation: int
    variant: str

    @classmethod
    def current(cls, extension: str, site: str) -> "PublicFile":
        """The file for public data as it is now; `site` is the scheme and host, e.g. https://x/."""
        variant = _digest(site, translation.get_language() or "")
        return cls(extension, current_generation(), variant)

    @property
    def name(self) -> str:
        return f"cases-{_digest(self.generation)}-{self.variant}.{self.extension}"

    @property
    def etag(self) -> str:
        return f'"{self.name}"'

    def open(self, absolute_url):
        """The file open for reading in binary, built first if its generation has none yet.

        Raises BuildInProgress while another process builds it.
        """
        directory = Path(settings.OPEN_DATA_DIR)
        with suppress(FileNotFoundError):
            existing = open(directory / self.name, "rb")  # noqa: SIM115 (the response closes it)
            if _may_serve(existing):
                return existing
            existing.close()
        lock = f"open-data:building:{self.name}"
        if not cache.add(lock, True, BUILD_LOCK_SECONDS):
            raise BuildInProgress(self.name)
        try:
            built = self._build(directory, absolute_url)
            self._remove_out_of_date(directory)
        finally:
            cache.delete(lock)
        return built

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

    def _remove_out_of_date(self, directory: Path) -> None:
        """Delete the files of other generations: they may hold cases unpublished since.

        If public data changed while this file was being built, it is this file that is out of
        date; the request that built it still gets it, as it would had it come a moment earlier.
        """
        if current_generation() != self.generation:
            (directory / self.name).unlink(missing_ok=True)
            return
        current = f"cases-{_digest(self.generation)}-"
        for path in directory.glob("cases-*"):
            if not path.name.startswith(current):
                path.unlink(missing_ok=True)
        abandoned = time.time() - ABANDONED_BUILD_SECONDS
        for path in directory.glob(".building-*"):
            with suppress(FileNotFoundError):
                if path.stat().st_mtime < abandoned:
                    path.unlink()


def _may_serve(file) -> bool:
    """Whether a file of the current generation is current: always, with a shared cache.

    A memory cache is one process's: an edit made through another worker never changes this
    process's generation, so the file is trusted only as long as a cached page would be. The
    dummy cache keeps no generation at all, so every request builds.
    """
    backend = caches["default"]
    if isinstance(backend, DummyCache):
        return False
    if isinstance(backend, LocMemCache):
        return time.time() - os.fstat(file.fileno()).st_mtime < LOCAL_PAGE_TIMEOUT
    return True


def _digest(*parts) -> str:
    return hashlib.sha256("\n".join(map(str, parts)).encode()).hexdigest()[:16]
