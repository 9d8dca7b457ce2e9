"""Registers the coverage tests share: every kind of gap, at a size the test chooses."""

from datetime import timedelta

from django.utils import timezone

from organisation.models import Position, Unit
from registry.models import Assignment, AssignmentConfirmation, Item, Role
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


def build(positions, *, units, items):
    """`units` units over `items` items, every kind of gap present."""
    coordinator = PositionFactory(code="it-samordnare", name="IT-samordnare")
    role = RoleFactory(code="ITS", position=coordinator)
    item_list = [ItemFactory(needs_deputy=True) for _ in range(items)]
    Item.objects.filter(pk=item_list[1].pk).update(support_kind="teknik")
    for number in range(units):
        unit = UnitFactory(slug=f"u{units}-{number}", name=f"U{units} {number}")
        AppointmentFactory(position=positions[Position.Code.FIRST_LINE_CONTACT], unit=unit)
        person = PersonFactory()
        Assignment.objects.bulk_create(
            [Assignment(item=item, unit=unit, role=role, person=person) for item in item_list[1:]]
        )


def every_check_firing(positions):
    """Two huvudmän, 5 + 2 units, every check firing, organisation-wide entries of both
    kinds (role-only, holding everywhere; naming a person, holding in their huvudman)."""
    build(positions, units=5, items=3)
    north = OrganisationFactory(name="Norrkommunen", slug="norr")
    for number in range(2):
        unit = UnitFactory(slug=f"norr-{number}", name=f"Norr {number}", organisation=north)
        AssignmentFactory(item=Item.objects.first(), unit=unit, role=None, person=PersonFactory())
    own = Unit.objects.exclude(organisation=north).first().organisation
    # Covered organisation-wide in Testkommunen only; with a deputy there only.
    item = ItemFactory(needs_deputy=True)
    AssignmentFactory(item=item, unit=None, role=None, person=PersonFactory(organisation=own))
    AssignmentFactory(
        item=item,
        unit=None,
        role=None,
        person=PersonFactory(organisation=own),
        priority=Assignment.Priority.DEPUTY,
    )
    # A role-only entry everywhere: ITS in use at every unit, Norr's too.
    AssignmentFactory(item=ItemFactory(), unit=None, role=Role.objects.get(code="ITS"))
    # Someone with only organisation-wide entries, above the limit.
    central = PersonFactory(organisation=north)
    for _ in range(3):
        AssignmentFactory(item=ItemFactory(), unit=None, role=None, person=central)
    # Someone who has left (SCIM, docs/scim.md) still named at a unit.
    left = PersonFactory(organisation=north, active=False)
    unit = Unit.objects.get(slug="norr-1")
    AssignmentFactory(item=Item.objects.first(), unit=unit, role=None, person=left)
    # Unconfirmed for 20 days, and declined (registry.notify).
    unit = Unit.objects.get(slug="norr-0")
    waiting, declined = (
        AssignmentFactory(item=item, unit=unit, role=None, person=PersonFactory(organisation=north))
        for item in Item.objects.all()[:2]
    )
    waiting.history.update(history_date=timezone.now() - timedelta(days=20))
    AssignmentConfirmation.objects.create(
        assignment=declined,
        person=declined.person,
        state=AssignmentConfirmation.State.DECLINED,
        comment="Inte min uppgift",
    )
    return north
