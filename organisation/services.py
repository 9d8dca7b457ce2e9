"""Writes about the organisation that span models: granting units to users, creating a
principal's account."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from organisation.models import Person
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


@dataclass(frozen=True)
class AccountCreated:
    """A new account: the user, and its initial password ("" when a link was e-mailed)."""

    user: object
    password: str = ""


@transaction.atomic
def account_create(
    *, username, unit, role="rektor", person_initials="", email="", site_url=""
) -> AccountCreated:
    """Create `username`, link it to its Person and grant it `unit` as `role`, in one step.

    `person_initials` names the Person within the unit's huvudman (unit None:
    the one person with those initials); the account becomes that person's,
    so the register and the review checklist know who signs in. With
    `email`, the account gets that address and an e-mail with a link (under
    `site_url`) to choose its own password; without it, a generated initial
    password is returned, to be shown once. Raises ValidationError and
    writes nothing when the user exists, the person is not found or already
    has an account.
    """
    person = _person_by_initials(person_initials, unit) if person_initials else None
    if person is not None and person.user_id is not None:
        raise ValidationError(
            _("%(person)s är redan kopplad till användaren %(user)s.")
            % {"person": person.initials, "user": person.user.get_username()}
        )
    if email and not site_url:
        raise ValidationError(_("Ange webbplatsens adress för länken i e-postmeddelandet."))
    user = get_user_model()(username=username, email=email or (person.email if person else ""))
    password = "" if email else secrets.token_urlsafe(12)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    unit_grant(user=user, unit=unit, role=role)
    if person is not None:
        person.user = user
        person.save(update_fields=["user"])
    if email:
        _account_link_send(user=user, unit=unit, role=role, site_url=site_url)
    return AccountCreated(user=user, password=password)


def _person_by_initials(initials, unit):
    people = Person.objects.select_related("user").filter(initials=initials)
    if unit is not None:
        people = people.filter(organisation_id=unit.organisation_id)
    people = list(people[:2])
    if len(people) != 1:
        where = unit.organisation.name if unit is not None else _("någon huvudman")
        raise ValidationError(
            _("Ingen entydig person med initialerna %(initials)s hos %(where)s.")
            % {"initials": initials, "where": where}
        )
    return people[0]


def _account_link_send(*, user, unit, role, site_url):
    """E-mail the new user a link to Django's page for choosing a password."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    body = _(
        "Hej!\n\nDu har fått ett konto i digiansvar som %(role)s för %(where)s.\n"
        "Användarnamn: %(username)s\n\nVälj ditt lösenord här. Länken gäller i %(days)s "
        "dagar och kan användas en gång:\n%(link)s\n"
    ) % {
        "role": role,
        "where": unit.name if unit is not None else _("alla enheter"),
        "username": user.get_username(),
        "days": max(settings.PASSWORD_RESET_TIMEOUT // 86400, 1),
        "link": site_url.rstrip("/") + path,
    }
    send_mail(_("Ditt konto i digiansvar"), body, settings.DEFAULT_FROM_EMAIL, [user.email])
