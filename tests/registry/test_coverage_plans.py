"""The coverage statements read what they need by index, whatever the size of the register."""

import pytest
from django.db import connection

from organisation.models import Person, Unit
from registry.coverage import statements
from tests.registry.coverage_data import every_check_firing

pytestmark = pytest.mark.django_db


def plan_of(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # On tables this small the planner reads them whole anyway: with that ruled out,
            # what is left shows which index serves the statement.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row) for row in cursor.fetchall())


def test_people_who_have_left_are_found_by_their_index_not_among_everyone(positions):
    every_check_firing(positions)
    leaver = Person.objects.filter(assignments__unit__slug="u5-1").first()
    leaver.active = False
    leaver.save()
    units = statements.ids_sql(list(Unit.objects.values_list("pk", flat=True)[:3]))
    sql, params = statements.departed_people(units)
    plan = plan_of(sql, params)
    if connection.vendor == "postgresql":
        # The partial index of the few who have left, not every person's row or key.
        assert "person_departed" in plan, plan
    else:
        assert "SCAN p " not in plan and "SCAN p)" not in plan, plan
    at = Unit.objects.get(slug="u5-1").pk
    found = statements.rows(statements.departed_people(statements.ids_sql([at])))
    assert [(unit, person) for unit, person, _entries in found] == [(at, leaver.pk)]
