"""Fingerprints and the evidence trail of files (cases/evidence.py), and the files that support
citations and timeline events.

Photos stored before this have no fingerprint of their original and no channel: both stay empty,
which the staff pages show as "not recorded". Their trail starts with when they were received.
"""

import cases.fields
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def start_trails(apps, schema_editor):
    Photo = apps.get_model("cases", "Photo")
    FileEvent = apps.get_model("cases", "FileEvent")
    photos = Photo.objects.order_by("pk").values_list("pk", "created_at")
    FileEvent.objects.bulk_create(
        (FileEvent(photo_id=pk, action="received", at=at) for pk, at in photos.iterator()),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0019_search_words"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="citation",
            name="photos",
            field=models.ManyToManyField(
                blank=True,
                related_name="supported_citations",
                to="cases.photo",
                verbose_name="supporting files",
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="photos",
            field=models.ManyToManyField(
                blank=True,
                related_name="supported_events",
                to="cases.photo",
                verbose_name="supporting files",
            ),
        ),
        migrations.AddField(
            model_name="photo",
            name="channel",
            field=models.CharField(
                blank=True,
                choices=[
                    ("online", "the online report form"),
                    ("office", "a report taken at the office"),
                    ("addition", "an addition by receipt code"),
                ],
                editable=False,
                max_length=12,
                verbose_name="received through",
            ),
        ),
        migrations.AddField(
            model_name="photo",
            name="original_lookup",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=24),
        ),
        migrations.AddField(
            model_name="photo",
            name="original_sha256",
            field=cases.fields.EncryptedCharField(blank=True, editable=False, max_length=64),
        ),
        migrations.CreateModel(
            name="FileEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("received", "received"),
                            ("approved", "approved by a moderator"),
                            ("unapproved", "approval withdrawn"),
                            ("published", "published: public copy made"),
                            ("unpublished", "unpublished: public copy removed"),
                            ("moved", "moved to another case"),
                            ("exported", "exported"),
                        ],
                        max_length=12,
                        verbose_name="what happened",
                    ),
                ),
                (
                    "at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="when"),
                ),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="note")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="who",
                    ),
                ),
                (
                    "photo",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="file_events",
                        to="cases.photo",
                        verbose_name="photo",
                    ),
                ),
            ],
            options={
                "verbose_name": "file event",
                "verbose_name_plural": "file events",
                "ordering": ["at", "id"],
                "indexes": [
                    models.Index(fields=["photo", "at"], name="cases_filee_photo_i_6bfa5d_idx")
                ],
            },
        ),
        migrations.RunPython(start_trails, migrations.RunPython.noop),
    ]
