"""Permission checks on units; views and admin call these, templates read the flags."""

from organisation.queries import (
    MANAGE_UNIT,
    VIEW_UNIT,
    people_editable_by,
    unit_scope,
)


def can_view_unit(user, unit):
    if not user.is_authenticated or not user.is_active:
        return False
    return (
        user.is_superuser
        or user.has_perm(VIEW_UNIT)
        or user.has_perm(MANAGE_UNIT)
        or user.has_perm(VIEW_UNIT, unit)
        or user.has_perm(MANAGE_UNIT, unit)
    )


def can_edit_unit(user, unit):
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.has_perm(MANAGE_UNIT) or user.has_perm(MANAGE_UNIT, unit)


def can_edit_at(user, unit):
    """May the user change rows (assignments, appointments) placed at `unit`?

    `unit` None means organisation-wide rows: only organisation-wide managers.
    """
    return unit_scope(user).can_edit(unit.pk if unit else None)


def can_edit_person(user, person):
    return people_editable_by(user).filter(pk=person.pk).exists()


def can_edit_catalogue(user):
    """The shared catalogue (areas, columns, items, roles): verksamhetsutvecklare, administratör."""
    return user.has_perm("registry.change_item")


def can_grant_units(user):
    """Granting units to users is for administratörer (model-level change on units)."""
    return user.has_perm("organisation.change_unit")
