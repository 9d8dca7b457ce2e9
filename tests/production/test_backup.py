"""Backup and restore: everything comes back, and a failed restore changes nothing."""

import gzip
import hashlib

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from guardian.shortcuts import assign_perm

from organisation.models import Person, Unit, UnitGroupObjectPermission, UnitUserObjectPermission
from registry.blueprint_file.format import blueprint_rows
from registry.coverage.store import coverage_store_counts
from registry.models import Assignment, CoverageCount, Item, Role

# flush and loaddata run their own transactions: test them as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def snapshot():
    """What a user would notice: the exported blueprint, the grants, the history."""
    export = blueprint_rows(units=Unit.objects.order_by("slug"), items=Item.objects.all())
    return {
        "export": list(export),
        "assignments": sorted(
            Assignment.objects.values_list(
                "item__name", "unit__slug", "role__code", "person__initials", "kind", "priority"
            )
        ),
        "user_grants": sorted(
            UnitUserObjectPermission.objects.values_list(
                "user__username", "permission__codename", "content_object__slug"
            )
        ),
        "group_grants": sorted(
            UnitGroupObjectPermission.objects.values_list(
                "group__name", "permission__codename", "content_object__slug"
            )
        ),
        "model_perms": sorted(User.objects.values_list("username", "user_permissions__codename")),
        "groups": sorted(User.objects.values_list("username", "groups__name")),
        "passwords": sorted(User.objects.values_list("username", "password")),
        "assignment_history": Assignment.history.count(),
        "person_history": sorted(Person.history.values_list("initials", "history_type")),
        # Kept as derived data, left out of the backup and counted again.
        "coverage": coverage_store_counts(units=Unit.objects.all()),
    }


@pytest.fixture
def filled(seed):
    unit = Unit.objects.get(slug="arstaviken")
    rektor = User.objects.create_user("rektor", password="pw-rektor-1")
    assign_perm("organisation.manage_unit", rektor, unit)
    assign_perm("registry.change_assignment", rektor)
    editors = Group.objects.create(name="Redaktörer")
    assign_perm("organisation.view_unit", editors, unit)
    rektor.groups.add(editors)
    # A change after the seed, so the history has more than creations.
    assignment = Assignment.objects.filter(unit=unit).first()
    assignment.role = Role.objects.get(code="LÄR")
    assignment.save()


def test_backup_wipe_restore_gives_the_same_export_grants_and_history(filled, tmp_path):
    before = snapshot()
    file = tmp_path / "backup.json.gz"

    call_command("backup", str(file))
    # The coverage store's rows are derived: counted (by snapshot()) but not saved.
    assert CoverageCount.objects.exists()
    saved = gzip.decompress(file.read_bytes()).decode()
    assert '"registry.assignment"' in saved and '"registry.coveragecount"' not in saved
    call_command("flush", interactive=False)
    assert Assignment.objects.count() == 0 and User.objects.count() == 0
    call_command("restore", str(file))

    assert snapshot() == before
    assert len(before["user_grants"]) == 1 and len(before["group_grants"]) == 1
    assert len(before["export"]) >= 150


def test_restore_refuses_a_database_that_holds_data(filled, tmp_path):
    file = tmp_path / "backup.json"
    call_command("backup", str(file))
    Assignment.objects.filter(unit__slug="arstaviken").first().delete()
    before = snapshot()

    with pytest.raises(CommandError, match="inte tom"):
        call_command("restore", str(file))
    assert snapshot() == before


def test_a_broken_backup_with_flush_leaves_the_database_as_it_was(filled, tmp_path):
    file = tmp_path / "backup.json.gz"
    call_command("backup", str(file))
    data = gzip.decompress(file.read_bytes())
    broken = tmp_path / "broken.json.gz"
    broken.write_bytes(gzip.compress(data[: len(data) * 2 // 3]))
    before = snapshot()

    with pytest.raises(CommandError, match="ingenting ändrades"):
        call_command("restore", str(broken), flush=True)
    assert snapshot() == before


def test_backup_refuses_a_name_restore_could_not_read(db, tmp_path):
    with pytest.raises(CommandError, match="ska sluta på .json"):
        call_command("backup", str(tmp_path / "backup.sql"))
    assert list(tmp_path.iterdir()) == []


def test_restore_accepts_a_fresh_database_with_the_groups_migrations_create(filled, tmp_path):
    file = tmp_path / "backup.json.gz"
    call_command("backup", str(file))
    before = snapshot()
    groups = sorted(Group.objects.values_list("name", flat=True))
    call_command("flush", interactive=False)
    # As after `migrate`: groups made by a data migration, no other rows.
    Group.objects.create(name="Redaktörer")
    Group.objects.create(name="Skapad av en migrering")

    call_command("restore", str(file))

    assert snapshot() == before
    assert sorted(Group.objects.values_list("name", flat=True)) == groups


# --- PostgreSQL: pg_dump's custom format (organisation/pg_dump.py) ---------------------------


def tables():
    """Every table's row count and a hash of its rows in order: the database as it is."""
    found = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            name = connection.ops.quote_name(table)
            cursor.execute(f"SELECT t::text FROM {name} t ORDER BY t::text")
            rows = [row[0] for row in cursor.fetchall()]
            found[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return found


def test_a_dump_restores_every_table_as_it_was_on_postgresql(filled, tmp_path):
    file = tmp_path / "backup.dump"
    if connection.vendor != "postgresql":
        # The custom format is PostgreSQL's own: elsewhere the command says so and writes nothing.
        with pytest.raises(CommandError, match="kräver PostgreSQL"):
            call_command("backup", str(file))
        assert list(tmp_path.iterdir()) == []
        return
    before = tables()
    call_command("backup", str(file))
    Assignment.objects.filter(unit__slug="arstaviken").delete()
    User.objects.create_user("efteråt")
    assert tables() != before

    with pytest.raises(CommandError, match="inte tom"):
        call_command("restore", str(file))
    call_command("restore", str(file), flush=True)

    assert tables() == before
    assert sum(count for count, _hash in before.values()) > 1000


def test_a_broken_dump_leaves_the_database_as_it_was(filled, tmp_path):
    file = tmp_path / "backup.dump"
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="kräver PostgreSQL"):
            call_command("restore", str(file), flush=True)
        return
    call_command("backup", str(file))
    data = file.read_bytes()
    broken = tmp_path / "broken.dump"
    broken.write_bytes(data[: len(data) * 2 // 3])
    Assignment.objects.filter(unit__slug="arstaviken").first().delete()
    before = tables()

    with pytest.raises(CommandError, match="ingenting ändrades"):
        call_command("restore", str(broken), flush=True)
    assert tables() == before
