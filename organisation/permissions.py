"""Who may see and change which rows: each model's Ownership, asked through `restrict`.

Every model of the site declares `ownership` (one of the values at the end
of this module) and has a default manager built on
organisation.queries.RestrictedQuerySet, so that
`Model.objects.restrict(user, "view" | "change" | "delete")` answers for
pages, imports, exports, search, history and admin alike. Templates only
read flags a view computed from it.
"""

from dataclasses import dataclass, replace

from django.contrib.auth import get_permission_codename
from django.db.models import Exists, OuterRef

from organisation.queries import unit_scope

ACTIONS = ("view", "change", "delete")


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
# Every model declares its Ownership (`ownership = …`); the scoped admin
# (organisation/admin_base.py) and every page ask it through restrict. A
# model that declares none is refused to all but superusers.


@dataclass(frozen=True)
class Ownership:
    """How a model's rows are owned, and so which of them a user may see and change.

    kind: UNIT (rows placed at a unit; an empty unit means organisation-wide),
    HUVUDMAN (rows of one huvudman: people, IT-råd, service agreements) or
    SHARED (the catalogue: read by everyone signed in, changed with the model
    permission), SITE (users, groups and login records: the model permission
    alone decides, for reading too) or USER (a user's own rows, such as their
    API keys: only that user reads and changes them, superusers included).
    path: the lookup from the model to its Unit or Organisation ("unit",
    "council__organisation"; "pk" for the unit or huvudman itself), or for
    USER rows to their user ("user").
    wide: for UNIT rows, the lookup to the huvudman of an organisation-wide
    row ("person__organisation"): such rows are then seen only by users who
    see a unit of that huvudman; without it by everyone who sees any unit.
    placed: for HUVUDMAN rows that unit-owned rows point to (people): a row
    is changed only by those who may change every unit-owned row naming it
    (a rektor edits a person who works at the rektor's units alone).
    grants: the rows are the owners themselves (units, huvudmän), whose
    per-unit grants are the permission: "change" means change their rows.

    Reading follows the grants: a user granted a unit (view_unit or
    manage_unit, per unit or for all) reads that unit's rows, its huvudman's
    rows and the shared catalogue. Changing and deleting also need the
    model permission (groups).
    """

    kind: str
    path: str = ""
    wide: str = ""
    placed: bool = False
    grants: bool = False

    UNIT = "unit"
    HUVUDMAN = "huvudman"
    SHARED = "shared"
    SITE = "site"
    USER = "user"
    NOBODY = "nobody"

    def owner_id(self, obj, path=None):
        """The id of the row's unit or huvudman, read from the object (no query for "unit")."""
        *through, last = (path or self.path).split("__")
        for name in through:
            obj = getattr(obj, name)
            if obj is None:
                return None
        return obj.pk if last == "pk" else getattr(obj, f"{last}_id")

    def restrict(self, user, action, queryset, model=None):
        """The rows of `queryset` (of `model`, or of its history) the user may `action`."""
        if action not in ACTIONS:
            raise ValueError(f"restrict: unknown action {action!r}")
        if not user.is_authenticated or not user.is_active:
            return queryset.none()
        if action == "view":
            return self.visible(user, queryset)
        if not self.grants and not has_model_permission(user, model or queryset.model, action):
            return queryset.none()
        return self.editable(user, queryset)

    def allows(self, user, action, obj):
        """May the user `action` this one row? As restrict, read from the object
        and the user's scope without a query where the scope allows."""
        if action not in ACTIONS:
            raise ValueError(f"allows: unknown action {action!r}")
        if not user.is_authenticated or not user.is_active:
            return False
        if action == "view":
            return self.can_view(user, obj)
        if not self.grants and not has_model_permission(user, type(obj), action):
            return False
        if self.placed:
            return self.editable(user, type(obj)._base_manager.filter(pk=obj.pk)).exists()
        return self.can_edit(user, obj)

    def visible(self, user, queryset):
        """The rows of `queryset` the user may see."""
        if self.kind == self.SHARED:
            return queryset
        if self.kind == self.USER:
            return queryset.filter(**{self.path: user.pk})
        if self.kind == self.SITE:
            return (
                queryset if has_model_permission(user, queryset.model, "view") else queryset.none()
            )
        if self.kind == self.NOBODY or not user.is_active:
            return queryset if user.is_active and user.is_superuser else queryset.none()
        if self.grants and hasattr(queryset, "visible_to"):
            # The units themselves: one lookup of the grants, no list of ids.
            return queryset.visible_to(user)
        scope = unit_scope(user)
        if self.kind == self.UNIT:
            return queryset.filter(scope.visible_q(self.path, self.wide))
        if scope.all_visible:
            return queryset
        return queryset.filter(**{f"{self.path}__in": scope.visible_organisations()})

    def editable(self, user, queryset):
        """The rows of `queryset` the user may change (model permissions aside)."""
        if self.kind in (self.SHARED, self.SITE):
            return queryset
        if self.kind == self.USER:
            return queryset.filter(**{self.path: user.pk})
        if self.kind == self.NOBODY or not user.is_active:
            return queryset if user.is_active and user.is_superuser else queryset.none()
        if self.grants and hasattr(queryset, "editable_by"):
            return queryset.editable_by(user)
        scope = unit_scope(user)
        if self.kind == self.UNIT:
            return queryset.filter(scope.editable_q(self.path))
        if scope.all_editable:
            return queryset
        queryset = queryset.filter(**{f"{self.path}__in": scope.editable_organisations()})
        if self.placed:
            for model, field, owner in placements(queryset.model):
                rows = model._base_manager.filter(
                    scope.outside_q(owner.path), **{field: OuterRef("pk")}
                )
                queryset = queryset.exclude(Exists(rows))
        return queryset

    def can_view(self, user, obj=None):
        """May the user see `obj` (None: any row at all, e.g. the list)?"""
        if self.kind == self.NOBODY:
            return user.is_active and user.is_superuser
        if self.kind == self.SITE:
            return has_model_permission(user, type(obj), "view") if obj is not None else True
        if self.kind == self.USER:
            return obj is None or self.owner_id(obj) == user.pk
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
        if self.kind in (self.SHARED, self.SITE):
            return True
        if self.kind == self.USER:
            return obj is None or self.owner_id(obj) == user.pk
        scope = unit_scope(user)
        if obj is None:
            return scope.edits_anything
        owner_id = self.owner_id(obj)
        if self.kind == self.UNIT:
            return scope.can_edit(owner_id)
        return scope.all_editable or owner_id in scope.editable_organisation_ids


def has_model_permission(user, model, action):
    """The group-given model permission for `action` on `model` (view: view or change)."""
    opts = model._meta

    def perm(name):
        return f"{opts.app_label}.{get_permission_codename(name, opts)}"

    if user.has_perm(perm(action)):
        return True
    return action == "view" and user.has_perm(perm("change"))


def ownership_of(model):
    """The model's declared Ownership; NOBODY (superusers only) when it declares none."""
    return getattr(model, "ownership", None) or NOBODY


def placements(model):
    """(model, field, ownership) of each unit-owned model whose foreign key points to `model`.

    Found from the models' own declarations, so that organisation needs to
    know nothing of the apps above it that place people at units.
    """
    for relation in model._meta.related_objects:
        owner = getattr(relation.related_model, "ownership", None)
        if owner is not None and owner.kind == Ownership.UNIT and not relation.many_to_many:
            yield relation.related_model, relation.field.name, owner


def restrict(queryset, user, action="view"):
    """`Model.objects.restrict` for any queryset: of a model, or of its history.

    A history row is owned as its object was when the row was written: an
    assignment that moved in from another huvudman keeps its past there.
    """
    model = getattr(queryset.model, "instance_type", queryset.model)  # simple_history
    owner = ownership_of(model)
    if model is queryset.model:
        return owner.restrict(user, action, queryset)
    # History: the versions the user may see, of rows the user may still see
    # (or that are gone): a row that moved to another huvudman takes its
    # history with it, and its id is not shown where it went from.
    pk = model._meta.pk.attname
    versions = replace(owner, path=pk) if owner.path == "pk" else owner
    queryset = versions.restrict(user, action, queryset, model=model)
    if owner.kind in (Ownership.UNIT, Ownership.HUVUDMAN) and not unit_scope(user).all_visible:
        rows = model._base_manager.filter(pk=OuterRef(pk))
        queryset = queryset.filter(~Exists(rows) | Exists(owner.visible(user, rows)))
    return queryset


def allows(user, action, obj):
    """May the user see, change or delete this row (its model's Ownership)?"""
    return ownership_of(type(obj)).allows(user, action, obj)


def by_unit(path="unit", wide=""):
    return Ownership(Ownership.UNIT, path, wide)


def by_huvudman(path="organisation", placed=False):
    return Ownership(Ownership.HUVUDMAN, path, placed=placed)


SHARED = Ownership(Ownership.SHARED)
# A user's own rows (API keys): owning them is the permission, no group needed.
OWN_ROWS = Ownership(Ownership.USER, "user", grants=True)
SITE_WIDE = Ownership(Ownership.SITE)
# The owners themselves: a unit's grants are its permissions (view_unit to
# read, manage_unit to change its rows), and a huvudman's rows are changed by
# whoever may change one of its units. Changing the unit or huvudman record
# itself is for the model permission in admin.
UNITS = Ownership(Ownership.UNIT, "pk", grants=True)
ORGANISATIONS = Ownership(Ownership.HUVUDMAN, "pk", grants=True)
# An organisation-wide appointment (no unit) belongs to its person's huvudman.
APPOINTMENTS = by_unit(wide="person__organisation")
# A person is their huvudman's; changed only by those who may change every
# row that places them at a unit (appointments, assignments, …).
PEOPLE = by_huvudman(placed=True)
NOBODY = Ownership(Ownership.NOBODY)
