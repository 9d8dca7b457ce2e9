"""Reads about the organisation: which units and people a user may see or edit."""

from dataclasses import dataclass
from functools import cached_property

from django.db import models
from guardian.shortcuts import get_objects_for_user

VIEW_UNIT = "organisation.view_unit"
MANAGE_UNIT = "organisation.manage_unit"


def sees_all_units(user):
    """Whether the user reads every unit (superusers, administratörer, organisation-wide readers).

    Their queries need no list of unit ids at all: at 10,000 units such a
    list made every lookup scan the whole table.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.has_perm(VIEW_UNIT) or user.has_perm(MANAGE_UNIT)


class UnitQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Units whose blueprint the user may read.

        A model-level view_unit or manage_unit (superusers, administratörer,
        organisation-wide readers) shows every unit; otherwise only units
        granted one of them per object with django-guardian.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if sees_all_units(user):
            return self
        return self & get_objects_for_user(
            user,
            [VIEW_UNIT, MANAGE_UNIT],
            klass=self.model,
            any_perm=True,
            accept_global_perms=False,
        )

    def editable_by(self, user):
        """Units whose assignments, people and positions the user may change."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.has_perm(MANAGE_UNIT):
            return self
        return self & get_objects_for_user(
            user, MANAGE_UNIT, klass=self.model, accept_global_perms=False
        )


@dataclass(frozen=True)
class UnitScope:
    """Where a user may read and write, computed once per request.

    `all_visible`/`all_editable` mean every unit and the organisation-wide
    rows (unit empty); otherwise the id sets list the granted units. Admin
    pages ask this for every row, so it must not query per row.
    """

    all_visible: bool
    all_editable: bool
    visible_ids: frozenset
    editable_ids: frozenset

    def can_view(self, unit_id):
        # Organisation-wide rows (no unit) are shared reading for everyone
        # who may see any unit.
        if self.all_visible:
            return True
        return unit_id in self.visible_ids if unit_id else bool(self.visible_ids)

    def can_edit(self, unit_id):
        # Only organisation-wide managers change organisation-wide rows.
        if self.all_editable:
            return True
        return bool(unit_id) and unit_id in self.editable_ids

    @cached_property
    def visible_organisation_ids(self):
        """The huvudmän of the units the user may see (one query, asked once per request)."""
        return self._organisation_ids(self.visible_ids)

    @cached_property
    def editable_organisation_ids(self):
        return self._organisation_ids(self.editable_ids)

    @staticmethod
    def _organisation_ids(unit_ids):
        from organisation.models import Unit

        if not unit_ids:
            return frozenset()
        return frozenset(
            Unit.objects.filter(pk__in=unit_ids).values_list("organisation", flat=True)
        )

    @property
    def edits_anything(self):
        return self.all_editable or bool(self.editable_ids)

    def visible_q(self, field="unit", wide=""):
        """A Q for rows whose `field` (a unit foreign key) the user may see.

        Rows without a unit are organisation-wide. With `wide`, the lookup to
        their huvudman ("person__organisation"), only those of the huvudmän
        the user sees (or of none); without it every one.
        """
        if self.all_visible:
            return models.Q()
        organisation_wide = models.Q(**{f"{field}__isnull": True})
        if wide:
            organisation_wide &= models.Q(**{f"{wide}__in": self.visible_organisation_ids}) | (
                models.Q(**{f"{wide}__isnull": True})
            )
        return organisation_wide | models.Q(**{f"{field}__in": self.visible_ids})

    def outside_q(self, field="unit"):
        """A Q for rows placed outside the units the user may change, or organisation-wide."""
        return models.Q(**{f"{field}__isnull": True}) | ~models.Q(
            **{f"{field}__in": self.editable_ids}
        )

    def editable_q(self, field="unit"):
        """A Q for rows whose `field` (a unit foreign key) the user may change."""
        if self.all_editable:
            return models.Q()
        return models.Q(**{f"{field}__in": self.editable_ids})


_SCOPE_CACHE = "_digiansvar_unit_scope"


def unit_scope(user):
    """The UnitScope of a user, cached on the user object (one per request)."""
    cached = getattr(user, _SCOPE_CACHE, None)
    if cached is not None:
        return cached
    from organisation.models import Unit

    if not user.is_authenticated or not user.is_active:
        scope = UnitScope(False, False, frozenset(), frozenset())
    else:
        all_editable = user.is_superuser or user.has_perm(MANAGE_UNIT)
        all_visible = all_editable or user.has_perm(VIEW_UNIT)
        editable = (
            frozenset()
            if all_editable
            else frozenset(Unit.objects.editable_by(user).values_list("pk", flat=True))
        )
        visible = (
            frozenset()
            if all_visible
            else frozenset(Unit.objects.visible_to(user).values_list("pk", flat=True))
        )
        scope = UnitScope(all_visible, all_editable, visible, editable)
    setattr(user, _SCOPE_CACHE, scope)
    return scope


def people_visible_to(user):
    """People a user may see and pick: the staff of the huvudmän of their visible units.

    Picking a colleague for an assignment (an IT-strateg at huvudman level, a
    shared IT-pedagog) needs the whole staff list of the huvudman, so a rektor
    sees every person of their huvudman, but none of another huvudman.
    """
    from organisation.models import Person, Unit

    scope = unit_scope(user)
    if scope.all_visible:
        return Person.objects.all()
    organisations = Unit.objects.filter(pk__in=scope.visible_ids).values("organisation")
    return Person.objects.filter(organisation__in=organisations)


def people_editable_by(user):
    """People whose record a user may change or delete.

    A person belongs to the units where they hold positions. A rektor may
    edit people of their huvudman who hold positions only at their units (or
    none yet: someone they just added); a person who also works at another
    unit or organisation-wide is left to administrators. Apps above add the
    rows of their own that place a person.
    """
    from organisation.models import Appointment, Person, Unit

    scope = unit_scope(user)
    if scope.all_editable:
        return Person.objects.all()
    organisations = Unit.objects.filter(pk__in=scope.editable_ids).values("organisation")
    return Person.objects.filter(organisation__in=organisations).exclude(
        models.Exists(Appointment.objects.filter(scope.outside_q(), person=models.OuterRef("pk")))
    )
