"""Noticing when public data changes: what the public sees of each record, before and after a write.

A write that leaves every public byte as it was must leave every public trace as it was too: the
public generation (cached pages, their ETags, the open-data file names) and the cases' public
"updated" time. Otherwise a poller learns when relatives send reports or photos, or when staff
edit private fields (DESIGN.md, "Privacy beyond pages"). Public timestamps are cut to the minute
for the same reason.

Signals here only ever empty the cache and stamp the public time (CONVENTIONS.md): each save or
delete of a model that public pages show compares the record's public projection before and after.
Writes that bypass signals (QuerySet.update) call `public_data_changed` themselves.
"""

from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from . import caching
from .models import Case, Citation, Event, Name, Photo, Source

# What any public page, feed, sitemap or export shows of a case itself (its names, photos,
# citations and events have projections of their own).
PUBLIC_CASE_FIELDS = (
    "reference",
    "display_name",
    "public_summary",
    "summary_language",
    "summary_translations",
    "sex",
    "birth_date",
    "birth_date_precision",
    "ethnicity",
    "hometown_prefecture",
    "hometown_detail",
    "situation",
    "situation_date",
    "situation_date_precision",
    "last_known_place",
    "verification",
    "verification_reason",
    "published_at",
)
PUBLIC_SOURCE_FIELDS = (
    "kind",
    "title",
    "publisher",
    "author",
    "language",
    "url",
    "archive_url",
    "published_date",
    "published_date_precision",
    "accessed_date",
    "notes",
)


def public_timestamp():
    """Now, cut to the minute: a public time must not tell a poller the second of a write."""
    return timezone.now().replace(second=0, microsecond=0)


def public_data_changed(*, case_ids=()) -> None:
    """Forget every cached public page and stamp the public "updated" time of these cases."""
    ids = {case_id for case_id in case_ids if case_id is not None}
    if ids:
        Case.objects.filter(pk__in=ids).published().update(public_updated_at=public_timestamp())
    caching.bump_generation()


def _case_is_public(case_id) -> bool:
    return case_id is not None and Case.objects.published().filter(pk=case_id).exists()


def _values(instance, fields) -> tuple:
    return tuple(getattr(instance, field) for field in fields)


def _case(case: Case):
    if not case.is_published:
        return None
    return _values(case, PUBLIC_CASE_FIELDS)


def _name(name: Name):
    if not name.is_public or not _case_is_public(name.case_id):
        return None
    return _values(name, ("case_id", "text", "script", "kind"))


def _photo(photo: Photo):
    """A photo is seen only through its public copy; reconcile_public_photos names the copy."""
    if not photo.public_name:
        return None
    return _values(photo, ("case_id", "public_name", "kind", "alt_text", "width", "height"))


def _citation(citation: Citation):
    if not _case_is_public(citation.case_id):
        return None
    return _values(citation, ("case_id", "source_id", "claim", "locator", "excerpt"))


def _event(event: Event):
    if not _case_is_public(event.case_id):
        return None
    return _values(event, ("case_id", "kind", "date", "date_precision", "place", "public_text"))


def _cases_citing(source: Source) -> set[int]:
    cited = Q(citations__source=source) | Q(events__source=source)
    return set(Case.objects.published().filter(cited).values_list("pk", flat=True))


def _source(source: Source):
    if source.pk is None or not _cases_citing(source):
        return None
    return _values(source, PUBLIC_SOURCE_FIELDS)


PROJECTIONS = {Case: _case, Name: _name, Photo: _photo, Citation: _citation, Event: _event}


def _projection(instance):
    if isinstance(instance, Source):
        return _source(instance)
    return PROJECTIONS[type(instance)](instance)


def _cases_shown_with(instance) -> set[int]:
    """The published cases whose pages show this record."""
    if isinstance(instance, Source):
        return _cases_citing(instance)
    if isinstance(instance, Case):
        return {instance.pk}
    return {instance.case_id}


def _before(instance):
    """The record as stored, before this write: its projection and the cases showing it."""
    if instance.pk is None:
        return None, set()
    stored = type(instance)._base_manager.filter(pk=instance.pk).first()
    if stored is None:
        return None, set()
    return _projection(stored), _cases_shown_with(stored)


def _remember_before_save(sender, instance, raw=False, **kwargs):
    instance._public_before = (None, set()) if raw else _before(instance)


def _compare_after_save(sender, instance, raw=False, **kwargs):
    before, cases_before = getattr(instance, "_public_before", (None, set()))
    after = _projection(instance)
    if before != after:
        cases = cases_before | _cases_shown_with(instance)
        public_data_changed(case_ids=cases)
        if isinstance(instance, Case):
            instance.refresh_from_db(fields=["public_updated_at"])


def _remember_before_delete(sender, instance, **kwargs):
    instance._public_before = (_projection(instance), _cases_shown_with(instance))


def _compare_after_delete(sender, instance, **kwargs):
    before, cases = getattr(instance, "_public_before", (None, set()))
    if before is not None:
        public_data_changed(case_ids=cases)


def _remove_public_copy(sender, instance, **kwargs):
    """File clean-up: a photo deleted by any path (a case deleted in the admin takes its photos
    with it) must not leave its public copy behind, once the deletion is committed."""
    if instance.public_name:
        name = instance.public_name
        transaction.on_commit(lambda: storages["default"].delete(name), robust=True)


def connect_signals() -> None:
    """Called from CasesConfig.ready()."""
    post_delete.connect(_remove_public_copy, sender=Photo, dispatch_uid="publicity-photo-file")
    for model in (Case, Name, Photo, Citation, Event, Source):
        uid = f"publicity-{model._meta.label_lower}"
        pre_save.connect(_remember_before_save, sender=model, dispatch_uid=f"{uid}-pre-save")
        post_save.connect(_compare_after_save, sender=model, dispatch_uid=f"{uid}-save")
        pre_delete.connect(_remember_before_delete, sender=model, dispatch_uid=f"{uid}-pre-del")
        post_delete.connect(_compare_after_delete, sender=model, dispatch_uid=f"{uid}-delete")
