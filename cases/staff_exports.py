"""Exports for staff only: what partner organisations may receive in confidence."""

import csv

from django.http import HttpResponse

from .csv_cells import csv_cell
from .models import Consent

PARTNER_FIELDS = [
    ("id", lambda case: case.pk),
    ("reference", lambda case: case.reference or ""),
    ("names", lambda case: " | ".join(name.text for name in case.names.all())),
    ("display_name", lambda case: case.display_name),
    ("sex", lambda case: case.sex),
    ("born", lambda case: case.born),
    ("ethnicity", lambda case: case.ethnicity),
    ("hometown_prefecture", lambda case: case.hometown_prefecture),
    ("hometown_detail", lambda case: case.hometown_detail),
    ("situation", lambda case: case.situation),
    ("situation_since", lambda case: case.situation_since),
    ("last_known_place", lambda case: case.last_known_place),
    ("verification", lambda case: case.verification),
    ("consent", lambda case: case.consent),
    ("status", lambda case: case.status),
]


def partner_cases(queryset):
    """Cases a family allowed to share; `internal` never leaves the office."""
    return queryset.exclude(consent=Consent.INTERNAL).prefetch_related("names").order_by("pk")


def partner_csv_response(queryset) -> HttpResponse:
    """A CSV of the shareable cases, without anything about the relatives who reported."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cases-for-partners.csv"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow([name for name, _value in PARTNER_FIELDS])
    for case in partner_cases(queryset):
        writer.writerow([csv_cell(value(case)) for _name, value in PARTNER_FIELDS])
    return response
