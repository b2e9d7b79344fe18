"""Evidence for every file: its fingerprints, the trail of who did what to it and when, finding
it again by a fingerprint, and the claims it supports.

Fingerprints, on Photo:

- ``Photo.sha256``: SHA-256 of the sanitized JPEG we store, which is also the public copy once
  the photo is public. Kept in clear: anyone holding the public copy can compute it anyway.
- ``Photo.original_sha256``: SHA-256 of the exact bytes the relative uploaded, taken before
  sanitizing (the upload itself is never kept). Encrypted (cases/fields.py), shown to staff and
  printed in the dossier. Empty when unknown: photos stored before fingerprints were taken.
- ``Photo.original_lookup``: a keyed hash of that fingerprint (crypto.lookup_hash, under
  LOOKUP_HASH_KEY), so that staff can find the photo by it.
- ``Photo.channel``: how the file came (``Photo.Channel``); empty when unknown.
- ``Photo.created_at``: when it was received.

Why the original's fingerprint is not stored in clear: whoever holds the original can compute
its SHA-256. With a plain column, anyone holding a copied database or backup and a photo (one
taken from a relative's seized phone, say) could confirm that this family sent it to us. The
keyed hash and the encrypted value mean nothing without the keys, which neither the database nor
a backup holds, while staff can still find a file by it and read it. The lookup hash is cut to
96 bits like the other lookups; a match is confirmed on the whole fingerprint, decrypted.

The trail (FileEvent, cases/evidence_models.py) is written here only, by the services that
change a photo's state: received (at ingest), approved and unapproved, published and
unpublished (a public copy made or removed, whatever caused it), moved (to another case), and
exported (the dossier and bulk export call record_file_event).

Claims tied to evidence: ``Citation.photos`` and ``Event.photos`` name the files of the same
case that support them. They are staff-only: no public page, feed or export shows them.
"""

import re
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import crypto
from .evidence_models import FileEvent
from .models import Citation, Event, Photo

Action = FileEvent.Action
FINGERPRINT = re.compile(r"[0-9a-f]{64}")
ORIGINAL_UNKNOWN = _("not recorded: the photo was stored before fingerprints were taken")
CHANNEL_UNKNOWN = _("not recorded: the photo was stored before the trail began")


def original_lookup(fingerprint: str) -> str:
    """The keyed hash that finds a photo by the fingerprint of its original upload."""
    return crypto.lookup_hash("photo-original", fingerprint) if fingerprint else ""


def normalise_fingerprint(text: str) -> str:
    """A SHA-256 as typed or pasted (any case, spaces or colons between groups), in lower-case
    hex; ValueError when it is not one."""
    cleaned = re.sub(r"[\s:]", "", text).lower()
    if not FINGERPRINT.fullmatch(cleaned):
        raise ValueError(text)
    return cleaned


def _actor(user):
    """A signed-in user, or None for the system itself and for anyone not signed in."""
    return user if user is not None and user.is_authenticated else None


def record_file_event(photo, action, actor=None, *, at=None, note="") -> FileEvent:
    """Add one step to a photo's trail. `action` is a FileEvent.Action (or its value)."""
    return FileEvent.objects.create(
        photo_id=getattr(photo, "pk", photo),
        action=Action(action),
        actor=_actor(actor),
        at=at or timezone.now(),
        note=str(note)[:300],
    )


def record_file_events(photos, action, actor=None, *, note="") -> None:
    """The same step for several photos (or their ids) at once, at one time."""
    at, action, actor = timezone.now(), Action(action), _actor(actor)
    FileEvent.objects.bulk_create(
        FileEvent(photo_id=getattr(p, "pk", p), action=action, actor=actor, at=at, note=note[:300])
        for p in photos
    )


def record_received(photos, actor=None) -> None:
    """Start the trails of photos just stored, each at its time received, in one query."""
    actor = _actor(actor)
    FileEvent.objects.bulk_create(
        FileEvent(photo=photo, action=Action.RECEIVED, actor=actor, at=photo.created_at)
        for photo in photos
    )


@dataclass(frozen=True)
class TrailEntry:
    at: object  # an aware datetime
    action: str
    label: str
    who: str
    note: str


def _who(event: FileEvent, channel: str) -> str:
    if event.actor is not None:
        return event.actor.get_full_name() or event.actor.get_username()
    if event.action == Action.RECEIVED:
        if channel in (Photo.Channel.ONLINE, Photo.Channel.ADDITION):
            return str(_("the relative"))
        if not channel:
            return str(_("not recorded"))
    return str(_("the system"))


def trail_entries(events, channel: str) -> list[TrailEntry]:
    """Trail entries of FileEvents already loaded (with their actors), e.g. by a prefetch."""
    return [
        TrailEntry(
            at=event.at,
            action=event.action,
            label=str(event.get_action_display()),
            who=_who(event, channel),
            note=event.note,
        )
        for event in events
    ]


def file_trail(photo: Photo) -> list[TrailEntry]:
    """The photo's trail, oldest first: when, what, who, and a note."""
    events = FileEvent.objects.filter(photo_id=photo.pk).select_related("actor")
    return trail_entries(events, photo.channel)


def file_trails(photos) -> dict[int, list[TrailEntry]]:
    """The trails of many photos in one query, by photo id (every id present, maybe empty)."""
    photos = list(photos)
    trails = {photo.pk: [] for photo in photos}
    channels = {photo.pk: photo.channel for photo in photos}
    events = FileEvent.objects.filter(photo_id__in=trails).select_related("actor")
    by_photo: dict[int, list[FileEvent]] = {pk: [] for pk in trails}
    for event in events:
        by_photo[event.photo_id].append(event)
    for pk, found in by_photo.items():
        trails[pk] = trail_entries(found, channels[pk])
    return trails


def channel_label(photo: Photo) -> str:
    return str(photo.get_channel_display() if photo.channel else CHANNEL_UNKNOWN)


def original_fingerprint_label(photo: Photo) -> str:
    """The original's fingerprint for display, or plainly that it is not known."""
    return photo.original_sha256 or str(ORIGINAL_UNKNOWN)


@dataclass(frozen=True)
class Match:
    photo: Photo
    of_original: bool  # the file as the relative sent it; else the file as we store it


def find_by_fingerprint(fingerprint: str) -> list[Match]:
    """Every photo whose original upload or whose stored file has this SHA-256 (normalised)."""
    lookup = original_lookup(fingerprint)
    candidates = (
        Photo.objects.filter(Q(original_lookup=lookup) | Q(sha256=fingerprint))
        .select_related("case")
        .order_by("pk")
    )
    matches = []
    for photo in candidates:
        if photo.original_sha256 == fingerprint:
            matches.append(Match(photo, of_original=True))
        elif photo.sha256 == fingerprint:
            matches.append(Match(photo, of_original=False))
    return matches


def supporting_photos(claim: Citation | Event) -> list[Photo]:
    """The files a citation or timeline event names as its support: staff-only, never public."""
    return list(claim.photos.filter(case_id=claim.case_id).order_by("pk"))


def unlink_claims_elsewhere(photo_ids) -> None:
    """A photo moved to another case no longer supports the claims of the case it left."""
    for model in (Citation, Event):
        links = model.photos.through.objects.filter(photo_id__in=list(photo_ids))
        owner = model._meta.model_name
        links.exclude(**{f"{owner}__case_id": F("photo__case_id")}).delete()
