"""Case dossiers for staff: one PDF per case (for the WGEID, other UN bodies, lawyers), and a
ZIP of several with a CSV of their WGEID fields.

A dossier holds what the public never sees, so it is rendered here, on the server, from the
case's own rows and private photos only: WeasyPrint is given a fetcher that refuses every URL
but the case's approved photos read from private storage, and fonts come from the system's
fontconfig (Debian's Noto packages), never from a URL.
"""

import csv
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _
from PIL import ImageFile
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import evidence, names
from .csv_cells import csv_cell
from .dates import format_fuzzy_date
from .evidence_models import FileEvent
from .models import Case, Citation, DossierExport, Event, Name, Photo, Report
from .wgeid import WGEID_CSV_COLUMNS, wgeid_csv_row, wgeid_elements

# Importing WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process, and the photo
# pipeline would then take a cut-off upload for a whole one. The dossier only embeds thumbnails
# we made, which are never truncated.
ImageFile.LOAD_TRUNCATED_IMAGES = False

TEMPLATE = "cases/dossier/dossier.html"
PHOTO_SCHEME = "case-photo"
# A bulk export is rendered in the request (a few seconds a case, bench/dossier.py): this many
# cases keep it well inside gunicorn's 60 s timeout on a loaded machine, and a ZIP of them is
# held in memory (a few MiB), never on disk, where it would lie unencrypted.
BULK_LIMIT = 20


class RefusedURL(ValueError):
    """A URL the dossier may not fetch: anything but the case's own approved photos."""


class PrivatePhotoFetcher(URLFetcher):
    """Hands WeasyPrint the thumbnails of the given photos, decrypted from private storage, for
    `case-photo:<id>` URLs, and refuses every other URL before any request is made: a link to
    a source, a stylesheet or a font named by a URL must never reach the network."""

    def __init__(self, photos):
        super().__init__(allowed_protocols=[PHOTO_SCHEME])
        self.photos = {photo.pk: photo for photo in photos}
        self.refused = []

    def fetch(self, url, headers=None):
        photo = self.photos.get(photo_id(url))
        if photo is None:
            self.refused.append(url)
            raise RefusedURL(f"The dossier fetches no URL: {url[:100]}")
        with photo.thumbnail.open("rb") as stored:
            data = stored.read()
        return URLFetcherResponse(url, data, {"Content-Type": "image/jpeg"})


def photo_url(photo: Photo) -> str:
    return f"{PHOTO_SCHEME}:{photo.pk}"


def photo_id(url: str) -> int | None:
    scheme, _colon, rest = url.partition(":")
    if scheme != PHOTO_SCHEME or not rest.isdigit() or not rest.isascii():
        return None
    return int(rest)


def render_pdf(html: str, *, photos=()) -> bytes:
    """The PDF of `html`, with nothing fetched but `photos` (thumbnails, from private storage)."""
    fetcher = PrivatePhotoFetcher(photos)
    document = HTML(string=html, url_fetcher=fetcher)
    return document.write_pdf(font_config=FontConfiguration())


def in_language(function, *args):
    """A text computed when it is printed, in the language active then: the dossier prints its
    labels and dates twice, in the office's language and in English."""
    return lazy(function, str)(*args)


def fuzzy_date(value, precision):
    return in_language(format_fuzzy_date, value, precision) if value else ""


# Every label the dossier prints, each shown in the office's language and in English.
LABELS = {
    "title": _("Case dossier"),
    "confidential": _("Confidential: for the office and the bodies it sends this case to."),
    "notice": _(
        "Prepared from the office's records for a submission to the UN Working Group on "
        "Enforced or Involuntary Disappearances (WGEID) or another body. It holds private "
        "information that is never published: keep it safe and send it only through the "
        "recipient's own channel."
    ),
    "case": _("Case"),
    "status": _("Status in the office's records"),
    "generated": _("Prepared on"),
    "generated_by": _("Prepared by"),
    "elements": _("Elements for the WGEID"),
    "names": _("Names, in every script recorded"),
    "name": _("Name"),
    "script": _("Script"),
    "kind": _("Kind"),
    "public": _("Shown publicly"),
    "yes": _("yes"),
    "no": _("no"),
    "timeline": _("Timeline"),
    "when": _("When"),
    "what": _("What happened"),
    "place": _("Place"),
    "source": _("Source"),
    "no_events": _("No event is recorded."),
    "citations": _("Sources and what they support"),
    "claim": _("What it supports"),
    "publisher": _("Publisher"),
    "published": _("Date published"),
    "accessed": _("Date accessed"),
    "link": _("Link"),
    "archive": _("Archived copy"),
    "locator": _("Where in the source"),
    "excerpt": _("Excerpt"),
    "no_citations": _("No source is cited."),
    "photos": _("Photos and documents"),
    "photo": _("Photo"),
    "description": _("Description"),
    "size": _("Size in pixels"),
    "received": _("Received"),
    "fingerprint": _("SHA-256 of the stored file (sanitized)"),
    "fingerprint_help": _(
        "Two fingerprints identify each file. The SHA-256 of the file as the relative sent it "
        "was taken on arrival, before anything was changed (the original itself is not kept): "
        "whoever holds the original can compute it and show it is the same file. The stored "
        "file is the sanitized copy (metadata removed, re-encoded), with a SHA-256 of its own. "
        "Any change to a file changes its SHA-256."
    ),
    "original": _("SHA-256 of the file as the relative sent it"),
    "channel": _("Received through"),
    "trail": _("Trail"),
    "supported_by": _("Supporting files"),
    "came_with": _("Came with report"),
    "no_photos": _("No approved photo."),
    "consent": _("Consent record"),
    "case_consent": _("Consent on the case (the most restrictive of the reports)"),
    "publication": _("Publication"),
    "photo_consent": _("Photos may be published"),
    "report": _("Report"),
    "relationship": _("Relationship to the person"),
    "language": _("Language used"),
    "at_office": _("Taken at the office"),
    "state": _("State"),
    "no_reports": _("No report is linked to this case."),
    "contact_withheld": _(
        "The submitters' names and contact details are not printed: the office keeps them."
    ),
    "signature_page": _("For the submitter to sign"),
    "statement": _(
        "I have read this dossier, or had it read to me in a language I understand. The "
        "information about the person named in it is true to the best of my knowledge. I "
        "consent to the office submitting this case to the UN Working Group on Enforced or "
        "Involuntary Disappearances and to the bodies named below."
    ),
    "identity_statement": _(
        "I consent / do not consent (strike out one) to my identity being disclosed to the "
        "government concerned."
    ),
    "bodies": _("Bodies this case may be sent to"),
    "signer_name": _("Full name of the person signing"),
    "signer_relationship": _("Relationship to the person"),
    "date": _("Date"),
    "signature": _("Signature"),
    "witness": _("Staff member of the office (name and signature)"),
    "page": _("Page"),
}


@dataclass
class Dossier:
    """Everything one dossier prints, read in a fixed number of queries."""

    case: Case
    prepared_by: str
    prepared_at: object
    elements: list
    names: list
    events: list
    citations: list
    photos: list
    reports: list

    @property
    def title(self) -> str:
        return self.case.reference or gettext("case #%(pk)s") % {"pk": self.case.pk}

    def context(self) -> dict:
        office = settings.DOSSIER_LANGUAGE
        return {
            "dossier": self,
            "case": self.case,
            "L": LABELS,
            "office_language": office,
            "rtl": office in settings.LANGUAGES_BIDI,
        }


def dossier_cases(queryset):
    """Cases with everything a dossier prints, prefetched: the same queries for any number."""
    return queryset.select_related("wgeid").prefetch_related(
        "family_steps",
        Prefetch("names", queryset=Name.objects.order_by("id")),
        Prefetch(
            "events", queryset=Event.objects.select_related("source").prefetch_related("photos")
        ),
        Prefetch(
            "citations",
            queryset=Citation.objects.select_related("source")
            .prefetch_related("photos")
            .order_by("id"),
        ),
        Prefetch(
            "photos",
            queryset=Photo.objects.filter(approved=True)
            .prefetch_related(
                Prefetch("file_events", queryset=FileEvent.objects.select_related("actor"))
            )
            .order_by("id"),
        ),
        Prefetch(
            "reports",
            queryset=Report.objects.exclude(state=Report.State.SPAM).order_by("created_at"),
        ),
    )


def bilingual_elements(case: Case) -> list[tuple[str, str, str, str]]:
    """Each element's label and value in the office's language and in English."""
    with override(settings.DOSSIER_LANGUAGE):
        office = wgeid_elements(case)
    with override("en"):
        english = wgeid_elements(case)
    return [(*first, *second) for first, second in zip(office, english, strict=True)]


def build_dossier(case: Case, *, by) -> Dossier:
    """The dossier of one case (prefetched through dossier_cases)."""
    return Dossier(
        case=case,
        prepared_by=by.get_username() if by else "",
        prepared_at=timezone.localtime(),
        elements=bilingual_elements(case),
        names=[(name, name_direction(name)) for name in case.names.all()],
        events=[with_support(event, case) for event in case.events.all()],
        citations=[with_support(citation, case) for citation in case.citations.all()],
        photos=[with_evidence(photo) for photo in case.photos.all()],
        reports=list(case.reports.all()),
    )


def with_support(claim, case: Case):
    """A citation or event with the approved files of its case that support it (prefetched:
    evidence.supporting_photos asks the database once per claim)."""
    approved = {photo.pk for photo in case.photos.all()}
    claim.supporting = [photo for photo in claim.photos.all() if photo.pk in approved]
    return claim


def with_evidence(photo: Photo) -> Photo:
    """A photo with its trail and the fingerprint of the file as the relative sent it."""
    photo.trail = evidence.trail_entries(photo.file_events.all(), photo.channel)
    photo.original_fingerprint = in_language(evidence.original_fingerprint_label, photo)
    photo.received_through = in_language(evidence.channel_label, photo)
    return photo


def name_direction(name: Name) -> str:
    return "rtl" if name.script == names.Script.ARABIC else "ltr"


def render_dossier(dossier: Dossier) -> bytes:
    with override(settings.DOSSIER_LANGUAGE):
        html = render_to_string(TEMPLATE, dossier.context())
    return render_pdf(html, photos=dossier.photos)


def file_name(case: Case) -> str:
    """The reference or the number only: a file name is seen by mail servers and
    file listings, so it never carries a name."""
    return f"dossier-{case.reference or f'case-{case.pk}'}.pdf"


def record_export(*, cases, kind, by) -> DossierExport:
    """The audit record of one download, written before a byte of it leaves: the export, and
    an "exported" step in the trail of every photo it holds."""
    photos = [photo for case in cases for photo in case.photos.all()]
    with transaction.atomic():
        export = DossierExport.objects.create(
            kind=kind, case_count=len(cases), photo_count=len(photos), exported_by=by
        )
        export.cases.set(cases)
        for case in cases:
            evidence.record_file_events(
                case.photos.all(), FileEvent.Action.EXPORTED, by, note=file_name(case)
            )
    return export


def dossier_pdf(case_id: int, *, by) -> tuple[Case, bytes]:
    """One case's dossier, recorded as exported by `by`."""
    case = dossier_cases(Case.objects.filter(pk=case_id)).get()
    pdf = render_dossier(build_dossier(case, by=by))
    record_export(cases=[case], kind=DossierExport.Kind.ONE, by=by)
    return case, pdf


def wgeid_csv(cases) -> bytes:
    """The WGEID fields of `cases`, one row each; no cell can run as a spreadsheet formula."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(WGEID_CSV_COLUMNS)
    for case in cases:
        writer.writerow([csv_cell(cell) for cell in wgeid_csv_row(case)])
    return ("\ufeff" + text.getvalue()).encode()  # the BOM makes spreadsheets read UTF-8


def dossier_zip(case_ids, *, by) -> bytes:
    """A ZIP of one PDF per case and a CSV of their WGEID fields, recorded as exported."""
    if len(case_ids) > BULK_LIMIT:
        raise ValueError(f"At most {BULK_LIMIT} cases per export")
    cases = list(dossier_cases(Case.objects.filter(pk__in=case_ids)).order_by("pk"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for case in cases:
            pdf = render_dossier(build_dossier(case, by=by))
            archive.writestr(file_name(case), pdf, compress_type=zipfile.ZIP_STORED)
        archive.writestr("wgeid-fields.csv", wgeid_csv(cases), compress_type=zipfile.ZIP_DEFLATED)
    record_export(cases=cases, kind=DossierExport.Kind.BULK, by=by)
    return buffer.getvalue()
