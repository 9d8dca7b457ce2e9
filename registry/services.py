"""Writes to the register that span models: moving a person's responsibilities to another
("Flytta ansvar")."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from organisation.permissions import allows
from registry.models import Assignment, Role
from registry.queries import role_holders


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
