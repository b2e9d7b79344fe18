"""Open data: published cases as JSON and CSV, with a fixed list of public fields (README).

Fields are named here one by one, never taken from the model, so that a field added to Case
later stays private until someone decides to publish it. Three queries whatever the number of
cases: the cases, their public names, their citations with sources.
"""

import csv
import io
import json

from django.core.serializers.json import DjangoJSONEncoder

from .dates import Precision
from .models import Case, Citation, Name

SCHEMA_VERSION = 1

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


def public_case_records(absolute_url) -> list[dict]:
    """Every published case as a dict of public fields; `absolute_url` makes a path a full URL."""
    cases = Case.objects.published().order_by("published_at", "pk")
    names = _grouped(
        Name.objects.filter(is_public=True, case__in=Case.objects.published()).order_by("pk")
    )
    citations = _grouped(
        Citation.objects.filter(case__in=Case.objects.published())
        .select_related("source")
        .order_by("pk")
    )
    return [
        case_record(case, names.get(case.pk, []), citations.get(case.pk, []), absolute_url)
        for case in cases
    ]


def _grouped(rows) -> dict:
    grouped = {}
    for row in rows:
        grouped.setdefault(row.case_id, []).append(row)
    return grouped


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


def as_json(records: list[dict]) -> str:
    document = {"schema_version": SCHEMA_VERSION, "count": len(records), "cases": records}
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)


def as_csv(records: list[dict]) -> str:
    """One row per case; lists become one cell, entries separated by " | " (see README)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow([_cell(value) for value in _csv_row(record)])
    return buffer.getvalue()


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
