"""Key rotation: re-encrypt every private field and photo under the first FIELD_ENCRYPTION_KEYS
key, and recompute lookup hashes under LOOKUP_HASH_KEY (`manage.py rotate_keys`).

Rows go in batches of primary keys, each batch in its own transaction, files one at a time, so
memory stays bounded whatever the number of reports. Whatever is already current is skipped,
so a run that was killed is simply started again: it passes quickly over what is done and
carries on. Only when a run ends without error may the old key be removed.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import connection, transaction

from . import contacts, crypto, evidence
from .codes import file_token
from .fields import EncryptedMixin
from .models import Photo, Report
from .storage import raw_storage

DEFAULT_BATCH = 500
# Lookup hashes derived from a model's encrypted fields: the column, and how to compute it.
LOOKUP_HASHES = {
    Report: ("lookup_hashes", contacts.hashes_of),
    Photo: ("original_lookup", lambda plain: evidence.original_lookup(plain["original_sha256"])),
}


@dataclass
class Progress:
    """One batch done: what it was, how many it looked at and how many it rewrote."""

    label: str
    seen: int
    rewritten: int
    last_pk: int


def encrypted_fields(model) -> list:
    return [field for field in model._meta.concrete_fields if isinstance(field, EncryptedMixin)]


def models_with_encrypted_fields() -> list:
    return [model for model in apps.get_models() if encrypted_fields(model)]


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _batches(model, columns: list[str], size: int) -> Iterator[list[tuple]]:
    """The stored values (tokens, not plaintext) of `columns`, by primary key, `size` at a time."""
    table, pk = _quoted(model._meta.db_table), _quoted(model._meta.pk.column)
    selected = ", ".join([pk, *(_quoted(column) for column in columns)])
    query = f"SELECT {selected} FROM {table} WHERE {pk} > %s ORDER BY {pk} LIMIT %s"  # noqa: S608 (names from _meta)
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(query, [last, size])
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _rotated_tokens(values: list) -> tuple[list, list]:
    """The plaintexts of a row's stored values, and the values to store: under the first key."""
    plain, stored = [], []
    for value in values:
        if not value:
            plain.append(value)
            stored.append(value)
            continue
        text, token = crypto.rotated(value.encode("ascii"))
        plain.append(text.decode())
        stored.append(token.decode("ascii") if token else value)
    return plain, stored


def rotate_rows(model, *, batch_size: int = DEFAULT_BATCH) -> Iterator[Progress]:
    """Re-encrypt one model's encrypted columns, batch by batch; yields after each commit."""
    fields = encrypted_fields(model)
    hash_column, hashes_of = LOOKUP_HASHES.get(model, (None, None))
    columns = [field.column for field in fields] + ([hash_column] if hash_column else [])
    table, pk = _quoted(model._meta.db_table), _quoted(model._meta.pk.column)
    assignments = ", ".join(f"{_quoted(column)} = %s" for column in columns)
    unchanged = " AND ".join(f"{_quoted(column)} = %s" for column in columns)
    # Only if the row still holds what was read: an edit made meanwhile is already written
    # under the first key, and must not be overwritten with the older text.
    update = f"UPDATE {table} SET {assignments} WHERE {pk} = %s AND {unchanged}"  # noqa: S608 (names from _meta)
    for rows in _batches(model, columns, batch_size):
        changes = []
        for pk_value, *values in rows:
            plain, stored = _rotated_tokens(values[: len(fields)])
            if hashes_of:
                names = [field.name for field in fields]
                stored.append(hashes_of(dict(zip(names, plain, strict=True))))
            if stored != values:
                changes.append([*stored, pk_value, *values])
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(update, changes)
        yield Progress(model._meta.label, len(rows), len(changes), rows[-1][0])


def _fresh_name(name: str) -> str:
    """A new random name beside the old one: a re-encrypted file never overwrites its original,
    so a kill at any moment leaves every photo readable."""
    path = PurePosixPath(name)
    return str(path.with_name(f"{file_token()}{path.suffix}"))


def _rotate_file(storage, name: str) -> str | None:
    """The name of the re-encrypted copy, or None when the file is already under the first key."""
    with storage.open(name, "rb") as stored:
        _plain, token = crypto.rotated(stored.read())
    if token is None:
        return None
    return storage.save(_fresh_name(name), ContentFile(token))


def rotate_photos(*, batch_size: int = DEFAULT_BATCH) -> Iterator[Progress]:
    """Re-encrypt each photo's image and thumbnail; the row moves to the new file in one
    transaction and the old file goes after the commit."""
    last = 0
    while True:
        photos = list(
            Photo.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "image", "thumbnail")[:batch_size]
        )
        if not photos:
            return
        rewritten = 0
        for pk, *names in photos:
            rewritten += _rotate_photo(pk, dict(zip(["image", "thumbnail"], names, strict=True)))
        last = photos[-1][0]
        yield Progress("photos", len(photos), rewritten, last)


def _rotate_photo(pk: int, names: dict[str, str]) -> int:
    storage = raw_storage(Photo._meta.get_field("image").storage)
    moved = {}
    for field, name in names.items():
        if name and (new_name := _rotate_file(storage, name)):
            moved[field] = new_name
    if not moved:
        return 0
    with transaction.atomic():
        if not Photo.objects.filter(pk=pk, **names).update(**moved):
            stale = list(moved.values())  # the photo was deleted meanwhile
        else:
            stale = [names[field] for field in moved]
        transaction.on_commit(lambda: [storage.delete(name) for name in stale])
    return 1


def rotate_all(
    *, batch_size: int = DEFAULT_BATCH, after_batch: Callable[[Progress], None] | None = None
) -> list[Progress]:
    """Every encrypted column of every model, then every private photo."""
    done = []
    steps = [rotate_rows(model, batch_size=batch_size) for model in models_with_encrypted_fields()]
    steps.append(rotate_photos(batch_size=batch_size))
    for step in steps:
        for progress in step:
            done.append(progress)
            if after_batch:
                after_batch(progress)
    return done
