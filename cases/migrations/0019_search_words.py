"""Search words: one row per folded word and Han character of every Name (cases/search.py).

Rows for the names already there are written here; on PostgreSQL a trigram GIN index on the
word answers typos (%) and infixes (LIKE '%word%'). Raw SQL, as in 0002: a model index cannot be
limited to one database.
"""

import django.db.models.deletion
from django.db import migrations, models

from cases import names

TRIGRAM_INDEX = "cases_searchword_word_trgm"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON cases_searchword "
            "USING gin (word gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


def write_search_words(apps, schema_editor):
    """What cases.search.search_words makes, for every Name saved before it existed; and keys
    folded anew, as 2018 Kazakh Latin and Uyghur Cyrillic now fold differently."""
    Name, SearchWord = apps.get_model("cases", "Name"), apps.get_model("cases", "SearchWord")
    batch, refolded = [], []
    for name in Name.objects.only("text", "key").iterator(chunk_size=2000):
        if (key := names.search_key(name.text)) != name.key:
            name.key = key
            refolded.append(name)
        rows = {(word.key, word.rough, word.han) for word in names.name_words(name.text)}
        rows |= {(character, "", True) for character in names.han_text(name.text)}
        batch += [
            SearchWord(name_id=name.pk, word=word, rough=rough, han=han)
            for word, rough, han in sorted(rows)
        ]
        if len(batch) >= 5000:
            SearchWord.objects.bulk_create(batch)
            batch = []
    SearchWord.objects.bulk_create(batch)
    Name.objects.bulk_update(refolded, ["key"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0018_wgeid"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=200)),
                ("rough", models.CharField(blank=True, max_length=200)),
                ("han", models.BooleanField(default=False)),
                (
                    "name",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="search_words",
                        to="cases.name",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["word"],
                        name="cases_searchword_word",
                        opclasses=["varchar_pattern_ops"],
                    ),
                    models.Index(fields=["rough", "han"], name="cases_searchword_rough"),
                ],
            },
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
        migrations.RunPython(write_search_words, migrations.RunPython.noop),
    ]
