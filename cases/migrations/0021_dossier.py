"""Dossier exports, recorded; Editors may download dossiers.

A dossier takes private records out of the site (names in every script, consent, photos): the
role that decides what leaves the office, as it decides what is published, gets it. An
administrator may give `cases.export_dossier` to other groups.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


ROLES = ["Editor"]
CODENAMES = ["export_dossier", "view_dossierexport"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after migrating; the role needs them now.
    cases_config = apps.get_app_config("cases")
    cases_config.models_module = True
    create_permissions(cases_config, apps=apps, verbosity=0)
    cases_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="cases", codename__in=CODENAMES)
    if permissions.count() != len(CODENAMES):
        raise RuntimeError("Missing permissions for exporting dossiers")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="cases", codename__in=CODENAMES)
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0020_evidence"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DossierExport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("pdf", "one dossier (PDF)"),
                            ("zip", "dossiers with the WGEID fields (ZIP)"),
                        ],
                        max_length=8,
                        verbose_name="kind",
                    ),
                ),
                ("case_count", models.PositiveIntegerField(verbose_name="number of cases")),
                ("photo_count", models.PositiveIntegerField(verbose_name="number of photos")),
                (
                    "exported_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="exported at"),
                ),
                (
                    "cases",
                    models.ManyToManyField(
                        related_name="dossier_exports", to="cases.case", verbose_name="cases"
                    ),
                ),
                (
                    "exported_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="exported by",
                    ),
                ),
            ],
            options={
                "verbose_name": "dossier export",
                "verbose_name_plural": "dossier exports",
                "ordering": ["-exported_at"],
                "permissions": [
                    ("export_dossier", "Can download case dossiers and export them in bulk")
                ],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
