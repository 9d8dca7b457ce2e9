"""The poster's cold path (registry.blueprint): who is responsible at a unit is read by index in
one statement, and the kept catalogue and skeleton give the page the template gives."""

import json

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.utils import translation

from registry.blueprint import page_cache
from registry.blueprint.catalogue import catalogue_at
from registry.blueprint.queries import (
    _entries_statement,
    blueprint_matrix,
    unit_entries,
    unit_responsible,
)
from registry.data_version import scope_versions
from registry.matrix import render_chips
from registry.models import Item
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_huvudman():
    home = factories.OrganisationFactory()
    away = factories.OrganisationFactory(name="Annanstad", slug="annanstad")
    north, south = (
        factories.UnitFactory(organisation=home),
        factories.UnitFactory(organisation=home),
    )
    abroad = factories.UnitFactory(organisation=away)
    its, teacher = (
        factories.RoleFactory(code="ITS"),
        factories.RoleFactory(code="LÄR", kind="kollektiv"),
    )
    anna = factories.PersonFactory(organisation=home, initials="A.W", name="Anna W", title="Lärare")
    bo = factories.PersonFactory(organisation=home, initials="B.O", name="Bo O")
    olle = factories.PersonFactory(organisation=away, initials="O.L", name="Olle L")
    wifi, teams, grading, printer = (factories.ItemFactory(name=name) for name in "WTGP")
    factories.AssignmentFactory(item=wifi, unit=north, role=its, person=anna)
    factories.AssignmentFactory(item=wifi, unit=south, role=its, person=bo)
    factories.AssignmentFactory(item=teams, unit=None, role=teacher, person=None)
    factories.AssignmentFactory(item=grading, unit=None, role=None, person=bo)
    factories.AssignmentFactory(
        item=grading, unit=None, role=its, person=olle
    )  # the other huvudman's
    factories.AssignmentFactory(item=printer, unit=abroad, role=its, person=olle)
    return north, south, abroad


def roles():
    return catalogue_at(scope_versions(["all"])["all"]).roles


def test_a_units_entries_are_its_own_and_its_huvudmans_in_one_compiled_statement(
    two_huvudman, django_assert_num_queries
):
    north, south, abroad = two_huvudman
    for unit, seen in (
        (north, {("W", "A.W"), ("T", None), ("G", "B.O")}),
        (south, {("W", "B.O"), ("T", None), ("G", "B.O")}),
        (abroad, {("P", "O.L"), ("T", None), ("G", "O.L")}),
    ):
        every_role = roles()
        # The entries, then the people they name.
        with django_assert_num_queries(2):
            responsible = unit_responsible(unit=unit, roles=every_role)
        found = {
            (entry.item_id, entry.person and entry.person.initials) for entry in responsible.entries
        }
        names = dict(Item.objects.values_list("pk", "name"))
        assert {(names[item], person) for item, person in found} == seen
        # The statement compiled once, for a stand-in unit, reads what the queryset reads.
        sql, params = _entries_statement(unit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            assert cursor.fetchall() == list(unit_entries(unit))


def plan_of(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # On tables this small the planner reads them whole anyway: with that ruled out,
            # what it must still read whole, or join to every row, shows.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            return cursor.fetchone()[0]
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return [row[-1] for row in cursor.fetchall()]


def outside_subplans(node, found=None):
    """The plan's nodes that run once for the statement, not inside a subquery of a row."""
    found = [] if found is None else found
    found.append(node)
    for child in node.get("Plans", []):
        if child.get("Parent Relationship") not in ("SubPlan", "InitPlan"):
            outside_subplans(child, found)
    return found


def test_a_units_entries_are_read_by_index_without_joining_every_person(two_huvudman):
    north, _south, _abroad = two_huvudman
    sql, params = _entries_statement(north)
    plan = plan_of(sql, params)
    if connection.vendor == "postgresql":
        text = json.dumps(plan)
        main = outside_subplans(plan[0]["Plan"])
        # The person is looked up only for the few organisation-wide rows, in their subquery:
        # joined to the unit's rows it made PostgreSQL hash every person of the country.
        assert not [n for n in main if n.get("Relation Name") == "organisation_person"], text
        scans = [n for n in main if n.get("Relation Name") == "registry_assignment"]
        assert scans and all(n["Node Type"] != "Seq Scan" for n in scans), text
        assert any("Index" in n["Node Type"] for n in main), text
    else:
        assert not [step for step in plan if step.startswith("SCAN")], plan
        assert any("registry_assignment USING INDEX" in step for step in plan), plan
        text = " ".join(plan)
    # Whether each row is confirmed is asked of its answers alone: ordered as the model is
    # (assignment, person), the subquery joined the item, column and area of every row.
    for table in ("registry_item", "registry_column", "registry_area"):
        assert table not in text, text


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_kept_skeleton_fills_to_the_poster_the_template_renders(two_huvudman, language):
    north, south, _abroad = two_huvudman
    catalogue = catalogue_at(scope_versions(["all"])["all"])
    with translation.override(language):
        for unit in (north, south):  # the first builds the skeleton, the second reuses it
            responsible = unit_responsible(unit=unit, roles=catalogue.roles)
            matrix = blueprint_matrix(unit=unit, items=catalogue.items, responsible=responsible)
            render_chips(matrix)
            filled = page_cache._poster_html(matrix, catalogue, whole=True)
            rendered = render_to_string("registry/_blueprint_matrix.html", {"matrix": matrix})
            assert filled == rendered
            assert ">A.W · ITS<" in filled if unit == north else ">B.O · ITS<" in filled
