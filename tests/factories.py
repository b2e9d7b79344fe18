"""Small helpers that build rows for tests, with only what a test cares about spelled out."""

import importlib
import io
import struct
import zlib
from datetime import date

from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from PIL import Image

from cases.codes import random_code
from cases.dates import Precision
from cases.models import Case, Citation, Consent, Name, Photo, Report, Source
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


def forged_png(width, height, mode="1"):
    """A real 1x1 PNG of mode whose header then claims width x height pixels, its CRC fixed up:
    a decompression bomb as the pipeline first sees it."""
    buffer = io.BytesIO()
    Image.new(mode, (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def make_photo(case, *, approved=True, **fields):
    data = jpeg_bytes()
    photo = Photo(case=case, approved=approved, width=64, height=48, **fields)
    photo.image.save(f"{random_code(20)}.jpg", ContentFile(data), save=False)
    photo.thumbnail.save(f"{random_code(20)}.jpg", ContentFile(data), save=False)
    photo.save()
    return photo


# The migrations that give the staff roles their permissions, each with its function, in order.
# A transactional test flushes the groups that migrating made; staff_user() grants them again as
# a migrated database has them (test_factories checks that no such migration is missing here).
ROLE_MIGRATIONS = {
    "0004_roles": "create_roles",
    "0010_task_permissions": "grant",
    "0016_import_permission": "grant",
    "0018_wgeid": "grant",
    "0021_dossier": "grant",
}


def grant_roles_as_migrated():
    for module, function in ROLE_MIGRATIONS.items():
        getattr(importlib.import_module(f"cases.migrations.{module}"), function)(apps, None)


def staff_user(username, role, password="x" * 16):
    """A staff member in one of the roles (Moderator, Editor), with the role's migrated rights."""
    grant_roles_as_migrated()
    user = User.objects.create_user(username, password=password, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def files_under(root):
    """Every file below root, as sorted paths relative to it."""
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())
