"""Reads for the blueprint pages: which assignments hold at a unit, and the matrix built from them.

Every page builds from a fixed number of queries, whatever the number of items:
the items (with column and area joined) and the assignments (with role, person
and unit joined) are fetched once each and grouped here in Python.
"""

import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from organisation.models import Appointment, Organisation, Person, Position, ProblemKind, Unit
from registry.models import Area, Assignment, Blueprint, Column, Item, Role, SearchWord
from registry.search import item_search_ids

# Chip colours in the stylesheet (.chip--c0 … .chip--c11). A role keeps its
# colour on every page because it is derived from the role's own order.
PALETTE_SIZE = 12

# An item not marked with a kind of local support (Item.support_kind) in
# these areas (the poster's HYGIEN: infrastructure, devices, network) is
# still a technical matter: "Vem ansvarar för …?" then shows the support
# chain for technical problems as well.
SUPPORT_AREA_SLUGS = {"hygien"}


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
    return Assignment.objects.filter(
        Q(unit_id__in=unit_ids)
        | Q(unit__isnull=True)
        & (Q(person__isnull=True) | Q(person__organisation_id__in=organisation_ids))
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
    unit_ids = [unit.pk for unit in units]
    organisation_ids = {unit.organisation_id for unit in units}
    holders = defaultdict(list)
    by_position = {role.position_id: role for role in individual if role.position_id}
    if by_position:
        appointments = (
            Appointment.objects.filter(position_id__in=by_position)
            .filter(
                Q(unit_id__in=unit_ids)
                | Q(unit__isnull=True, person__organisation_id__in=organisation_ids)
            )
            .select_related("person")
            .order_by("person__initials", "pk")
        )
        for appointment in appointments:
            role = by_position[appointment.position_id]
            at = (
                [appointment.unit_id]
                if appointment.unit_id
                else [
                    unit.pk
                    for unit in units
                    if unit.organisation_id == appointment.person.organisation_id
                ]
            )
            for unit_id in at:
                if appointment.person not in holders[unit_id, role.pk]:
                    holders[unit_id, role.pk].append(appointment.person)
    unrecorded = [role.pk for role in individual if not role.position_id]
    if unrecorded:
        named = (
            Assignment.objects.filter(unit_id__in=unit_ids, role_id__in=unrecorded)
            .exclude(person=None)
            .select_related("person")
            .order_by("person__initials", "pk")
        )
        for assignment in named:
            key = (assignment.unit_id, assignment.role_id)
            if assignment.person not in holders[key]:
                holders[key].append(assignment.person)
    return dict(holders)


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


def items_matching(*, unit, areas=(), role=None, person=None, text=""):
    """Items of the blueprint that match the filters, in the poster's order.

    A role and a person together mean one assignment with both ("A.W as ITS"),
    looked for at the unit (or organisation-wide). The text is a question for
    the search (registry.search.item_search_ids): every item above its relevance
    cut is kept.
    """
    items = Item.objects.select_related("column__area")
    if areas:
        items = items.filter(column__area__in=areas)
    if text:
        items = items.filter(pk__in=item_search_ids(text))
    if role is not None or person is not None:
        matching = assignments_at([unit])
        if role is not None:
            matching = matching.filter(role=role)
        if person is not None:
            matching = matching.filter(person=person)
        items = items.filter(pk__in=matching.values("item"))
    return items


def support_kind_of(item):
    """The kind of problem (ProblemKind value) an item is a support matter for, or "".

    The item's own mark (Lokalt stöd för) when set; else technical for the
    items of the infrastructure area (SUPPORT_AREA_SLUGS); else none.
    """
    if item.support_kind:
        return item.support_kind
    if item.column.area.slug in SUPPORT_AREA_SLUGS:
        return ProblemKind.TECHNOLOGY.value
    return ""


def support_kinds(items):
    """The support kinds of these items, each once, in the order they first occur."""
    return [kind for kind in dict.fromkeys(support_kind_of(item) for item in items) if kind]


class Chip:
    """One responsible as the poster shows it: "A.W · ITS", "LÄR" or "A.L".

    Everything the templates print is worked out once here, so that a page
    with hundreds of chips does no per-chip work in the template; `links`
    (a dict shared by one page build) keeps each person's or role's URL, so
    reverse() runs once per person and role, not once per chip.
    """

    __slots__ = (
        "assignment",
        "person",
        "role",
        "label",
        "description",
        "deputy",
        "colour",
        "url",
        "holders",
    )

    def __init__(self, assignment, links=None):
        person, role = assignment.person, assignment.role
        self.assignment = assignment
        self.person = person
        self.role = role
        self.label = " · ".join(
            part for part in (person and person.initials, role and role.code) if part
        )
        # Full name, title and role name, for the tooltip and screen readers;
        # a title that only repeats the role's name is said once.
        parts = []
        for part in (person and person.name, person and person.title, role and role.label):
            if part and part.casefold() not in (said.casefold() for said in parts):
                parts.append(part)
        self.description = ", ".join(parts)
        if person is None and role_reach(role):
            self.description = f"{role.label} ({role_reach(role)})"
        self.deputy = assignment.priority == Assignment.Priority.DEPUTY
        self.colour = role_colour(role) if role else None
        self.url = _chip_url(person, role, {} if links is None else links)
        # Who holds the role at the unit in view, for a role-only chip of an
        # individual role: [(initials, name, url), …], empty when nobody
        # does; None when it does not apply or was not looked up (holders_attach).
        self.holders = None

    @property
    def holder_key(self):
        return None if self.holders is None else tuple(self.holders)


def holders_attach(chips, *, units):
    """Give the role-only chips of individual roles who holds the role at their unit.

    A chip's unit is its entry's. An organisation-wide entry holds at every
    unit, so its holders are those of the unit in view when `units` is one
    unit (the poster, the search); with several (the item page) they differ
    from unit to unit and are not looked up (the role page lists them).
    One or two queries (role_holders) whatever the number of units, when
    there are such chips; none otherwise.
    """
    units = list(units)
    only = units[0].pk if len(units) == 1 else None
    waiting = []
    for chip in chips:
        unit_id = chip.assignment.unit_id or only
        if chip.person is None and chip.role.kind == Role.Kind.INDIVIDUAL and unit_id:
            waiting.append((chip, unit_id))
    if not waiting:
        return
    roles = {chip.role.pk: chip.role for chip, _unit_id in waiting}
    holders = role_holders(units=units, roles=list(roles.values()))
    links = {}
    for chip, unit_id in waiting:
        people = holders.get((unit_id, chip.role.pk), [])
        chip.holders = [
            (person.initials, person.name, _chip_url(person, None, links)) for person in people
        ]


def _chip_url(person, role, links):
    key = ("person", person.initials) if person else ("role", role.code)
    url = links.get(key)
    if url is None:
        name = "registry:person_detail" if person else "registry:role_detail"
        url = links[key] = reverse(name, args=[key[1]])
    return url


@dataclass
class Row:
    item: Item
    chips: list = field(default_factory=list)
    support_kind: str = ""
    url: str = ""
    chips_html: str = ""  # set by the view that renders the poster


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
    chips, links = defaultdict(list), {}
    for assignment in assignments:
        chips[assignment.item_id].append(Chip(assignment, links))
    return chips


def item_url_maker():
    """A function pk -> the item page's URL, with reverse() run once instead of per item."""
    prefix, _pk, suffix = reverse("registry:item_detail", args=[0]).rpartition("/0/")
    return lambda pk: f"{prefix}/{pk}/{suffix}"


def blueprint_matrix(*, unit, items):
    """Group the items by area and column, each with its responsible at the unit.

    Two queries: the items (with column and area) and the assignments at the
    unit (with role and person) for those items; one or two more for who
    holds the individual roles that entries name without a person.
    """
    assignments = (
        assignments_at([unit])
        .filter(item__in=items.values("pk"))
        .select_related("role", "person")
        .order_by("item_id", "order", "pk")
    )
    chips = chips_by_item(assignments)
    holders_attach([chip for row in chips.values() for chip in row], units=[unit])
    item_url = item_url_maker()
    areas, roles, has_person_only = {}, {}, False
    # The items are read once here; the assignments above use them as a subquery.
    for item in items:
        column = item.column
        area = areas.setdefault(column.area_id, AreaBlock(column.area))
        if not area.columns or area.columns[-1].column.pk != column.pk:
            area.columns.append(ColumnBlock(column))
        row = Row(item, chips.get(item.pk, []), support_kind_of(item), item_url(item.pk))
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


# What the blueprint pages show. Every write through the ORM (admin, services)
# or the spreadsheet import leaves a row in their history tables.
VERSIONED_MODELS = (
    Item,
    Assignment,
    Person,
    Unit,
    Appointment,
    Role,
    Area,
    Column,
    Blueprint,
    Position,
    Organisation,
    SearchWord,  # the word list: the `q` filter's answers follow it
)
# These may be written with bulk_create, which leaves no history rows (generate_demo
# records them afterwards); every insert still raises the largest id.
BULK_WRITTEN_MODELS = (Assignment, Person, Unit, Appointment)


def data_version():
    """A string that changes whenever anything the blueprint pages show changes; one query.

    The largest history id of every model the pages show (and the largest
    id of those written in bulk without history); ids only grow, so any
    committed write gives a new value. On PostgreSQL, ids are handed out
    when a write starts but become visible when it commits, so a long
    write (an import) could commit below an id another write already
    showed: the write transactions still running on this database are part
    of the version too, and the version changes again when they end.
    SQLite lets one writer in at a time, so there the ids alone suffice.
    """
    return ":".join("" if value is None else str(value) for value in data_version_parts().values())


def data_version_parts():
    """What data_version is made of, by name: "<model label> history" and "<model label> id"
    (the largest ids, None for an empty table) and "writes running" (PostgreSQL: the other
    write transactions still running, "" or None when there are none)."""
    names, sql = _data_version_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return dict(zip(names, row, strict=True))


def data_version_key(model, part):
    """The name of one of data_version_parts: "<model label> history" or "<model label> id"."""
    return f"{model._meta.label} {part}"


@functools.cache
def _data_version_sql(vendor):
    # Built once: simple_history makes a new manager class on every
    # `Model.history` access, which cost more than the query itself.
    quote = connection.ops.quote_name
    parts = {
        data_version_key(model, "history"): (
            f"(SELECT MAX({quote('history_id')}) FROM {quote(model.history.model._meta.db_table)})"
        )
        for model in VERSIONED_MODELS
    } | {
        data_version_key(
            model, "id"
        ): f"(SELECT MAX({quote('id')}) FROM {quote(model._meta.db_table)})"
        for model in BULK_WRITTEN_MODELS
    }
    if vendor == "postgresql":
        # Not this connection's own: a write transaction asking for the version
        # (registry.coverage_store) would otherwise never see its own end.
        parts["writes running"] = (
            "(SELECT string_agg(backend_xid::text, ',' ORDER BY backend_xid::text)"
            " FROM pg_stat_get_activity(NULL) AS activity"
            " WHERE datid = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND backend_xid IS NOT NULL AND pid <> pg_backend_pid())"
        )
    return list(parts), "SELECT " + ", ".join(parts.values())
