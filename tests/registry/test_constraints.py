import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from organisation.models import ITCouncil, ITCouncilMembership, Person
from registry.models import Assignment
from tests.factories import (
    AssignmentFactory,
    ItemFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def test_database_refuses_an_assignment_without_role_and_person():
    with pytest.raises(IntegrityError):
        Assignment.objects.create(item=ItemFactory(), unit=UnitFactory())


def test_database_refuses_a_duplicate_assignment_at_a_unit():
    first = AssignmentFactory()
    with pytest.raises(IntegrityError):
        Assignment.objects.create(item=first.item, unit=first.unit, role=first.role)


def test_database_refuses_a_duplicate_organisation_wide_assignment():
    person = PersonFactory()
    first = AssignmentFactory(unit=None, role=None, person=person)
    with pytest.raises(IntegrityError):
        Assignment.objects.create(item=first.item, unit=None, person=person)


def test_same_role_at_another_unit_or_with_a_person_is_allowed():
    first = AssignmentFactory()
    Assignment.objects.create(item=first.item, unit=UnitFactory(), role=first.role)
    Assignment.objects.create(
        item=first.item, unit=first.unit, role=first.role, person=PersonFactory()
    )
    assert first.item.assignments.count() == 3


def test_full_clean_explains_a_duplicate_in_swedish():
    first = AssignmentFactory()
    duplicate = Assignment(item=first.item, unit=first.unit, role=first.role)
    with pytest.raises(ValidationError, match="Den här ansvarsfördelningen finns redan"):
        duplicate.full_clean()


def test_full_clean_asks_for_a_role_or_a_person():
    with pytest.raises(ValidationError, match="Ange en roll, en person eller båda"):
        Assignment(item=ItemFactory(), unit=UnitFactory()).full_clean()


def test_database_refuses_duplicate_initials_in_one_organisation():
    organisation = OrganisationFactory()
    PersonFactory(organisation=organisation, initials="A.W")
    with pytest.raises(IntegrityError):
        PersonFactory(organisation=organisation, initials="A.W")


def test_database_refuses_a_second_it_council_leader():
    organisation = OrganisationFactory()
    council = ITCouncil.objects.create(
        organisation=organisation, school_form="skola", name="IT-råd skola"
    )
    ITCouncilMembership.objects.create(council=council, person=PersonFactory(), is_leader=True)
    with pytest.raises(IntegrityError):
        ITCouncilMembership.objects.create(council=council, person=PersonFactory(), is_leader=True)


def test_initials_with_a_space_are_refused():
    person = Person(organisation=OrganisationFactory(), initials="A W")
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert "initials" in error.value.message_dict


def test_role_codes_with_a_space_work_as_codes():
    role = RoleFactory(code="Resp chef", name="Respektive chef")
    assignment = AssignmentFactory(role=role)
    assert str(assignment).endswith("Resp chef")
