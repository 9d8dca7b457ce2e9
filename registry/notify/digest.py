"""What changed for a person since they were last told, read from the assignments' history.

Every write (admin, import, "Flytta ansvar", the API) leaves a history row
with its user and reason (django-simple-history), so nothing needs a signal:
the digest compares, for each assignment the person ever appeared in, its
state when they were last told with its state now. Gained and lost again
(or moved away and back) in between is no change; a change whose deciding
history row the person wrote themselves is left out.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from registry.models import Assignment

GAINED = "gained"
LOST = "lost"
CHANGED = "changed"


@dataclass
class Change:
    """One assignment a person gained, lost, or kept with another role, unit or item."""

    kind: str
    assignment_id: int
    item_id: int
    unit_id: int | None
    role_id: int | None
    history_id: int
    changed_by_id: int | None
    reason: str
    still_held: bool = False  # the person holds it now as it says (a confirmation link)


def history_model():
    return Assignment.history.model


def _held(row, person_id):
    return row is not None and row["history_type"] != "-" and row["person_id"] == person_id


def _what(row):
    return (row["item_id"], row["unit_id"], row["role_id"])


def _state(row, person_id):
    """What the person holds in this version: (item, unit, role), or None."""
    return _what(row) if _held(row, person_id) else None


def person_changes(*, person, after, up_to):
    """The person's changes between history ids `after` (exclusive) and `up_to` (inclusive),
    in history order; one query."""
    history = history_model()
    # Every version of the assignments the person ever appeared in that changed in the
    # window: found by the person and id indexes, so the cost is the person's own history,
    # not the window's size.
    theirs = history.objects.filter(person_id=person.pk).values("id")
    changed = history.objects.filter(id=OuterRef("id"), history_id__gt=after, history_id__lte=up_to)
    rows = (
        history.objects.filter(id__in=theirs, history_id__lte=up_to)
        .filter(Exists(changed))
        .order_by("id", "history_id")
        .values(
            "id",
            "history_id",
            "history_type",
            "person_id",
            "item_id",
            "unit_id",
            "role_id",
            "history_user_id",
            "history_change_reason",
        )
    )
    changes, current, versions = [], None, []
    for row in [*rows, None]:
        if row is None or row["id"] != current:
            if versions:
                change = _change(versions, person, after)
                if change is not None:
                    changes.append(change)
            if row is None:
                break
            current, versions = row["id"], []
        versions.append(row)
    changes.sort(key=lambda change: change.history_id)
    return changes


def _change(versions, person, after):
    """The net change of one assignment for the person across its versions, or None."""
    before = None
    for row in versions:
        if row["history_id"] <= after:
            before = row
    now = versions[-1]
    if now["history_id"] <= after:
        return None
    held_before, held_now = _held(before, person.pk), _held(now, person.pk)
    if held_before and held_now:
        if _state(before, person.pk) == _state(now, person.pk):
            return None
        kind = CHANGED
    elif held_now:
        kind = GAINED
    elif held_before:
        kind = LOST
    else:
        return None
    # The row that made the difference: the last one that changed what the person holds.
    deciding, state = now, _state(before, person.pk)
    for row in versions:
        if row["history_id"] > after and _state(row, person.pk) != state:
            deciding = row
        state = _state(row, person.pk)
    if person.user_id and deciding["history_user_id"] == person.user_id:
        return None
    shown = now if held_now else before
    return Change(
        kind=kind,
        assignment_id=now["id"],
        item_id=shown["item_id"],
        unit_id=shown["unit_id"],
        role_id=shown["role_id"],
        history_id=deciding["history_id"],
        changed_by_id=deciding["history_user_id"],
        reason=deciding["history_change_reason"] or "",
        still_held=held_now,
    )
