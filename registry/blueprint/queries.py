"""The blueprint pages' selectors: the items a filter matches, the poster's matrix at a unit,
and an item's chips at a page of units."""

from registry.matrix import (
    AreaBlock,
    Chip,
    ColumnBlock,
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


def blueprint_matrix(*, unit, items):
    """Group the items by area and column, each with its responsible at the unit.

    Two queries: the items (with column and area) and the assignments at the
    unit (with role and person, and whether each is confirmed) for those items;
    one or two more for who holds the individual roles that entries name
    without a person, and one for whether a holder confirmed those.
    """
    assignments = with_confirmation(
        assignments_at([unit])
        .filter(item__in=items.values("pk"))
        .select_related("role", "person")
        .order_by("item_id", "order", "pk")
    )
    chips = chips_by_item(assignments)
    every_chip = [chip for row in chips.values() for chip in row]
    holders_attach(every_chip, units=[unit])
    confirmation_marks(every_chip)
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
