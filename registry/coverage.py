"""The coverage report: what the decision and the blueprint require but the data does not show.

It reads both apps (appointments from the organisation, assignments from the
register), so it lives here, above the organisation.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from organisation.models import Appointment, Position
from registry.models import Assignment, Item, Role


@dataclass(frozen=True)
class Finding:
    """One gap in the coverage report, with where in admin it is fixed."""

    category: str
    unit: object  # a Unit, or None for the whole huvudman
    subject: str
    detail: str
    admin_url: str


@dataclass
class CoverageReport:
    """What the decision and the blueprint require but the data does not show, per category."""

    units: list
    max_assignments: int
    missing_positions: list = field(default_factory=list)
    items_without_responsible: list = field(default_factory=list)
    unfilled_roles: list = field(default_factory=list)
    overloaded_people: list = field(default_factory=list)
    single_person_items: list = field(default_factory=list)

    CATEGORIES = [
        "missing_positions",
        "items_without_responsible",
        "unfilled_roles",
        "overloaded_people",
        "single_person_items",
    ]

    @property
    def findings(self):
        return [finding for category in self.CATEGORIES for finding in getattr(self, category)]

    def __len__(self):
        return sum(len(getattr(self, category)) for category in self.CATEGORIES)


def coverage_report(*, units, max_assignments=None):
    """Gaps in the support organisation and the blueprint for `units` (a Unit queryset).

    Eight queries however many units, items and assignments there are: the
    counting is done in SQL (GROUP BY unit, item / unit, role / person) and
    the grouping into findings here, from plain tuples.

    - units without an IT-handledare or a hanteringsansvarig (the decision
      requires both at every unit);
    - items with no responsible (kind R) at a unit, neither its own nor
      organisation-wide;
    - roles used in a unit's assignments that no person holds there: no
      assignment at the unit names a person with the role, and nobody is
      appointed to the role's position at the unit (or organisation-wide for
      positions above unit level);
    - people with more than `max_assignments` assignments in these units;
    - items that rest on one single person with no deputy.
    """
    if max_assignments is None:
        max_assignments = getattr(settings, "DIGIANSVAR_COVERAGE_MAX_ASSIGNMENTS", 25)
    unit_list = list(units.order_by("name"))
    report = CoverageReport(units=unit_list, max_assignments=max_assignments)
    if not unit_list:
        return report
    units_by_id = {unit.pk: unit for unit in unit_list}
    organisation_ids = {unit.organisation_id for unit in unit_list}
    unit_ids = units.values("pk")
    # Organisation-wide assignments hold at every unit; one naming a person
    # only at that person's own huvudman (as on the blueprint page).
    in_scope = Q(unit__in=unit_ids) | Q(unit__isnull=True) & (
        Q(person__isnull=True) | Q(person__organisation_id__in=organisation_ids)
    )

    items = dict(Item.objects.values_list("pk", "name"))
    roles = {role.pk: role for role in Role.objects.all()}
    positions = {
        position.code: position
        for position in Position.objects.filter(
            code__in=[Position.Code.IT_MENTOR, Position.Code.FIRST_LINE_CONTACT]
        )
    }
    held_positions = defaultdict(set)  # unit id (None: organisation-wide) -> position ids
    for unit_id, position_id in Appointment.objects.filter(
        Q(unit__in=unit_ids) | Q(unit__isnull=True, person__organisation_id__in=organisation_ids)
    ).values_list("unit_id", "position_id"):
        held_positions[unit_id].add(position_id)

    appointment_add = reverse("admin:organisation_appointment_add")
    for unit in unit_list:
        for code in (Position.Code.IT_MENTOR, Position.Code.FIRST_LINE_CONTACT):
            position = positions.get(code)
            if position is None or position.pk in held_positions[unit.pk]:
                continue
            report.missing_positions.append(
                Finding(
                    category="missing_positions",
                    unit=unit,
                    subject=position.label,
                    detail=_("Ingen är utsedd; beslutet kräver en på varje enhet."),
                    admin_url=f"{appointment_add}?unit={unit.pk}&position={position.pk}",
                )
            )

    # One row per (unit, item) with responsible assignments.
    pairs = (
        Assignment.objects.filter(in_scope, kind=Assignment.Kind.RESPONSIBLE)
        .values("unit_id", "item_id")
        .annotate(
            people=Count("person_id", distinct=True),
            role_only=Count("pk", filter=Q(person__isnull=True)),
            deputies=Count("pk", filter=Q(priority=Assignment.Priority.DEPUTY)),
            initials=Max("person__initials"),
            name=Max("person__name"),
        )
        .order_by()
    )
    covered = defaultdict(set)
    assignment_add = reverse("admin:registry_assignment_add")
    single = []
    for row in pairs.values_list(
        "unit_id", "item_id", "people", "role_only", "deputies", "initials", "name"
    ):
        unit_id, item_id, people, role_only, deputies, initials, name = row
        covered[unit_id].add(item_id)
        if people == 1 and role_only == 0 and deputies == 0:
            single.append((unit_id, item_id, initials, name))
    everywhere = covered.pop(None, set())
    no_responsible = _("Ingen ansvarig på enheten.")
    for unit in unit_list:
        have = covered.get(unit.pk, set()) | everywhere
        for item_id, item_name in items.items():
            if item_id not in have:
                report.items_without_responsible.append(
                    Finding(
                        category="items_without_responsible",
                        unit=unit,
                        subject=item_name,
                        detail=no_responsible,
                        admin_url=f"{assignment_add}?item={item_id}&unit={unit.pk}",
                    )
                )
    rests_on = _("Vilar på %(person)s utan ersättare.")
    # In the units' order (organisation-wide first), then the poster's.
    unit_order = {unit.pk: position for position, unit in enumerate(unit_list, start=1)}
    item_order = {item_id: position for position, item_id in enumerate(items)}
    single.sort(key=lambda row: (unit_order.get(row[0], 0), item_order[row[1]]))
    for unit_id, item_id, initials, name in single:
        unit = units_by_id.get(unit_id)
        report.single_person_items.append(
            Finding(
                category="single_person_items",
                unit=unit,
                subject=items[item_id],
                detail=rests_on % {"person": f"{initials} – {name}" if name else initials},
                admin_url=(
                    f"{assignment_add}?item={item_id}&priority=deputy"
                    + (f"&unit={unit_id}" if unit_id else "")
                ),
            )
        )

    # Roles used at each unit, and whether an assignment there names a person with it.
    assignment_list = reverse("admin:registry_assignment_changelist")
    unfilled = _("Rollen används i ansvarsfördelningen men ingen person har den.")
    for unit_id, role_id, with_person in (
        Assignment.objects.filter(unit__in=unit_ids, role__isnull=False)
        .values("unit_id", "role_id")
        .annotate(with_person=Count("person_id"))
        .order_by()
        .values_list("unit_id", "role_id", "with_person")
    ):
        role = roles[role_id]
        if with_person or (
            role.position_id
            and (
                role.position_id in held_positions[unit_id]
                or role.position_id in held_positions[None]
            )
        ):
            continue
        report.unfilled_roles.append(
            Finding(
                category="unfilled_roles",
                unit=units_by_id[unit_id],
                subject=f"{role.code} – {role.label}",
                detail=unfilled,
                admin_url=(
                    f"{appointment_add}?unit={unit_id}&position={role.position_id}"
                    if role.position_id
                    else f"{assignment_list}?unit__id__exact={unit_id}&role__id__exact={role_id}"
                ),
            )
        )
    report.unfilled_roles.sort(key=lambda finding: (finding.unit.name, finding.subject))

    person_change = reverse("admin:organisation_person_change", args=[0])
    for person_id, initials, name, count in (
        Assignment.objects.filter(in_scope, person__isnull=False)
        .values("person_id", "person__initials", "person__name")
        .annotate(count=Count("pk"))
        .filter(count__gt=max_assignments)
        .order_by("-count", "person__initials")
        .values_list("person_id", "person__initials", "person__name", "count")
    ):
        report.overloaded_people.append(
            Finding(
                category="overloaded_people",
                unit=None,
                subject=f"{initials} – {name}" if name else initials,
                detail=_("%(count)s uppdrag i ansvarsfördelningen (gränsen är %(max)s).")
                % {"count": count, "max": max_assignments},
                admin_url=person_change.replace("/0/", f"/{person_id}/"),
            )
        )
    return report
