"""The blueprint pages' selectors: the items a filter matches, who is responsible at a unit, the
poster's matrix there, and an item's chips at a page of units."""

from dataclasses import dataclass
from types import SimpleNamespace

from django.db import connection

from digiansvar.compiled import statement
from organisation.queries import people_by_ids
from registry.matrix import (
    AreaBlock,
    Chip,
    ColumnBlock,
    Entry,
    Matrix,
    Row,
    chips_by_item,
    holders_attach,
    item_url_maker,
    support_kind_of,
)
from registry.models import Item
from registry.notify.queries import confirmation_marks, with_confirmation
from registry.queries import assignments_at, legend
from registry.search import item_search_ids


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


@dataclass
class Responsible:
    """Who is responsible for what at one unit: every entry that holds there, as the poster
    reads it (registry.matrix.Entry), with the people and roles they name."""

    entries: list  # Entry, by item and then the entries' order
    people: list  # Person named by an entry, in initials order: the person filter's choices
    roles: list  # Role named by an entry, in the roles' order: the role filter's choices


def items_among(*, items, entries, areas=(), role=None, person=None, text=""):
    """items_matching without a query: the items of `items` (the catalogue's, in order) that
    match, with `entries` (unit_responsible's, every entry at the unit) for the role and
    person. The same rules, tested against it."""
    areas = {area.pk for area in areas}
    found = set(item_search_ids(text)) if text else None
    if role is not None or person is not None:
        named = {
            entry.item_id
            for entry in entries
            if (role is None or entry.role_id == role.pk)
            and (person is None or entry.person_id == person.pk)
        }
        found = named if found is None else found & named
    return [
        item
        for item in items
        if (not areas or item.column.area_id in areas) and (found is None or item.pk in found)
    ]


def unit_responsible(*, unit, roles):
    """The unit's entries (its own and the organisation-wide ones, every item), with whether
    each is confirmed; `roles` is {id: Role} of every role (the catalogue's). Two queries: the
    entries as plain rows, then the people they name (none when they name nobody).

    The people are read by their ids rather than joined to the rows: under the entries' OR
    (their own unit, or organisation-wide) PostgreSQL would hash every person of the country.
    Both statements are compiled once (digiansvar.compiled): building and compiling the
    entries' three confirmation subqueries cost the ORM twice what the database takes.
    """
    with connection.cursor() as cursor:
        cursor.execute(*_entries_statement(unit))
        rows = cursor.fetchall()
    person_ids = sorted({row[3] for row in rows if row[3] is not None})
    people = people_by_ids(person_ids)
    by_pk = {person.pk: person for person in people}
    entries = [
        Entry(row, role=roles.get(row[2]), person=by_pk.get(row[3]))
        for row in rows
        # An entry whose person went between the two reads went with them.
        if row[3] is None or row[3] in by_pk
    ]
    used = {row[2] for row in rows}
    return Responsible(
        entries=entries,
        people=people,
        roles=[role for pk, role in roles.items() if pk in used],
    )


def unit_entries(unit):
    """The query of unit_responsible's rows: the unit's entries with their confirmation
    (registry.notify.queries.with_confirmation), as Entry.ROW values."""
    return (
        with_confirmation(assignments_at([unit]))
        .order_by("item_id", "order", "pk")
        .values_list(*Entry.ROW)
    )


def _entries_statement(unit):
    return statement(
        "unit-entries",
        lambda pk, organisation_id: unit_entries(
            SimpleNamespace(pk=pk, organisation_id=organisation_id)
        ),
        pk=unit.pk,
        organisation_id=unit.organisation_id,
    )


def blueprint_matrix(*, unit, items, responsible):
    """Group the items by area and column, each with its responsible at the unit.

    `items`: Item with column and area, in the poster's order (the catalogue's,
    registry.blueprint.catalogue, or a queryset of items_matching); `responsible`:
    the unit's entries (unit_responsible). No query, but one or two for who holds
    the individual roles that entries name without a person.
    """
    items = list(items)
    shown = {item.pk for item in items}
    chips = chips_by_item(entry for entry in responsible.entries if entry.item_id in shown)
    every_chip = [chip for row in chips.values() for chip in row]
    holders_attach(every_chip, units=[unit])
    confirmation_marks(every_chip)
    item_url = item_url_maker()
    areas, roles, has_person_only = {}, {}, False
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


def item_chips(*, item, units, organisation_wide):
    """The item's chips at `units` (a page of them), as the item page shows them.

    Returns {"organisation_wide": [chips], "per_unit": [(unit, [chips])], "legend"}:
    the organisation-wide chips (unit None, they hold at every unit; only
    with `organisation_wide`, the first page), each unit's own, and the
    legend of the roles they name. As on the poster, a role-only chip of an
    individual role names who holds the role at its unit.
    """
    assignments = with_confirmation(
        assignments_at(units, organisation_wide=organisation_wide)
        .filter(item=item)
        .select_related("role", "person")
        .order_by("order", "pk")
    )
    links = {}
    chips = [Chip(assignment, links) for assignment in assignments]
    holders_attach(chips, units=units)
    confirmation_marks(chips)
    by_unit, roles = {}, {}
    for chip in chips:
        by_unit.setdefault(chip.assignment.unit_id, []).append(chip)
        if chip.role:
            roles[chip.role.pk] = chip.role
    return {
        "organisation_wide": by_unit.pop(None, []),
        "per_unit": [(unit, by_unit.get(unit.pk, [])) for unit in units],
        "legend": legend(sorted(roles.values(), key=lambda role: (role.order, role.code))),
    }
