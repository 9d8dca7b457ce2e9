"""Permission checks on units; views and admin call these, templates read the flags."""

from dataclasses import dataclass

from organisation.queries import MANAGE_UNIT, VIEW_UNIT, unit_scope


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


def can_edit_sign_in_fields(user):
    """May the user change what a sign-in links a person by (models.SIGN_IN_FIELDS)?

    Only organisation-wide managers: a rektor who could set a colleague's
    e-mail could make a first sign-in with that address find the colleague
    (docs/permissions.md#identity-rule).
    """
    return unit_scope(user).all_editable


# --- Who owns a model's rows ------------------------------------------------
#
# Model permissions (groups) say what a user may do with a kind of row; the
# owner of a row says where: at a unit, at a huvudman, or shared by everyone.
# Every admin declares its model's Ownership (organisation/admin.py,
# ScopedAdmin); a model that declares none is refused to all but superusers.


@dataclass(frozen=True)
class Ownership:
    """How a model's rows are owned, and so which of them a user may see and change.

    kind: UNIT (rows placed at a unit; an empty unit means organisation-wide),
    HUVUDMAN (rows of one huvudman: people, IT-råd, service agreements) or
    SHARED (the catalogue and site-wide records: model permissions alone).
    path: the lookup from the model to its Unit or Organisation ("unit",
    "council__organisation"; "pk" for the unit or huvudman itself).
    wide: for UNIT rows, the lookup to the huvudman of an organisation-wide
    row ("person__organisation"): such rows are then seen only by users who
    see a unit of that huvudman; without it by everyone who sees any unit.
    """

    kind: str
    path: str = ""
    wide: str = ""

    UNIT = "unit"
    HUVUDMAN = "huvudman"
    SHARED = "shared"
    NOBODY = "nobody"

    def owner_id(self, obj, path=None):
        """The id of the row's unit or huvudman, read from the object (no query for "unit")."""
        *through, last = (path or self.path).split("__")
        for name in through:
            obj = getattr(obj, name)
            if obj is None:
                return None
        return obj.pk if last == "pk" else getattr(obj, f"{last}_id")

    def visible(self, user, queryset):
        """The rows of `queryset` the user may see."""
        if self.kind == self.SHARED:
            return queryset
        if self.kind == self.NOBODY or not user.is_active:
            return queryset if user.is_active and user.is_superuser else queryset.none()
        scope = unit_scope(user)
        if self.kind == self.UNIT:
            return queryset.filter(scope.visible_q(self.path, self.wide))
        if scope.all_visible:
            return queryset
        return queryset.filter(**{f"{self.path}__in": scope.visible_organisation_ids})

    def editable(self, user, queryset):
        """The rows of `queryset` the user may change (model permissions aside)."""
        if self.kind == self.SHARED:
            return queryset
        if self.kind == self.NOBODY or not user.is_active:
            return queryset if user.is_active and user.is_superuser else queryset.none()
        scope = unit_scope(user)
        if self.kind == self.UNIT:
            return queryset.filter(scope.editable_q(self.path))
        if scope.all_editable:
            return queryset
        return queryset.filter(**{f"{self.path}__in": scope.editable_organisation_ids})

    def can_view(self, user, obj=None):
        """May the user see `obj` (None: any row at all, e.g. the list)?"""
        if self.kind == self.NOBODY:
            return user.is_active and user.is_superuser
        if obj is None or self.kind == self.SHARED:
            return True
        scope = unit_scope(user)
        owner_id = self.owner_id(obj)
        if self.kind == self.UNIT:
            if owner_id is None and self.wide and not scope.all_visible:
                # As visible_q: a row with nothing on the wide path (no person) is everyone's.
                wide_owner = self.owner_id(obj, self.wide)
                return wide_owner is None or wide_owner in scope.visible_organisation_ids
            return scope.can_view(owner_id)
        return scope.all_visible or owner_id in scope.visible_organisation_ids

    def can_edit(self, user, obj=None):
        """May the user change `obj` (None: add rows, or change some row)?"""
        if self.kind == self.NOBODY:
            return user.is_active and user.is_superuser
        if self.kind == self.SHARED:
            return True
        scope = unit_scope(user)
        if obj is None:
            return scope.edits_anything
        owner_id = self.owner_id(obj)
        if self.kind == self.UNIT:
            return scope.can_edit(owner_id)
        return scope.all_editable or owner_id in scope.editable_organisation_ids


def by_unit(path="unit", wide=""):
    return Ownership(Ownership.UNIT, path, wide)


def by_huvudman(path="organisation"):
    return Ownership(Ownership.HUVUDMAN, path)


SHARED = Ownership(Ownership.SHARED)
# An organisation-wide appointment (no unit) belongs to its person's huvudman.
APPOINTMENTS = by_unit(wide="person__organisation")
NOBODY = Ownership(Ownership.NOBODY)
