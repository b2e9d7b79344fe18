"""Name search: keys backfilled; on PostgreSQL, pg_trgm and the GIN indexes of cases/search.py.

The indexes are raw SQL rather than GinIndex entries in Name.Meta because a model index cannot be
limited to one database, and SQLite has no GIN: there search scans the names.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from cases import names

# Must stay the SQL of cases.search.HanOnlyText, or PostgreSQL won't use the index (tested).
HAN_SEPARATORS = ("·", "・", "•", "‧", " ", "-")


def han_only_text_sql() -> str:
    expression = "text"
    for separator in HAN_SEPARATORS:
        expression = f"REPLACE({expression}, '{separator}', '')"
    return expression


INDEXES = {
    # A query word is LIKE '%word%' on the key; one of one or two letters is LIKE '% ma%' (and
    # 'ma%', which the key's own btree index answers).
    "cases_name_key_trgm": "USING gin (key gin_trgm_ops)",
    # Han in a query: names holding all its characters, of Han names only. Trigrams would miss
    # the many Han names of two characters.
    "cases_name_han_chars": (
        f"USING gin (string_to_array({han_only_text_sql()}, NULL)) WHERE script IN ('han', 'mixed')"
    ),
}


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON cases_name {definition}")


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def backfill_search_fields(apps, schema_editor):
    """What Name.refresh_search_fields does, for names saved before it or by bulk_create."""
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
        # Does nothing on other databases.
        TrigramExtension(),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
