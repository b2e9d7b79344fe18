"""Search words know their place in the name, so that ranking reads them instead of the text.

The rows of 0019 are written anew, in the order of the name's words, with their positions, and
without rows for single Han characters, which the GIN index of 0002 answers better (as
cases.search.search_words does).
"""

from django.db import migrations, models

from cases import names


def write_search_words(apps, schema_editor):
    Name, SearchWord = apps.get_model("cases", "Name"), apps.get_model("cases", "SearchWord")
    SearchWord.objects.all().delete()
    batch = []
    for name in Name.objects.only("text").iterator(chunk_size=2000):
        batch += [
            SearchWord(
                name_id=name.pk, word=word.key, rough=word.rough, han=word.han, position=position
            )
            for position, word in enumerate(names.name_words(name.text))
        ]
        if len(batch) >= 5000:
            SearchWord.objects.bulk_create(batch)
            batch = []
    SearchWord.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("cases", "0021_dossier")]

    operations = [
        migrations.AddField(
            model_name="searchword",
            name="position",
            field=models.PositiveSmallIntegerField(null=True),
        ),
        migrations.RunPython(write_search_words, migrations.RunPython.noop),
    ]
