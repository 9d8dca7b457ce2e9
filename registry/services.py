"""Writes to the register that span models."""

import csv
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from organisation.models import (
    Appointment,
    ITCouncil,
    Organisation,
    Person,
    Position,
    Unit,
)
from organisation.queries import MANAGE_UNIT, VIEW_UNIT, unit_scope
from registry.models import Area, Assignment, Blueprint, Column, Item, Role
from registry.notation import parse_responsible

SEED_DIR = Path(settings.BASE_DIR) / "fixtures"
SEED_FILE = SEED_DIR / "seed.json"
SEED_BLUEPRINT = SEED_DIR / "blueprint-arstaviken.csv"


@transaction.atomic
def seed_load(*, seed_file=SEED_FILE, blueprint_file=SEED_BLUEPRINT):
    """Load the organisation and the blueprint; running it again changes nothing.

    Existing rows are updated to the seed's values; assignments the seed lists
    are added when missing, and assignments added later by users are kept.
    Returns a dict of counts of rows created.
    """
    data = json.loads(Path(seed_file).read_text(encoding="utf-8"))
    created = {"items": 0, "assignments": 0}

    organisation, _ = Organisation.objects.update_or_create(
        slug=data["organisation"]["slug"], defaults={"name": data["organisation"]["name"]}
    )
    Blueprint.objects.update_or_create(
        title=data["blueprint"]["title"],
        version=data["blueprint"]["version"],
        defaults={"published": date.fromisoformat(data["blueprint"]["published"])},
    )
    units = {
        row["slug"]: Unit.objects.update_or_create(
            slug=row["slug"],
            defaults={"organisation": organisation, "name": row["name"], "kind": row["kind"]},
        )[0]
        for row in data["units"]
    }
    positions = {
        row["code"]: Position.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "level": row["level"],
                "description": row["description"],
                "order": order,
            },
        )[0]
        for order, row in enumerate(data["positions"])
    }
    roles = {
        row["code"]: Role.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "position": positions.get(row.get("position")),
                "order": order,
            },
        )[0]
        for order, row in enumerate(data["roles"])
    }
    columns = {}
    for area_order, area_row in enumerate(data["areas"]):
        area, _ = Area.objects.update_or_create(
            slug=area_row["slug"],
            defaults={
                "name": area_row["name"],
                "subtitle": area_row["subtitle"],
                "order": area_order,
            },
        )
        for column_order, column_row in enumerate(area_row["columns"]):
            column, _ = Column.objects.update_or_create(
                area=area,
                slug=column_row["slug"],
                defaults={"name": column_row["name"], "order": column_order},
            )
            columns[area.name, column.name] = column
    people = {
        row["initials"]: Person.objects.update_or_create(
            organisation=organisation,
            initials=row["initials"],
            defaults={"name": row.get("name", "")},
        )[0]
        for row in data["people"]
    }
    for row in data["appointments"]:
        Appointment.objects.get_or_create(
            person=people[row["person"]],
            position=positions[row["position"]],
            unit=units.get(row.get("unit")),
            focus=row.get("focus", ""),
        )
    for row in data["it_councils"]:
        ITCouncil.objects.update_or_create(
            organisation=organisation,
            school_form=row["school_form"],
            defaults={"name": row["name"]},
        )

    with open(blueprint_file, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    role_codes = set(roles)
    for order, row in enumerate(rows):
        item, item_created = Item.objects.update_or_create(
            column=columns[row["Område"], row["Kolumn"]],
            name=row["Ansvarsområde"],
            # Sökord: the curated keywords of the search (docs/search.md).
            defaults={
                "description": row["Beskrivning"],
                "keywords": row.get("Sökord", ""),
                "order": order,
            },
        )
        created["items"] += item_created
        unit = units[row["Enhet"]]
        for position, entry in enumerate(parse_responsible(row["Ansvariga"], role_codes)):
            _, assignment_created = Assignment.objects.get_or_create(
                item=item,
                unit=unit,
                role=roles[entry.role_code] if entry.role_code else None,
                person=people[entry.initials] if entry.initials else None,
                kind=Assignment.Kind.RESPONSIBLE,
                defaults={
                    "priority": (
                        Assignment.Priority.DEPUTY if entry.deputy else Assignment.Priority.PRIMARY
                    ),
                    "order": position,
                },
            )
            created["assignments"] += assignment_created
    return created


# The groups of registry/migrations/0002_groups.py that are granted per unit,
# and the unit permission each grant gives.
GRANT_ROLES = {
    "rektor": MANAGE_UNIT,
    "läsare": VIEW_UNIT,
}


@transaction.atomic
def unit_grant(*, user, unit, role):
    """Let `user` act as `role` ("rektor" or "läsare") at `unit`; unit None = every unit.

    Adds the user to the role's group (model permissions: what), gives the
    unit permission with django-guardian (object permission: where) and makes
    the user staff so that admin opens for them. Granting twice changes nothing.
    """
    if role not in GRANT_ROLES:
        raise ValidationError(
            _("Okänd roll ”%(role)s”: välj rektor eller läsare.") % {"role": role}
        )
    user.groups.add(Group.objects.get(name=role))
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    perm = GRANT_ROLES[role]
    if unit is None:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    else:
        assign_perm(perm, user, unit)


@transaction.atomic
def unit_revoke(*, user, unit, role):
    """Take back what unit_grant gave for this unit (the group membership stays)."""
    perm = GRANT_ROLES[role]
    if unit is None:
        app_label, codename = perm.split(".")
        user.user_permissions.remove(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    else:
        remove_perm(perm, user, unit)


@dataclass
class ReassignResult:
    """What a reassignment moves: rows that change person, and rows merged into the target's.

    `merged` holds (row of from_person, existing row of to_person) pairs: the
    target already carries the same item, unit, role and kind, so the old row
    is deleted and the kept row becomes ordinarie if either was.
    """

    moved: list = field(default_factory=list)
    merged: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.moved) + len(self.merged)


def _reassign_plan(*, from_person, to_person, units, areas, user):
    if from_person.pk == to_person.pk:
        raise ValidationError(_("Välj två olika personer."))
    if from_person.organisation_id != to_person.organisation_id:
        raise ValidationError(
            _("%(to)s hör till en annan huvudman än %(from)s.")
            % {"to": to_person, "from": from_person}
        )
    scope = unit_scope(user)
    rows = Assignment.objects.filter(person=from_person).select_related(
        "item__column__area", "unit", "role", "person"
    )
    if units is not None:
        units = list(units)
        refused = [unit for unit in units if not scope.can_edit(unit.pk)]
        if refused:
            raise PermissionDenied(
                _("Du får inte ändra ansvar på %(units)s.")
                % {"units": ", ".join(str(unit) for unit in refused)}
            )
        rows = rows.filter(unit__in=units)
    else:
        # Everything of from_person that the user may change, and nothing else.
        rows = rows.filter(scope.editable_q())
    if areas is not None:
        rows = rows.filter(item__column__area__in=list(areas))
    rows = list(rows.order_by("item__column__area__order", "item__column__order", "item__order"))
    existing = {
        (row.item_id, row.unit_id, row.role_id, row.kind): row
        for row in Assignment.objects.filter(
            person=to_person, item__in={row.item_id for row in rows}
        )
    }
    result = ReassignResult()
    for row in rows:
        twin = existing.get((row.item_id, row.unit_id, row.role_id, row.kind))
        if twin is None:
            result.moved.append(row)
        else:
            result.merged.append((row, twin))
    return result


def assignment_reassign_preview(*, from_person, to_person, units=None, areas=None, user):
    """What assignment_reassign would do with the same arguments; changes nothing."""
    return _reassign_plan(
        from_person=from_person, to_person=to_person, units=units, areas=areas, user=user
    )


@transaction.atomic
def assignment_reassign(*, from_person, to_person, units=None, areas=None, user):
    """Move the assignments of from_person to to_person, all or none.

    Used when someone leaves. `units` and `areas` narrow the move (None = all
    units the user may change, all areas). Where to_person already holds the
    same item, unit, role and kind the two rows are merged (see
    ReassignResult). Each change is recorded in history with `user` and a
    reason naming both people.
    """
    result = _reassign_plan(
        from_person=from_person, to_person=to_person, units=units, areas=areas, user=user
    )
    reason = _("Flyttat från %(from)s till %(to)s") % {
        "from": from_person.initials,
        "to": to_person.initials,
    }
    for row, twin in result.merged:
        if row.priority == Assignment.Priority.PRIMARY != twin.priority:
            twin.priority = Assignment.Priority.PRIMARY
            twin._history_user = user
            twin._change_reason = reason
            twin.full_clean()
            twin.save()
        row._history_user = user
        row._change_reason = reason
        row.delete()
    for row in result.moved:
        row.person = to_person
        row._history_user = user
        row._change_reason = reason
        row.full_clean()
        row.save()
    return result
