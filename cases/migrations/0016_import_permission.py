"""Editors may import spreadsheets: an import creates cases, which Moderators cannot do by hand."""

from django.db import migrations

ROLES = ["Editor"]
CODENAMES = ["import_records", "view_importfile", "view_importmapping", "view_importedrow"]


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
        raise RuntimeError("Missing permissions for importing spreadsheets")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="cases", codename__in=CODENAMES)
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("cases", "0015_imports")]

    operations = [migrations.RunPython(grant, revoke)]
