"""A user of granted units: their units are found from their grants, never by reading every
unit (organisation.queries._granted_unit_ids)."""

import pytest
from django.db import connection
from guardian.shortcuts import assign_perm

from organisation.models import Unit
from tests.factories import UnitFactory
from tests.plans import plan_text

pytestmark = pytest.mark.django_db


def test_a_rektors_units_are_read_from_the_grants_by_key(
    django_user_model, django_assert_num_queries
):
    units = [UnitFactory(slug=f"skola-{n}", name=f"Skola {n}") for n in range(30)]
    rektor = django_user_model.objects.create_user("rektor", password="x")
    assign_perm("organisation.view_unit", rektor, units[7])
    assign_perm("organisation.manage_unit", rektor, units[20])
    visible = Unit.objects.restrict(rektor).order_by("name")[:51]
    with django_assert_num_queries(1):
        assert list(visible) == [units[20], units[7]]  # by name: "Skola 20" before "Skola 7"
    # The grants first, then those units by their key; not every unit filtered in name order,
    # as guardian's `id IN (…) OR id IN (…)` had PostgreSQL do at 10,001 units.
    plan = plan_text(*visible.query.sql_with_params())
    if connection.vendor == "postgresql":
        assert "organisation_unit_pkey" in plan and "unit_name" not in plan, plan
    else:
        assert "SCAN organisation_unit" not in plan, plan
