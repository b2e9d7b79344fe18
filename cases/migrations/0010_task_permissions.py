"""Moderators and Editors see the task worker's queue and its failures (the admin index)."""

from django.db import migrations

ROLES = ["Moderator", "Editor"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after migrating; the roles need them now.
    tasks_config = apps.get_app_config("django_tasks_database")
    tasks_config.models_module = True
    create_permissions(tasks_config, apps=apps, verbosity=0)
    tasks_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.get(
        content_type__app_label="django_tasks_database", codename="view_dbtaskresult"
    )
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.add(view)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.filter(
        content_type__app_label="django_tasks_database", codename="view_dbtaskresult"
    )
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*view)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_published_situation_date_index"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
