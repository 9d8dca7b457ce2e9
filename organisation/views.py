"""Pages about the support organisation: the huvudmän and their three levels.

The pages that also show the blueprint (a unit, "Vem frågar jag?", coverage)
are in the app above this one, which knows the blueprint.
"""

from collections import defaultdict

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render

from organisation.models import (
    Appointment,
    ITCouncil,
    ITCouncilMembership,
    Organisation,
    Position,
    Unit,
)

UNIT_LEVEL_CODES = [
    Position.Code.PRINCIPAL,
    Position.Code.IT_MENTOR,
    Position.Code.FIRST_LINE_CONTACT,
]


def visible_organisations(user):
    return Organisation.objects.filter(units__in=Unit.objects.visible_to(user)).distinct()


def organisation_list(request):
    organisations = list(visible_organisations(request.user))
    if len(organisations) == 1:
        return redirect(organisations[0])
    return render(request, "organisation/organisation_list.html", {"organisations": organisations})


def organisation_detail(request, slug):
    """The three levels of the decision; units limited to those the user may see."""
    organisation = get_object_or_404(visible_organisations(request.user), slug=slug)
    central = list(
        Appointment.objects.filter(unit__isnull=True, person__organisation=organisation)
        .select_related("person", "position")
        .order_by("position__order", "focus", "person__initials")
    )
    huvudman = [a for a in central if a.position.level == Position.Level.HUVUDMAN]
    shared = [a for a in central if a.position.level == Position.Level.SHARED]
    developers = defaultdict(list)
    for appointment in shared:
        if appointment.position.code == Position.Code.DEVELOPER:
            developers[appointment.focus].append(appointment.person)
    councils = ITCouncil.objects.filter(organisation=organisation).prefetch_related(
        Prefetch(
            "memberships",
            queryset=ITCouncilMembership.objects.select_related("person"),
        )
    )
    units = (
        Unit.objects.visible_to(request.user)
        .filter(organisation=organisation)
        .prefetch_related(
            Prefetch(
                "appointments",
                queryset=Appointment.objects.filter(position__code__in=UNIT_LEVEL_CODES)
                .select_related("person", "position")
                .order_by("person__initials"),
                to_attr="key_appointments",
            )
        )
    )
    unit_rows = []
    for unit in units:
        by_code = defaultdict(list)
        for appointment in unit.key_appointments:
            by_code[appointment.position.code].append(appointment.person)
        unit_rows.append((unit, [by_code[code] for code in UNIT_LEVEL_CODES]))
    percent = organisation.developer_preschool_percent
    context = {
        "organisation": organisation,
        "huvudman": huvudman,
        "councils": councils,
        "developer_groups": [
            (label, developers.get(value, [])) for value, label in Appointment.Focus.choices
        ],
        "developer_managers": [
            a.person for a in shared if a.position.code == Position.Code.DEVELOPER_MANAGER
        ],
        "other_shared": [
            a
            for a in shared
            if a.position.code not in (Position.Code.DEVELOPER, Position.Code.DEVELOPER_MANAGER)
        ],
        "preschool_percent": percent,
        "school_percent": 100 - percent,
        "unit_positions": [Position.Code(code).label for code in UNIT_LEVEL_CODES],
        "unit_rows": unit_rows,
        "can_see_coverage": Unit.objects.editable_by(request.user).exists(),
    }
    return render(request, "organisation/organisation_detail.html", context)
