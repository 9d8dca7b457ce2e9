"""Reads for the blueprint pages: which assignments hold at a unit, and the matrix built from them.

Every page builds from a fixed number of queries, whatever the number of items:
the items (with column and area joined) and the assignments (with role, person
and unit joined) are fetched once each and grouped here in Python.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse

from organisation.models import Appointment, Person
from registry.models import Assignment, Item

# Chip colours in the stylesheet (.chip--c0 … .chip--c11). A role keeps its
# colour on every page because it is derived from the role's own order.
PALETTE_SIZE = 12

# Items in these areas are technical support matters: "Vem ansvarar för …?"
# then also names the unit's first line of support.
SUPPORT_AREA_SLUGS = {"hygien"}
SUPPORT_WORDS = ("support", "helpdesk")


def role_colour(role):
    return role.order % PALETTE_SIZE


def legend(roles):
    """[(role, colour), …] for the legend under the matrix."""
    return [(role, role_colour(role)) for role in roles]


def assignments_at(units):
    """Assignments that hold at these units: their own and the organisation-wide ones.

    An organisation-wide assignment (no unit) holds at every unit, but one that
    names a person only at that person's own huvudman, so that no one from
    another huvudman shows up.
    """
    organisation_ids = {unit.organisation_id for unit in units}
    return Assignment.objects.filter(
        Q(unit__in=units)
        | Q(unit__isnull=True)
        & (Q(person__isnull=True) | Q(person__organisation_id__in=organisation_ids))
    )


def people_at(unit):
    """People with responsibility at the unit (the choices of the person filter)."""
    return Person.objects.filter(pk__in=assignments_at([unit]).values("person"))


def people_visible(units):
    """People a user who sees these units may look up.

    Those responsible for something there, and those appointed there or
    organisation-wide in the units' huvudmän; nobody only at other units.
    """
    organisation_ids = {unit.organisation_id for unit in units}
    appointed = Appointment.objects.filter(Q(unit__in=units) | Q(unit__isnull=True))
    return Person.objects.filter(organisation_id__in=organisation_ids).filter(
        Q(pk__in=assignments_at(units).values("person")) | Q(pk__in=appointed.values("person"))
    )


def items_matching(*, unit, areas=(), role=None, person=None, text=""):
    """Items of the blueprint that match the filters, in the poster's order.

    A role and a person together mean one assignment with both ("A.W as ITS"),
    looked for at the unit (or organisation-wide). The text is searched in the
    item's name, group and description.
    """
    items = Item.objects.select_related("column__area")
    if areas:
        items = items.filter(column__area__in=areas)
    if text:
        items = items.filter(
            Q(name__icontains=text) | Q(group__icontains=text) | Q(description__icontains=text)
        )
    if role is not None or person is not None:
        matching = assignments_at([unit])
        if role is not None:
            matching = matching.filter(role=role)
        if person is not None:
            matching = matching.filter(person=person)
        items = items.filter(pk__in=matching.values("item"))
    return items


def is_support_matter(item):
    name = item.name.lower()
    return item.column.area.slug in SUPPORT_AREA_SLUGS or any(w in name for w in SUPPORT_WORDS)


@dataclass(frozen=True)
class Chip:
    """One responsible as the poster shows it: "A.W · ITS", "LÄR" or "A.L"."""

    assignment: Assignment

    @property
    def person(self):
        return self.assignment.person

    @property
    def role(self):
        return self.assignment.role

    @property
    def label(self):
        parts = [self.person.initials if self.person else "", self.role.code if self.role else ""]
        return " · ".join(part for part in parts if part)

    @property
    def deputy(self):
        return self.assignment.priority == Assignment.Priority.DEPUTY

    @property
    def description(self):
        """Full name and role name, for the tooltip and screen readers."""
        parts = [self.person.name if self.person else "", self.role.name if self.role else ""]
        return ", ".join(part for part in parts if part)

    @property
    def colour(self):
        return role_colour(self.role) if self.role else None

    @property
    def url(self):
        if self.person:
            return reverse("registry:person_detail", args=[self.person.initials])
        return reverse("registry:role_detail", args=[self.role.code])


@dataclass
class Row:
    item: Item
    chips: list = field(default_factory=list)
    support: bool = False


@dataclass
class ColumnBlock:
    column: object
    rows: list = field(default_factory=list)


@dataclass
class AreaBlock:
    area: object
    columns: list = field(default_factory=list)

    @property
    def count(self):
        return sum(len(column.rows) for column in self.columns)


@dataclass
class Matrix:
    """The filtered blueprint at one unit, ready for the page, the grid and the print."""

    areas: list
    roles: list  # roles that occur, in role order: the legend and the grid's columns
    has_person_only: bool  # any chip without a role (the grid's extra column)

    @property
    def rows(self):
        return [row for area in self.areas for column in area.columns for row in column.rows]

    @property
    def count(self):
        return sum(area.count for area in self.areas)

    @property
    def legend(self):
        return legend(self.roles)

    @property
    def grid_width(self):
        return 1 + len(self.roles) + (1 if self.has_person_only else 0)


def chips_by_item(assignments):
    chips = defaultdict(list)
    for assignment in assignments:
        chips[assignment.item_id].append(Chip(assignment))
    return chips


def blueprint_matrix(*, unit, items):
    """Group the items by area and column, each with its responsible at the unit.

    Two queries: the items (with column and area) and the assignments at the
    unit (with role and person) for those items.
    """
    assignments = (
        assignments_at([unit])
        .filter(item__in=items.values("pk"))
        .select_related("role", "person")
        .order_by("item_id", "order", "pk")
    )
    chips = chips_by_item(assignments)
    areas, roles, has_person_only = {}, {}, False
    # The items are read once here; the assignments above use them as a subquery.
    for item in items:
        column = item.column
        area = areas.setdefault(column.area_id, AreaBlock(column.area))
        if not area.columns or area.columns[-1].column.pk != column.pk:
            area.columns.append(ColumnBlock(column))
        row = Row(item, chips.get(item.pk, []), is_support_matter(item))
        area.columns[-1].rows.append(row)
        for chip in row.chips:
            if chip.role:
                roles[chip.role.pk] = chip.role
            else:
                has_person_only = True
    return Matrix(
        areas=list(areas.values()),
        roles=sorted(roles.values(), key=lambda role: (role.order, role.code)),
        has_person_only=has_person_only,
    )


def grid_rows(matrix):
    """For the grid, per area: each row with one list of chips per role column.

    The columns are the matrix's roles, plus one for chips without a role when
    there are any.
    """
    areas = []
    for area in matrix.areas:
        rows = []
        for column in area.columns:
            for row in column.rows:
                by_role = defaultdict(list)
                for chip in row.chips:
                    by_role[chip.role.pk if chip.role else None].append(chip)
                cells = [by_role.get(role.pk, []) for role in matrix.roles]
                if matrix.has_person_only:
                    cells.append(by_role.get(None, []))
                rows.append((row, cells))
        areas.append((area, rows))
    return areas


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


def responsibilities(*, units, person=None, role=None):
    """Everything a person or a role is responsible for at these units, in the poster's order."""
    assignments = assignments_at(units).select_related(
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
