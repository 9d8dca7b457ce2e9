"""A published version's poster at one unit, in the live poster's shape (registry.matrix)."""

from collections import defaultdict
from types import SimpleNamespace

from organisation.models import Person
from registry import matrix
from registry.models import Assignment, Role
from registry.versions.snapshot import Catalogue


def snapshot_matrix(snapshot, *, unit_id, live_item_ids=()):
    """The poster of `unit_id` from a snapshot, in the live poster's shape (registry.matrix).

    Items, areas and columns are plain namespaces with the attributes the
    blueprint templates read; an item links to its page only if it still
    exists (`live_item_ids`). Roles, people and assignments are unsaved model
    instances holding the snapshot's values, so that each chip is a
    matrix.Chip like the live poster's: the same label, description and
    link, and the role's kind as it was at publishing (a snapshot from before
    kinds were kept has none: its chips and legend say nothing about it).
    Who held a role then is not kept in a version.
    """
    catalogue = Catalogue(snapshot)
    item_url = matrix.item_url_maker()
    roles = {
        int(pk): Role(
            pk=int(pk),
            code=row["code"],
            name=row["name"],
            order=row["order"],
            kind=row.get("kind", ""),
        )
        for pk, row in catalogue.roles.items()
    }
    people = {
        int(pk): Person(pk=int(pk), initials=row["initials"], name=row["name"])
        for pk, row in catalogue.people.items()
    }
    chips, links = defaultdict(list), {}
    used_roles, has_person_only = {}, False
    for unit, item, role_id, person_id, _kind, deputy, _order in sorted(
        snapshot["assignments"], key=lambda row: (row[1], row[6])
    ):
        if unit and unit != unit_id:
            continue
        role = roles.get(role_id)
        assignment = Assignment(
            unit_id=unit or None,
            item_id=item,
            role=role,
            person=people.get(person_id),
            priority=Assignment.Priority.DEPUTY if deputy else Assignment.Priority.PRIMARY,
        )
        chips[item].append(matrix.Chip(assignment, links))
        if role:
            used_roles[role.pk] = role
        else:
            has_person_only = True
    areas = {}
    items = sorted(catalogue.items, key=lambda pk: catalogue.place(pk)[2])
    for pk in items:
        row = catalogue.items[pk]
        column = catalogue.columns[str(row["column"])]
        area_row = catalogue.areas[str(column["area"])]
        area = areas.setdefault(
            column["area"], matrix.AreaBlock(SimpleNamespace(pk=column["area"], **area_row))
        )
        if not area.columns or area.columns[-1].column.pk != row["column"]:
            area.columns.append(matrix.ColumnBlock(SimpleNamespace(pk=row["column"], **column)))
        item = SimpleNamespace(pk=int(pk), **row)
        url = item_url(item.pk) if item.pk in live_item_ids else ""
        area.columns[-1].rows.append(matrix.Row(item, chips.get(item.pk, []), "", url))
    return matrix.Matrix(
        areas=list(areas.values()),
        roles=sorted(used_roles.values(), key=lambda role: (role.order, role.code)),
        has_person_only=has_person_only,
    )
