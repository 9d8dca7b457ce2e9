"""Writes to the register that span models."""

import csv
import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction

from organisation.models import (
    Appointment,
    ITCouncil,
    Organisation,
    Person,
    Position,
    Unit,
)
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
            defaults={"description": row["Beskrivning"], "order": order},
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
