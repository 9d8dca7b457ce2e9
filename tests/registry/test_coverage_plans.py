"""The coverage statements read what they need by index, whatever the size of the register."""

import pytest
from django.db import connection

from organisation.models import Person, Unit
from registry.coverage import statements
from tests.plans import plan_text
from tests.registry.coverage_data import every_check_firing

pytestmark = pytest.mark.django_db


def test_people_who_have_left_are_found_by_their_index_not_among_everyone(positions):
    every_check_firing(positions)
    leaver = Person.objects.filter(assignments__unit__slug="u5-1").first()
    leaver.active = False
    leaver.save()
    units = statements.ids_sql(list(Unit.objects.values_list("pk", flat=True)[:3]))
    sql, params = statements.departed_people(units)
    plan = plan_text(sql, params)
    if connection.vendor == "postgresql":
        # The partial index of the few who have left, not every person's row or key.
        assert "person_departed" in plan, plan
    else:
        assert "SCAN p " not in plan and "SCAN p)" not in plan, plan
    at = Unit.objects.get(slug="u5-1").pk
    found = statements.rows(statements.departed_people(statements.ids_sql([at])))
    assert [(unit, person) for unit, person, _entries in found] == [(at, leaver.pk)]
