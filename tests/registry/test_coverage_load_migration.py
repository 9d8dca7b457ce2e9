"""CoverageLoad.alone, marked on the loads counted before it (registry migration 0020)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("registry", "0019_council_data_version")]


@pytest.fixture
def migrate_back():
    """Migrates the test database back to BEFORE; forward again afterwards, whatever happens."""
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    yield lambda: MigrationExecutor(connection).migrate(BEFORE).apps
    MigrationExecutor(connection).migrate(leaves)


# Schema editors refuse to run inside a test's transaction on SQLite.
@pytest.mark.django_db(transaction=True)
def test_a_load_is_marked_alone_only_where_its_person_has_no_load_elsewhere(migrate_back):
    old = migrate_back()
    organisation = old.get_model("organisation", "Organisation")
    north = organisation.objects.create(slug="norr", name="Norr")
    south = organisation.objects.create(slug="syd", name="Syd")
    person = old.get_model("organisation", "Person")
    one = person.objects.create(organisation=north, initials="E.N", name="En")
    two = person.objects.create(organisation=north, initials="T.V", name="Två")
    load = old.get_model("registry", "CoverageLoad")
    load.objects.create(person=one, organisation=north, assignments=30)
    load.objects.create(person=two, organisation=north, assignments=20)
    load.objects.create(person=two, organisation=south, assignments=10)

    apps = (
        MigrationExecutor(connection)
        .migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        .apps
    )

    marked = apps.get_model("registry", "CoverageLoad").objects.values_list(
        "person__initials", "organisation__slug", "alone"
    )
    assert set(marked) == {("E.N", "norr", True), ("T.V", "norr", False), ("T.V", "syd", False)}
