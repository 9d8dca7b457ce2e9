"""The register's reads: which assignments hold at a unit, who holds a role, a person's or a
role's responsibilities.

Every page builds from a fixed number of queries, whatever the number of items:
the assignments (with role, person and unit joined) are fetched once and
grouped in Python. The poster's shape built from them is registry/matrix.py.
"""

from collections import defaultdict

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from digiansvar.compiled import statement
from organisation.models import Appointment, Person
from organisation.queries import person_fields, person_from_row
from registry.models import Assignment, Role

# Chip colours in the stylesheet (.chip--c0 … .chip--c11). A role keeps its
# colour on every page because it is derived from the role's own order.
PALETTE_SIZE = 12


def role_colour(role):
    return role.order % PALETTE_SIZE


def legend(roles):
    """[(role, colour, reach), …] for the legend under the matrix (reach: role_reach)."""
    return [(role, role_colour(role), role_reach(role)) for role in roles]


def role_reach(role):
    """Who a role-only entry means, for roles not held by named people; else "".

    A collective role means everyone with the function at the unit ("alla
    LÄR på enheten"), a relative one the asker's own (their own manager).
    """
    if role.kind == Role.Kind.COLLECTIVE:
        return _("alla %(code)s på enheten") % {"code": role.code}
    if role.kind == Role.Kind.RELATIVE:
        return _("var och ens egen: den som frågar vänder sig till sin egen")
    return ""


def assignments_at(units, *, organisation_wide=True):
    """Assignments that hold at these units: their own and the organisation-wide ones.

    An organisation-wide assignment (no unit) holds at every unit, but one that
    names a person only at that person's own huvudman, so that no one from
    another huvudman shows up. `units` None means every unit (a user who sees
    them all): then nothing is filtered by unit, which lets the database use
    the person and role indexes instead of a list of 10,000 ids.
    """
    if units is None:
        everything = Assignment.objects.all()
        return everything if organisation_wide else everything.filter(unit__isnull=False)
    unit_ids = [unit.pk for unit in units]
    if not organisation_wide:
        return Assignment.objects.filter(unit_id__in=unit_ids)
    organisation_ids = {unit.organisation_id for unit in units}
    # The organisation-wide rows naming someone of these huvudmän, as a subquery over the few
    # organisation-wide rows: a join of the person under OR made PostgreSQL read every person
    # of the country to keep a handful (pinned in tests/registry/test_poster_plan.py).
    named_wide = Assignment.objects.filter(
        unit__isnull=True, person__organisation_id__in=organisation_ids
    ).values("pk")
    return Assignment.objects.filter(
        Q(unit_id__in=unit_ids)
        | Q(unit__isnull=True) & (Q(person__isnull=True) | Q(pk__in=named_wide))
    )


def people_at(unit):
    """People with responsibility at the unit (the choices of the person filter)."""
    return Person.objects.filter(pk__in=assignments_at([unit]).values("person"))


def roles_at(unit):
    """Roles with responsibility at the unit (the choices of the role filter); one query.

    A role no entry at the unit names (a position only, such as IT-strateg in
    the seed) would give an empty page, so it is not offered.
    """
    return Role.objects.filter(pk__in=assignments_at([unit]).values("role"))


def people_visible_at(units):
    """People a user who sees these units may look up.

    Those responsible for something there, and those appointed there or
    organisation-wide in the units' huvudmän; nobody only at other units.
    """
    organisation_ids = {unit.organisation_id for unit in units}
    appointed = Appointment.objects.filter(Q(unit__in=units) | Q(unit__isnull=True))
    return Person.objects.filter(organisation_id__in=organisation_ids).filter(
        Q(pk__in=assignments_at(units).values("person")) | Q(pk__in=appointed.values("person"))
    )


def role_holders(*, units, roles):
    """Who holds each individual role at each unit: {(unit id, role id): [Person, …]}.

    Recorded once, as appointments to the role's position (docs/roles.md): at
    the unit, or organisation-wide in the unit's huvudman (a position above
    unit level, such as IT-strateg, is held for every unit). An individual
    role without a position is recorded nowhere else, so the people the
    register names with it at the unit hold it there. Collective and relative
    roles have no holders (everyone with the function; the asker's own).
    Two queries whatever the number of units and roles; people in initials order.
    """
    units = list(units)
    individual = [role for role in roles if role.kind == Role.Kind.INDIVIDUAL]
    if not units or not individual:
        return {}
    unit_ids = sorted({unit.pk for unit in units})
    organisation_ids = sorted({unit.organisation_id for unit in units})
    holders = defaultdict(list)
    by_position = {role.position_id: role for role in individual if role.position_id}
    if by_position:
        appointed = _holder_rows(
            "appointed-holders",
            "position_id",
            lambda positions, units, organisations: Appointment.objects.filter(
                position_id__in=positions
            ).filter(
                Q(unit_id__in=units)
                | Q(unit__isnull=True, person__organisation_id__in=organisations)
            ),
            positions=sorted(by_position),
            units=unit_ids,
            organisations=organisation_ids,
        )
        for position_id, unit_id, person in appointed:
            role = by_position[position_id]
            at = (
                [unit_id]
                if unit_id
                else [unit.pk for unit in units if unit.organisation_id == person.organisation_id]
            )
            for unit_id in at:
                if person not in holders[unit_id, role.pk]:
                    holders[unit_id, role.pk].append(person)
    unrecorded = sorted(role.pk for role in individual if not role.position_id)
    if unrecorded:
        named = _holder_rows(
            "named-holders",
            "role_id",
            lambda units, roles: Assignment.objects.filter(
                unit_id__in=units, role_id__in=roles
            ).exclude(person=None),
            units=unit_ids,
            roles=unrecorded,
        )
        for role_id, unit_id, person in named:
            if person not in holders[unit_id, role_id]:
                holders[unit_id, role_id].append(person)
    return dict(holders)


def _holder_rows(name, held, rows, **ids):
    """[(`held`, unit id, Person)] of `rows(**ids)` (appointments or assignments), in the
    people's initials order; a statement compiled once per shape (digiansvar.compiled):
    role_holders runs on every poster, item page and support chain built anew."""
    sql, params = statement(
        name,
        lambda **ids: (
            rows(**ids)
            .order_by("person__initials", "pk")
            .values_list(held, "unit_id", *(f"person__{field}" for field in person_fields()))
        ),
        **ids,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], row[1], person_from_row(row[2:])) for row in cursor.fetchall()]


def person_appointments(*, person, units):
    """What the person holds where: [(appointment, role or None), …], in position order.

    Appointments at these units or organisation-wide (`units` None: every
    unit), each with the role that stands for its position, if any. One query.
    """
    appointments = Appointment.objects.filter(person=person).select_related(
        "position__role", "unit"
    )
    if units is not None:
        appointments = appointments.filter(Q(unit__in=units) | Q(unit__isnull=True))
    return [
        (appointment, getattr(appointment.position, "role", None))
        for appointment in appointments.order_by("position__order", "unit__name", "pk")
    ]


def responsibilities_grouped(assignments):
    """Assignments (with item, column, area, role, person, unit) grouped by area, with counts.

    For the person and role pages: returns [(area, [assignment, …]), …] in the
    poster's order.
    """
    groups = {}
    for assignment in assignments:
        area = assignment.item.column.area
        groups.setdefault(area.pk, (area, []))[1].append(assignment)
    return list(groups.values())


def responsibilities(*, units, person=None, role=None, organisation_wide=True):
    """Everything a person or a role is responsible for at these units, in the poster's order.

    `units` None means every unit (see assignments_at).
    """
    assignments = assignments_at(units, organisation_wide=organisation_wide).select_related(
        "item__column__area", "role", "person", "unit"
    )
    if person is not None:
        assignments = assignments.filter(person=person)
    if role is not None:
        assignments = assignments.filter(role=role)
    return assignments.order_by(
        "item__column__area__order",
        "item__column__order",
        "item__order",
        "item__name",
        "unit__name",
        "order",
    )
