"""The two staff roles. Moderators review, edit, redact and merge; Editors also publish."""

from django.db import migrations

MODERATOR = {
    "case": ["view", "change", "merge"],
    "report": ["view", "change"],
    "photo": ["view", "change", "delete"],
    "name": ["view", "add", "change", "delete"],
    "citation": ["view", "add", "change", "delete"],
    "event": ["view", "add", "change", "delete"],
    "source": ["view", "add", "change"],
    "casemerge": ["view"],
}
EDITOR_EXTRA = ["publish_case"]


def codenames(grants):
    for model, actions in grants.items():
        for action in actions:
            yield f"{action}_{model}" if action != "merge" else "merge_case"


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after migrating; the roles need them now.
    cases_config = apps.get_app_config("cases")
    cases_config.models_module = True
    create_permissions(cases_config, apps=apps, verbosity=0)
    cases_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    moderator_codes = list(codenames(MODERATOR))
    for name, codes in (("Moderator", moderator_codes), ("Editor", moderator_codes + EDITOR_EXTRA)):
        group, _created = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(content_type__app_label="cases", codename__in=codes)
        if permissions.count() != len(set(codes)):
            raise RuntimeError(f"Missing permissions for the {name} role")
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Moderator", "Editor"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cases", "0003_moderation"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
