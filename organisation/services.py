"""Writes about the organisation that span models: granting units to users."""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from organisation.queries import MANAGE_UNIT, VIEW_UNIT

# The groups that are granted per unit (created by a data migration), and the
# unit permission each grant gives.
GRANT_ROLES = {
    "rektor": MANAGE_UNIT,
    "läsare": VIEW_UNIT,
}


@transaction.atomic
def unit_grant(*, user, unit, role, revoke=False):
    """Let `user` act as `role` ("rektor" or "läsare") at `unit`; unit None = every unit.

    Adds the user to the role's group (model permissions: what), gives the
    unit permission with django-guardian (object permission: where) and makes
    the user staff so that admin opens for them. Granting twice changes nothing.
    With `revoke`, takes back the unit permission (the group membership stays).
    """
    if role not in GRANT_ROLES:
        raise ValidationError(
            _("Okänd roll ”%(role)s”: välj rektor eller läsare.") % {"role": role}
        )
    perm = GRANT_ROLES[role]
    if not revoke:
        user.groups.add(Group.objects.get(name=role))
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    if unit is None:
        app_label, codename = perm.split(".")
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        if revoke:
            user.user_permissions.remove(permission)
        else:
            user.user_permissions.add(permission)
    elif revoke:
        remove_perm(perm, user, unit)
    else:
        assign_perm(perm, user, unit)
