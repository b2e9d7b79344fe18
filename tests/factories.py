"""Small helpers that build rows for tests, with only what a test cares about spelled out."""

import io
from datetime import date

from django.core.files.base import ContentFile
from PIL import Image

from cases.dates import Precision
from cases.models import Case, Citation, Consent, Name, Photo, Report, Source, random_code
from cases.services import publish_case


def make_source(**fields):
    defaults = {"title": "A report on the camps", "publisher": "Example News", "url": ""}
    return Source.objects.create(**(defaults | fields))


def make_case(**fields):
    defaults = {
        "display_name": "Example Person",
        "consent": Consent.PUBLIC_NAMED,
        "situation_date": date(2018, 3, 9),
        "situation_date_precision": Precision.MONTH,
    }
    return Case.objects.create(**(defaults | fields))


def make_published_case(*, source=None, names=(), **fields):
    case = make_case(**fields)
    for text in names:
        Name.objects.create(case=case, text=text, is_public=True)
    Citation.objects.create(case=case, source=source or make_source(), claim="Detained in 2018")
    return publish_case(case=case, by=None)


def make_report(case=None, **fields):
    defaults = {"language": "en", "submitter_name": "Example Relative", "narrative": "Example"}
    report = Report(case=case, **(defaults | fields))
    report.issue_receipt()
    report.save()
    return report


def jpeg_bytes(size=(64, 48), color=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


def make_photo(case, *, approved=True, **fields):
    data = jpeg_bytes()
    photo = Photo(case=case, approved=approved, width=64, height=48, **fields)
    photo.image.save(f"{random_code(20)}.jpg", ContentFile(data), save=False)
    photo.thumbnail.save(f"{random_code(20)}.jpg", ContentFile(data), save=False)
    photo.save()
    return photo
