"""The test helpers build what production has: a staff member's role carries every right that
migrating grants it."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from cases import migrations

from .factories import ROLE_MIGRATIONS, staff_user

pytestmark = pytest.mark.django_db


def test_every_migration_that_grants_a_role_is_replayed_for_test_staff():
    granting = {
        path.stem
        for path in Path(migrations.__file__).parent.glob("0*.py")
        if "Group" in path.read_text()
    }
    assert granting == set(ROLE_MIGRATIONS), (
        "add the migration and its function to ROLE_MIGRATIONS in tests/factories.py"
    )


@pytest.mark.parametrize("role", ["Moderator", "Editor"])
def test_a_test_staff_member_has_the_rights_a_migrated_role_has(role):
    migrated = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
    user = staff_user("someone", role)
    assert migrated, "the roles exist after migrating"
    assert {p.split(".", 1)[1] for p in user.get_all_permissions()} == migrated
