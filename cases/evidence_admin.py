"""Staff pages of the evidence trail (cases/evidence.py): a photo's fingerprints and trail, and
"check a file against our records", which hashes a file without keeping it.

The check page takes a fingerprint computed in the browser (static/js/evidence-check.js), or,
without JavaScript, the file itself: HashingUploadHandler hashes its chunks as they arrive and
drops them, so the upload is written nowhere, neither to memory as a whole nor to a temporary
file, and only its SHA-256 and size reach the view.
"""

import hashlib
import io

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.db.models import Prefetch
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from advocacy.languages import formatted_lazily

from . import evidence, photos
from .evidence_models import FileEvent
from .models import Photo

TOO_LARGE = formatted_lazily(
    _(
        "This file is larger than %(megabytes)s MB. No photo we received was that large, so it "
        "cannot match our records."
    ),
    {"megabytes": photos.MAX_UPLOAD_MEGABYTES},
)
NOT_A_FINGERPRINT = _("This is not a SHA-256 fingerprint: it has 64 characters, each 0-9 or a-f.")
NOTHING_GIVEN = _("Choose a file, or paste its SHA-256 fingerprint.")


def _when(moment) -> str:
    return date_format(localtime(moment), "DATETIME_FORMAT")


def trail_list(trail: list[evidence.TrailEntry]):
    """The trail as a list, oldest first: one line a step, narrow enough for the workspace."""
    if not trail:
        return gettext("Nothing recorded yet.")
    items = format_html_join(
        "",
        "<li><strong>{}</strong> · {} · {}{}</li>",
        (
            (entry.label, _when(entry.at), entry.who, f" · {entry.note}" if entry.note else "")
            for entry in trail
        ),
    )
    return format_html('<ol class="file-trail">{}</ol>', items)


def fingerprints(photo: Photo):
    """Both fingerprints, the channel and the time received, for staff only."""
    return format_html(
        '<dl class="file-fingerprints"><dt>{}</dt><dd><code>{}</code></dd>'
        "<dt>{}</dt><dd><code>{}</code></dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl>",
        gettext("SHA-256 of the file as the relative sent it"),
        evidence.original_fingerprint_label(photo),
        gettext("SHA-256 of the file as we store it"),
        photo.sha256,
        gettext("received through"),
        evidence.channel_label(photo),
        gettext("received"),
        _when(photo.created_at),
    )


def with_trails(photos_queryset):
    """Photos with their trails loaded in one query more, for evidence_of()."""
    events = FileEvent.objects.select_related("actor")
    return photos_queryset.prefetch_related(Prefetch("file_events", queryset=events))


def evidence_of(photo: Photo):
    """Fingerprints and trail of a photo loaded through with_trails()."""
    if not photo.pk:
        return "—"
    trail = evidence.trail_entries(photo.file_events.all(), photo.channel)
    return format_html("{}{}", fingerprints(photo), trail_list(trail))


class PhotoEvidenceAdmin:
    """What PhotoAdmin gains: fingerprints and trail on the photo, and the check page."""

    evidence_fields = ["fingerprints", "trail"]

    @admin.display(description=_("fingerprints"))
    def fingerprints(self, photo):
        return fingerprints(photo)

    @admin.display(description=_("evidence trail"))
    def trail(self, photo):
        return trail_list(evidence.file_trail(photo))

    def get_urls(self):
        view = self.admin_site.admin_view(csrf_exempt(self.check_view))
        return [path("check/", view, name="cases_photo_check"), *super().get_urls()]

    def check_view(self, request):
        """Staff choose a file; the page says which photos, if any, it is."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return self.render_check(request, CheckForm())
        # Before anything reads the body: the file is hashed and dropped as it arrives.
        handler = HashingUploadHandler(request)
        request.upload_handlers = [handler]
        return csrf_protect(self.checked)(request, handler)

    def checked(self, request, handler):
        form = CheckForm(request.POST, request.FILES, too_large=handler.too_large)
        if not form.is_valid():
            return self.render_check(request, form)
        fingerprint = form.cleaned_data["sha256"]
        matches = evidence.find_by_fingerprint(fingerprint)
        trails = evidence.file_trails(match.photo for match in matches)
        results = [
            {
                "match": match,
                "photo": match.photo,
                "fingerprints": fingerprints(match.photo),
                "trail": trail_list(trails[match.photo.pk]),
                "photo_url": reverse("admin:cases_photo_change", args=[match.photo.pk]),
                "case_url": reverse("admin:cases_case_change", args=[match.photo.case_id]),
                "thumbnail_url": reverse(
                    "admin:cases_photo_file", args=[match.photo.pk, "thumbnail"]
                ),
            }
            for match in matches
        ]
        context = {"checked": fingerprint, "results": results}
        return self.render_check(request, CheckForm(), **context)

    def render_check(self, request, form, **context):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Check a file against our records"),
            "form": form,
            "max_bytes": photos.MAX_UPLOAD_BYTES,
            "too_large_message": TOO_LARGE,
            **context,
        }
        return TemplateResponse(request, "admin/cases/photo/check_file.html", context)


class CheckForm(forms.Form):
    file = forms.FileField(label=_("A file"), required=False)
    fingerprint = forms.CharField(
        label=_("or its SHA-256 fingerprint"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"size": 70, "autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, too_large=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean(self):
        upload, typed = self.cleaned_data.get("file"), self.cleaned_data.get("fingerprint", "")
        if self.too_large:
            raise forms.ValidationError(TOO_LARGE, code="too_large")
        if upload:
            self.cleaned_data["sha256"] = upload.sha256
        elif typed:
            try:
                self.cleaned_data["sha256"] = evidence.normalise_fingerprint(typed)
            except ValueError:
                self.add_error("fingerprint", forms.ValidationError(NOT_A_FINGERPRINT))
        elif not self.errors:
            raise forms.ValidationError(NOTHING_GIVEN, code="empty")
        return self.cleaned_data


class HashedUpload(UploadedFile):
    """What the check page receives instead of a file: its name, size and SHA-256, no bytes."""

    def __init__(self, name, size, sha256):
        super().__init__(file=io.BytesIO(), name=name, size=size)
        self.sha256 = sha256


class HashingUploadHandler(FileUploadHandler):
    """Hashes the one file of the field `file` chunk by chunk and keeps no chunk.

    A file larger than any upload we accept cannot be one of ours: reading stops there.
    """

    field_name = "file"

    def __init__(self, request=None, *, limit=photos.MAX_UPLOAD_BYTES):
        super().__init__(request)
        self.limit, self.too_large = limit, False
        self.digest, self.received = None, 0

    def new_file(self, field_name, *args, **kwargs):
        if field_name != self.field_name or self.digest is not None:
            raise SkipFile
        super().new_file(field_name, *args, **kwargs)
        self.digest = hashlib.sha256()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        self.digest.update(raw_data)

    def file_complete(self, file_size):
        return HashedUpload(self.file_name, file_size, self.digest.hexdigest())


class SupportingPhotosInline:
    """For the citation and event rows: the files that support the claim, chosen among the
    case's own photos only (any other is refused as not a valid choice)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields.get("photos")
        if field is not None:
            field.widget = forms.CheckboxSelectMultiple()
            # Setting the queryset gives the new widget its choices.
            field.queryset = (
                obj.photos.all() if obj is not None and obj.pk else Photo.objects.none()
            )
            field.help_text = _("Staff only: never shown on the public site.")
        return formset
