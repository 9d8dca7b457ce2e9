"""The seed: the huvudman, units, people and catalogue of fixtures/seed.json and the seed
blueprint (fixtures/blueprint-arstaviken.csv), loaded once or updated (`manage.py load_seed`)."""

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from digiansvar.spreadsheets.reader import shorten
from organisation.models import (
    Appointment,
    ITCouncil,
    Organisation,
    Person,
    Position,
    Unit,
)
from registry.blueprint_file import blueprint_import
from registry.blueprint_file.result import UNCHANGED
from registry.models import Area, Blueprint, Column, Role, SearchWord
from registry.versions import blueprint_publish_seed

SEED_DIR = Path(settings.BASE_DIR) / "fixtures"
SEED_FILE = SEED_DIR / "seed.json"
SEED_BLUEPRINT = SEED_DIR / "blueprint-arstaviken.csv"


def _update_or_create(model, *, defaults, changes, **lookup):
    """Like QuerySet.update_or_create, but saves (and writes history) only what differs.

    Appends a line to `changes` for a row created or changed.
    """
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model.objects.create(**lookup, **defaults)
        changes.append(f"{model._meta.verbose_name} {instance}: new")
        return instance, True
    changed = []
    for name, value in defaults.items():
        field = model._meta.get_field(name)
        if field.is_relation:
            current, wanted = getattr(instance, field.attname), value.pk if value else None
        else:
            current, wanted = getattr(instance, name), value
        if current != wanted:
            old_text, new_text = (
                shorten("" if shown is None else shown)
                for shown in (getattr(instance, name), value)
            )
            changes.append(
                f"{model._meta.verbose_name} {instance}: {field.verbose_name} "
                f"{old_text!r} → {new_text!r}"
            )
            setattr(instance, name, value)
            changed.append(name)
    if changed:
        instance.save(update_fields=changed)
    return instance, False


@dataclass
class SeedResult:
    """What seed_load did, or with dry_run would do.

    `loaded_before`: the seed's huvudman was there already, so without
    `update` nothing was read or written. `changes` has one line for each row
    the seed adds or changes, and `items`, `assignments` count the new ones.
    """

    loaded_before: bool = False
    items: int = 0
    assignments: int = 0
    changes: list = field(default_factory=list)
    applied: bool = False


@transaction.atomic
def seed_load(
    *, seed_file=SEED_FILE, blueprint_file=SEED_BLUEPRINT, update=False, dry_run=False
) -> SeedResult:
    """Load the seed organisation and blueprint once; a register already loaded is left alone.

    The seed is loaded when its huvudman does not exist yet (a fresh
    database): `make run` and an upgrade may run this every time without
    putting back what administrators changed or removed since. With `update`,
    rows are brought back to the seed's values (saved, with history, only
    when a value differs) and the blueprint file goes through the same import
    as import_blueprint (registry.blueprint_file) in its default mode: the
    seed's assignments are added where missing, and assignments added later
    by users are kept. With `dry_run` the same runs and is rolled back, so
    `changes` lists what an update would do.
    """
    data = json.loads(Path(seed_file).read_text(encoding="utf-8"))
    if not update and Organisation.objects.filter(slug=data["organisation"]["slug"]).exists():
        return SeedResult(loaded_before=True)
    changes = []

    organisation, _ = _update_or_create(
        Organisation,
        slug=data["organisation"]["slug"],
        defaults={"name": data["organisation"]["name"]},
        changes=changes,
    )
    units = {
        row["slug"]: _update_or_create(
            Unit,
            slug=row["slug"],
            defaults={"organisation": organisation, "name": row["name"], "kind": row["kind"]},
            changes=changes,
        )[0]
        for row in data["units"]
    }
    positions = {
        row["code"]: _update_or_create(
            Position,
            code=row["code"],
            defaults={
                "name": row["name"],
                "level": row["level"],
                "description": row["description"],
                "order": order,
            },
            changes=changes,
        )[0]
        for order, row in enumerate(data["positions"])
    }
    for order, row in enumerate(data["roles"]):
        _update_or_create(
            Role,
            code=row["code"],
            defaults={
                "name": row["name"],
                "kind": row["kind"],
                "position": positions.get(row.get("position")),
                "order": order,
            },
            changes=changes,
        )
    for area_order, area_row in enumerate(data["areas"]):
        area, _ = _update_or_create(
            Area,
            slug=area_row["slug"],
            defaults={
                "name": area_row["name"],
                "subtitle": area_row["subtitle"],
                "order": area_order,
            },
            changes=changes,
        )
        for column_order, column_row in enumerate(area_row["columns"]):
            _update_or_create(
                Column,
                area=area,
                slug=column_row["slug"],
                defaults={"name": column_row["name"], "order": column_order},
                changes=changes,
            )
    people = {
        row["initials"]: _update_or_create(
            Person,
            organisation=organisation,
            initials=row["initials"],
            defaults={"name": row.get("name", "")},
            changes=changes,
        )[0]
        for row in data["people"]
    }
    for row in data["appointments"]:
        appointment, created = Appointment.objects.get_or_create(
            person=people[row["person"]],
            position=positions[row["position"]],
            unit=units.get(row.get("unit")),
            focus=row.get("focus", ""),
        )
        if created:
            changes.append(f"{Appointment._meta.verbose_name} {appointment}: new")
    for row in data["it_councils"]:
        _update_or_create(
            ITCouncil,
            organisation=organisation,
            school_form=row["school_form"],
            defaults={"name": row["name"]},
            changes=changes,
        )
    for row in data.get("search_words", ()):
        _update_or_create(
            SearchWord, word=row["word"], defaults={"means": row["means"]}, changes=changes
        )

    result = blueprint_import(
        content=Path(blueprint_file), filename=Path(blueprint_file).name, dry_run=dry_run
    )
    if result.errors:
        raise ValidationError([str(problem) for problem in result.errors])
    changes.extend(_row_change(row) for row in result.rows if row.status != UNCHANGED)
    # The seed is a published version (1.4.0): the register as loaded, once.
    version = data["blueprint"]["version"]
    published = Blueprint.objects.filter(organisation=organisation, version=version).first()
    if published is None or not published.snapshot:
        changes.append(f"version {version}: published")
    blueprint_publish_seed(
        organisation=organisation,
        title=data["blueprint"]["title"],
        version=version,
        published=date.fromisoformat(data["blueprint"]["published"]),
    )
    if dry_run:
        transaction.set_rollback(True)
    return SeedResult(
        items=result.items_created,
        assignments=result.assignments_created,
        changes=changes,
        applied=not dry_run,
    )


def _row_change(row):
    """One line for a blueprint row the seed changes: where, then each value before → after."""
    parts = []
    if row.before != row.after:
        parts.append(f"responsible {row.before or '-'} → {row.after or '-'}")
    if row.description_changed:
        parts.append(
            f"description {shorten(row.description_before)!r} → {shorten(row.description_after)!r}"
        )
    if row.keywords_changed:
        parts.append(f"keywords {shorten(row.keywords_before)!r} → {shorten(row.keywords_after)!r}")
    if row.marks_changed:
        parts.append(f"marks {row.marks_before or '-'} → {row.marks_after or '-'}")
    return f"{row.unit or '-'} · {row.item} ({row.status_label}): {', '.join(parts)}"
