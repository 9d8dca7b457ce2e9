"""Writes to the register that span models."""

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from digiansvar.spreadsheet_reader import shorten
from organisation.models import (
    Appointment,
    ITCouncil,
    Organisation,
    Person,
    Position,
    Unit,
)
from organisation.permissions import allows
from registry.blueprint_file import blueprint_import
from registry.blueprint_file.plan import UNCHANGED
from registry.models import Area, Assignment, Blueprint, Column, Role, SearchWord
from registry.queries import role_holders
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


@dataclass
class ReassignResult:
    """What a reassignment moves: rows that change person, and rows merged into the target's.

    `merged` holds (row of from_person, row it is merged into) pairs: the
    target already carries the same item, unit, role and kind (or another
    moved row becomes the same once its role changes), so the old row is
    deleted and the kept row becomes ordinarie if either was.

    `mismatched` holds the rows whose individual role to_person does not
    hold at the row's unit (registry.queries.role_holders); `new_role` is the
    role they get instead (None: they keep theirs). `held` lists the
    individual roles to_person does hold at those units, as suggestions.
    """

    moved: list = field(default_factory=list)
    merged: list = field(default_factory=list)
    mismatched: list = field(default_factory=list)
    new_role: Role | None = None
    held: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.moved) + len(self.merged)

    @property
    def lines(self):
        """Every row for the preview: (row, its role after the move, merged into or None)."""
        twins = dict(self.merged)
        rows = [*self.moved, *twins]
        return [(row, self.role_after(row), twins.get(row)) for row in rows]

    def role_after(self, row):
        """The role the row has after the move."""
        if self.new_role is not None and row in self.mismatched:
            return self.new_role
        return row.role


def _role_mismatches(rows, to_person):
    """The rows whose individual role to_person does not hold at the row's unit, and the
    individual roles to_person holds at those units.

    An organisation-wide row (no unit) and a row without a role, or with a
    collective or relative role, are never a mismatch.
    """
    checked = [
        row for row in rows if row.unit_id and row.role and row.role.kind == Role.Kind.INDIVIDUAL
    ]
    if not checked:
        return [], []
    units = {row.unit_id: row.unit for row in checked}.values()
    roles = list(Role.objects.filter(kind=Role.Kind.INDIVIDUAL))
    holders = role_holders(units=units, roles=roles)
    mismatched = [
        row for row in checked if to_person not in holders.get((row.unit_id, row.role_id), [])
    ]
    unit_ids = {row.unit_id for row in mismatched}
    held = [
        role
        for role in roles
        if any(to_person in holders.get((unit_id, role.pk), []) for unit_id in unit_ids)
    ]
    return mismatched, held


def _reassign_plan(*, from_person, to_person, units, areas, new_role, user):
    if from_person.pk == to_person.pk:
        raise ValidationError(_("Välj två olika personer."))
    if from_person.organisation_id != to_person.organisation_id:
        raise ValidationError(
            _("%(to)s hör till en annan huvudman än %(from)s.")
            % {"to": to_person, "from": from_person}
        )
    # Everything of from_person that the user may change, and nothing else.
    rows = (
        Assignment.objects.restrict(user, "change")
        .filter(person=from_person)
        .select_related("item__column__area", "unit", "role", "person")
    )
    if units is not None:
        units = list(units)
        refused = [unit for unit in units if not allows(user, "change", unit)]
        if refused:
            raise PermissionDenied(
                _("Du får inte ändra ansvar på %(units)s.")
                % {"units": ", ".join(str(unit) for unit in refused)}
            )
        rows = rows.filter(unit__in=units)
    if areas is not None:
        rows = rows.filter(item__column__area__in=list(areas))
    rows = list(rows.order_by("item__column__area__order", "item__column__order", "item__order"))
    result = ReassignResult(new_role=new_role)
    result.mismatched, result.held = _role_mismatches(rows, to_person)
    taken = {
        (row.item_id, row.unit_id, row.role_id, row.kind): row
        for row in Assignment.objects.filter(
            person=to_person, item__in={row.item_id for row in rows}
        )
    }
    for row in rows:
        role = result.role_after(row)
        key = (row.item_id, row.unit_id, role.pk if role else None, row.kind)
        twin = taken.get(key)
        if twin is None:
            result.moved.append(row)
            taken[key] = row
        else:
            result.merged.append((row, twin))
    return result


def assignment_reassign_preview(
    *, from_person, to_person, units=None, areas=None, new_role=None, user
):
    """What assignment_reassign would do with the same arguments; changes nothing."""
    return _reassign_plan(
        from_person=from_person,
        to_person=to_person,
        units=units,
        areas=areas,
        new_role=new_role,
        user=user,
    )


@transaction.atomic
def assignment_reassign(*, from_person, to_person, units=None, areas=None, new_role=None, user):
    """Move the assignments of from_person to to_person, all or none.

    Used when someone leaves. `units` and `areas` narrow the move (None = all
    units the user may change, all areas). Where to_person already holds the
    same item, unit, role and kind the two rows are merged (see
    ReassignResult). A row whose individual role to_person does not hold at
    its unit gets `new_role` when one is given, else keeps its role (the
    administrator chose so after the preview's warning). Each change is
    recorded in history with `user` and a reason naming both people, and the
    roles where a role changed or was kept although to_person does not hold it.
    """
    result = _reassign_plan(
        from_person=from_person,
        to_person=to_person,
        units=units,
        areas=areas,
        new_role=new_role,
        user=user,
    )
    names = {"from": from_person.initials, "to": to_person.initials}
    reason = _("Flyttat från %(from)s till %(to)s") % names
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
        row._change_reason = reason
        if row in result.mismatched:
            if new_role is None:
                row._change_reason = _(
                    "Flyttat från %(from)s till %(to)s med rollen %(role)s, "
                    "som %(to)s inte har på enheten"
                ) % {**names, "role": row.role.code}
            else:
                row._change_reason = _(
                    "Flyttat från %(from)s till %(to)s, roll %(old)s ändrad till %(new)s"
                ) % {**names, "old": row.role.code, "new": new_role.code}
                row.role = new_role
        row.person = to_person
        row._history_user = user
        row.full_clean()
        row.save()
    return result
