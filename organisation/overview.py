"""The organisation's pages in reads: the decision's three levels of a huvudman, and the key
people of its units, as the user may see them (every read through `restrict`)."""

from collections import defaultdict

from django.db.models import Prefetch

from organisation.models import Appointment, ITCouncil, ITCouncilMembership, Position

# The positions every unit has (the decision's unit level), in the order the pages show them.
UNIT_LEVEL_CODES = [
    Position.Code.PRINCIPAL,
    Position.Code.IT_MENTOR,
    Position.Code.FIRST_LINE_CONTACT,
]


def organisation_levels(*, user, organisation):
    """The huvudman and shared levels of the decision, and the IT councils: the page's context.

    One query for the appointments without a unit; the councils are read
    when the page shows them (with their members, one query more).
    """
    central = list(
        Appointment.objects.restrict(user)
        .filter(unit__isnull=True, person__organisation=organisation)
        .select_related("person", "position")
        .order_by("position__order", "focus", "person__initials")
    )
    huvudman = [a for a in central if a.position.level == Position.Level.HUVUDMAN]
    shared = [a for a in central if a.position.level == Position.Level.SHARED]
    developers = defaultdict(list)
    for appointment in shared:
        if appointment.position.code == Position.Code.DEVELOPER:
            developers[appointment.focus].append(appointment.person)
    developer_codes = (Position.Code.DEVELOPER, Position.Code.DEVELOPER_MANAGER)
    percent = organisation.developer_preschool_percent
    return {
        "huvudman": huvudman,
        "councils": ITCouncil.objects.restrict(user)
        .filter(organisation=organisation)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=ITCouncilMembership.objects.restrict(user).select_related("person"),
            )
        ),
        "developer_groups": [
            (label, developers.get(value, [])) for value, label in Appointment.Focus.choices
        ],
        "developer_managers": [
            a.person for a in shared if a.position.code == Position.Code.DEVELOPER_MANAGER
        ],
        "other_shared": [a for a in shared if a.position.code not in developer_codes],
        "preschool_percent": percent,
        "school_percent": 100 - percent,
    }


def units_with_key_people(*, user, units):
    """`units` by name, each with `key_appointments`: its appointments to the unit level's
    positions the user may see (one query for a page of units, however many)."""
    return units.order_by("name", "pk").prefetch_related(
        Prefetch(
            "appointments",
            queryset=Appointment.objects.restrict(user)
            .filter(position__code__in=UNIT_LEVEL_CODES)
            .select_related("person", "position")
            .order_by("person__initials"),
            to_attr="key_appointments",
        )
    )


def key_people_rows(units):
    """[(unit, [people of each of UNIT_LEVEL_CODES])] for units from units_with_key_people."""
    rows = []
    for unit in units:
        by_code = defaultdict(list)
        for appointment in unit.key_appointments:
            by_code[appointment.position.code].append(appointment.person)
        rows.append((unit, [by_code[code] for code in UNIT_LEVEL_CODES]))
    return rows


def unit_positions(*, user, unit):
    """The unit's appointments grouped by position, and the labels of the unit level's
    support positions nobody holds there (hanteringsansvarig, IT-handledare)."""
    by_position = defaultdict(list)
    appointments = (
        Appointment.objects.restrict(user)
        .filter(unit=unit)
        .select_related("person", "position")
        .order_by("position__order", "person__initials")
    )
    for appointment in appointments:
        by_position[appointment.position].append(appointment)
    missing = [
        Position.Code(code).label
        for code in (Position.Code.IT_MENTOR, Position.Code.FIRST_LINE_CONTACT)
        if not any(position.code == code for position in by_position)
    ]
    return list(by_position.items()), missing
