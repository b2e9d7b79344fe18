"""Name search: pg_trgm and a trigram index on Name.key (PostgreSQL only), and keys backfilled.

The index is raw SQL rather than a GinIndex in Name.Meta because a model index cannot be limited
to one database, and SQLite has no GIN: SQLite searches the keys by scanning (cases/search.py).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from cases import names

INDEX = "cases_name_key_trgm"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON cases_name USING gin (key gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


def backfill_search_fields(apps, schema_editor):
    """What Name.refresh_search_fields does, for names saved before it existed or changed."""
    Name = apps.get_model("cases", "Name")
    batch = []
    for name in Name.objects.only("text", "script", "key").iterator(chunk_size=2000):
        script, key = names.detect_script(name.text), names.search_key(name.text)
        if (name.script, name.key) != (script, key):
            name.script, name.key = script, key
            batch.append(name)
        if len(batch) >= 2000:
            Name.objects.bulk_update(batch, ["script", "key"])
            batch = []
    Name.objects.bulk_update(batch, ["script", "key"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        migrations.RunPython(backfill_search_fields, migrations.RunPython.noop),
        TrigramExtension(),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
