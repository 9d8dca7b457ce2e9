"""Permission checks on units; views and admin call these, templates read the flags."""

from organisation.queries import MANAGE_UNIT, VIEW_UNIT


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


def can_grant_units(user):
    """Granting units to users is for administratörer (model-level change on units)."""
    return user.has_perm("organisation.change_unit")
