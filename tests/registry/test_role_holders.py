"""Who holds a role at a unit: recorded once, as appointments to the role's position."""

import pytest

from organisation.models import Position
from registry.models import Role
from registry.queries import role_holders
from tests.factories import (
    AppointmentFactory,
    AssignmentFactory,
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    RoleFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def test_individual_role_is_held_by_those_appointed_at_the_unit_or_organisation_wide():
    school, other = UnitFactory(), UnitFactory()
    caretaker = RoleFactory(code="VAKT", position=PositionFactory(code="vaktmastare"))
    strategist = RoleFactory(
        code="IT-strateg",
        position=PositionFactory(code="it-strateg", level=Position.Level.HUVUDMAN),
    )
    em = PersonFactory(initials="E.M", organisation=school.organisation)
    cs = PersonFactory(initials="C.S", organisation=school.organisation)
    AppointmentFactory(person=em, position=caretaker.position, unit=school)
    AppointmentFactory(person=cs, position=strategist.position, unit=None)

    holders = role_holders(units=[school, other], roles=[caretaker, strategist])

    assert holders[school.pk, caretaker.pk] == [em]
    assert (other.pk, caretaker.pk) not in holders
    assert holders[school.pk, strategist.pk] == holders[other.pk, strategist.pk] == [cs]


def test_organisation_wide_appointments_hold_only_in_their_own_huvudman():
    school = UnitFactory()
    elsewhere = UnitFactory(organisation=OrganisationFactory(slug="grannkommunen"))
    strategist = RoleFactory(code="IT-strateg", position=PositionFactory(code="it-strateg"))
    AppointmentFactory(
        person=PersonFactory(organisation=school.organisation),
        position=strategist.position,
        unit=None,
    )
    holders = role_holders(units=[school, elsewhere], roles=[strategist])
    assert (school.pk, strategist.pk) in holders and (elsewhere.pk, strategist.pk) not in holders


def test_collective_and_relative_roles_have_no_holders_unrecorded_ones_come_from_the_register():
    school = UnitFactory()
    teachers = RoleFactory(code="LÄR", kind=Role.Kind.COLLECTIVE)
    manager = RoleFactory(code="Resp chef", kind=Role.Kind.RELATIVE)
    coordinator = RoleFactory(code="ITS", position=None)
    aw = PersonFactory(initials="A.W", organisation=school.organisation)
    AssignmentFactory(unit=school, role=coordinator, person=aw)
    AssignmentFactory(unit=school, role=teachers, person=None)
    AssignmentFactory(unit=school, role=manager, person=None)

    holders = role_holders(units=[school], roles=[teachers, manager, coordinator])

    assert holders == {(school.pk, coordinator.pk): [aw]}


def test_role_holders_reads_in_two_queries_however_many_units(django_assert_num_queries):
    units = [UnitFactory() for _ in range(5)]
    roles = [
        RoleFactory(code="ITS", position=PositionFactory(code="its")),
        RoleFactory(code="X", position=None),
    ]
    for unit in units:
        AppointmentFactory(position=roles[0].position, unit=unit)
    with django_assert_num_queries(2):
        role_holders(units=units, roles=roles)
