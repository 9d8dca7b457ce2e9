"""A small world for the admin tests: two units of one huvudman, one of another, six users."""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group

from organisation.models import ITCouncil, ServiceAgreement
from organisation.services import unit_grant
from tests.factories import (
    AppointmentFactory,
    AssignmentFactory,
    ItemFactory,
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    RoleFactory,
    UnitFactory,
)

USERS = ["anonymous", "läsare", "rektor_a", "rektor_b", "verksamhetsutvecklare", "administratör"]


@dataclass
class World:
    users: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)

    def name(self, obj):
        return self.names[obj]

    def add(self, name, obj):
        setattr(self, name, obj)
        self.names[obj] = name
        return obj


@pytest.fixture
def world(db, django_user_model):
    w = World()
    org = OrganisationFactory()
    other_org = OrganisationFactory(slug="annan", name="Annan huvudman")
    w.add("unit_a", UnitFactory(slug="a", name="Skola A", organisation=org))
    w.add("unit_b", UnitFactory(slug="b", name="Skola B", organisation=org))
    w.add("unit_x", UnitFactory(slug="x", name="Skola X", organisation=other_org))
    w.add("org", org)
    w.add("other_org", other_org)
    w.add("agreement", ServiceAgreement.objects.create(organisation=org))
    w.add("agreement_x", ServiceAgreement.objects.create(organisation=other_org))
    w.add("council", ITCouncil.objects.create(organisation=org, school_form="skola", name="IT"))
    principal = w.add("principal", PositionFactory())
    w.add("person_a", PersonFactory(initials="A.A", name="", organisation=org))
    w.add("person_b", PersonFactory(initials="B.B", name="", organisation=org))
    w.add("person_x", PersonFactory(initials="X.X", name="", organisation=other_org))
    w.add("appointment_a", AppointmentFactory(person=w.person_a, unit=w.unit_a, position=principal))
    w.add("appointment_b", AppointmentFactory(person=w.person_b, unit=w.unit_b, position=principal))
    w.add("role", RoleFactory(code="ITS", name="IT-samordnare"))
    w.add("item", ItemFactory(name="WiFi"))
    w.add("row_a", AssignmentFactory(item=w.item, unit=w.unit_a, role=w.role, person=w.person_a))
    w.add("row_b", AssignmentFactory(item=w.item, unit=w.unit_b, role=w.role, person=w.person_b))
    w.add("row_org", AssignmentFactory(item=w.item, unit=None, role=w.role, person=None))

    w.users["anonymous"] = None
    reader = django_user_model.objects.create_user("läsare")
    unit_grant(user=reader, unit=None, role="läsare")
    w.users["läsare"] = reader
    for name, unit in (("rektor_a", w.unit_a), ("rektor_b", w.unit_b)):
        user = django_user_model.objects.create_user(name)
        unit_grant(user=user, unit=unit, role="rektor")
        w.users[name] = user
    for name in ("verksamhetsutvecklare", "administratör"):
        user = django_user_model.objects.create_user(name, is_staff=True)
        user.groups.add(Group.objects.get(name=name))
        w.users[name] = user
    return w


@pytest.fixture
def as_user(client, world):
    """Log a test client in as one of USERS (anonymous stays logged out)."""

    def login(name):
        client.logout()
        if world.users[name] is not None:
            client.force_login(world.users[name])
        return client

    return login
