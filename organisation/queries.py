"""Reads about the organisation: which units a user may see or edit, who to ask first."""

from django.db import models
from guardian.shortcuts import get_objects_for_user

VIEW_UNIT = "organisation.view_unit"
MANAGE_UNIT = "organisation.manage_unit"


class UnitQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Units whose blueprint the user may read.

        A model-level view_unit or manage_unit (superusers, administratörer,
        organisation-wide readers) shows every unit; otherwise only units
        granted one of them per object with django-guardian.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.has_perm(VIEW_UNIT) or user.has_perm(MANAGE_UNIT):
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


def first_line_contacts(unit):
    """The unit's hanteringsansvarig and IT-handledare appointments, first line first."""
    from organisation.models import Appointment, Position

    return (
        Appointment.objects.filter(
            unit=unit,
            position__code__in=[Position.Code.FIRST_LINE_CONTACT, Position.Code.IT_MENTOR],
        )
        .select_related("person", "position")
        .order_by("-position__code", "person__initials")
    )
