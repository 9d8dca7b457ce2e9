"""Signing in through the identity provider: who the person is, the rights its claims give,
and confirming a link that waits (docs/oidc.md)."""

import hashlib
import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ClaimGrant, ProviderAccount
from organisation.models import Person, Unit, UnitUserObjectPermission
from organisation.services import GRANT_ROLES, unit_grant

logger = logging.getLogger(__name__)


class SignInRefused(Exception):
    """A sign-in through the identity provider that must not go through; `reason` names why."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ClaimTarget:
    """A right the claims ask for: a group, and for a grant role, where (a unit, or every unit)."""

    group: str
    unit: Unit | None = None
    all_units: bool = False


# Who may confirm a pending link for someone else's account.
CONFIRM_LINK = "accounts.change_provideraccount"


@transaction.atomic
def provider_sign_in(*, issuer, claims, person_field, person_claim, verified_claim, targets):
    """The user a verified sign-in at `issuer` stands for, with the rights its claims give.

    Found by the provider's subject (`sub`) alone. At the first sign-in, the
    Person whose `person_field` ("email" or "employee_number") equals the
    `person_claim` claim is this user's only when the provider vouches for
    the claim (`verified_claim` is JSON true; empty: the claim is trusted as
    sent); their account is taken only if it holds no rights. Otherwise a new
    user is made, which waits to be linked to that person ("väntar på
    koppling"), until an administrator or the account's password confirms it
    (provider_link_confirm). The fields compared are changed by
    organisation-wide managers only (SIGN_IN_FIELDS). A user disabled in the
    register (is_active False), or whose person has left (Person.active False,
    set by provisioning), is refused and nothing changes.
    """
    subject = str(claims["sub"])
    account = (
        ProviderAccount.objects.select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    person = _person_for_claims(claims, person_field=person_field, person_claim=person_claim)
    verified = not verified_claim or claims.get(verified_claim) is True
    if person is not None and not person.active:
        # Deactivated by the provider's provisioning (docs/scim.md): they have left.
        raise SignInRefused("disabled")
    if account:
        user = account.user
        if not user.is_active or Person.objects.filter(user=user, active=False).exists():
            raise SignInRefused("disabled")
        account.last_sign_in = timezone.now()
        account.save(update_fields=["last_sign_in"])
    else:
        user, pending = _first_sign_in_user(
            issuer=issuer, subject=subject, claims=claims, person=person, verified=verified
        )
        account = ProviderAccount.objects.create(
            user=user,
            issuer=issuer,
            subject=subject,
            pending_person=pending,
            last_sign_in=timezone.now(),
        )
    if (
        verified
        and person
        and person.user_id is None
        and account.pending_person_id is None
        and not Person.objects.filter(user=user).exists()
    ):
        person.user = user
        person.save(update_fields=["user"])
    _user_update_from_claims(user, claims)
    claim_rights_sync(user=user, targets=targets)
    return user


def _first_sign_in_user(*, issuer, subject, claims, person, verified):
    """(user, person the new user waits to be linked to) for a subject never seen before."""
    if person is None:
        return _user_create_from_claims(claims, subject), None
    existing = person.user
    if existing is not None and not existing.is_active:
        raise SignInRefused("disabled")
    if verified:
        if existing is None:
            return _user_create_from_claims(claims, subject), None  # linked to the person
        if existing.provider_accounts.filter(issuer=issuer).exists():
            # The register's person already signs in as another subject.
            raise SignInRefused("conflict")
        if not holds_rights(existing):
            return existing, None
    return _user_create_from_claims(claims, subject), person


def holds_rights(user):
    """Staff, superuser, a group, a model permission or a unit grant: more than a plain login."""
    return (
        user.is_staff
        or user.is_superuser
        or user.groups.exists()
        or user.user_permissions.exists()
        or UnitUserObjectPermission.objects.filter(user=user).exists()
    )


@transaction.atomic
def provider_link_confirm(*, account, by):
    """Confirm the link a provider account waits for ("väntar på koppling"); returns its user.

    `by` is an administrator (CONFIRM_LINK; a superuser for a link to a
    superuser's account) or the person's own account, whose password was just
    entered. If the person has an account, the provider account signs in as
    it from now on, and the user made at the first sign-in is switched off
    and loses the rights its claims gave; otherwise that user becomes the
    person's.
    """
    person = account.pending_person
    if person is None:
        raise ValidationError(_("Kontot väntar inte på någon koppling."))
    existing = person.user
    if by != existing and not by.has_perm(CONFIRM_LINK):
        raise PermissionDenied
    stand_in = account.user
    if existing is None:
        if Person.objects.filter(user=stand_in).exists():
            raise ValidationError(_("Kontot är redan kopplat till en annan person."))
        person.user = stand_in
        person.save(update_fields=["user"])
    elif existing != stand_in:
        if existing.is_superuser and not (by == existing or by.is_superuser):
            raise PermissionDenied
        if existing.provider_accounts.filter(issuer=account.issuer).exists():
            raise ValidationError(
                _("Personens konto är redan kopplat till ett annat konto hos inloggningstjänsten.")
            )
        account.user = existing
    account.pending_person = None
    account.save(update_fields=["user", "pending_person"])
    if account.user != stand_in:
        # The rights the provider's claims gave go with its account.
        claimed = _claim_targets_held(stand_in)
        claim_rights_sync(user=stand_in, targets=[])
        claim_rights_sync(user=account.user, targets=claimed)
        if not stand_in.provider_accounts.exists():
            stand_in.is_active = False
            stand_in.save(update_fields=["is_active"])
    logger.info(
        "Provider account %s linked to user %s, confirmed by user %s",
        account.pk,
        account.user_id,
        by.pk,
    )
    return account.user


def _claim_targets_held(user):
    """The rights claims gave the user (their ClaimGrant rows), as the targets that give them."""
    targets = []
    for grant in user.claim_grants.select_related("group", "unit"):
        if grant.kind == ClaimGrant.Kind.UNIT:
            targets.append(ClaimTarget(group=grant.group.name, unit=grant.unit))
        elif grant.kind == ClaimGrant.Kind.ALL_UNITS:
            targets.append(ClaimTarget(group=grant.group.name, all_units=True))
        elif grant.kind == ClaimGrant.Kind.GROUP:
            targets.append(ClaimTarget(group=grant.group.name))
    return targets


def _person_for_claims(claims, *, person_field, person_claim):
    """The one person whose field equals the claim, or None (no claim, nobody, or two people)."""
    value = claims.get(person_claim)
    if not isinstance(value, str) or not value.strip():
        return None
    if person_field == "email":
        people = Person.objects.filter(email__iexact=value.strip())
    else:
        people = Person.objects.filter(employee_number=value.strip())
    people = list(people.select_related("user")[:2])
    # Two people with one address (two huvudmän): linking either would be a guess.
    return people[0] if len(people) == 1 else None


def _user_create_from_claims(claims, subject):
    User = get_user_model()
    base = str(claims.get("preferred_username") or claims.get("email") or subject)[:140]
    username = base
    if User.objects.filter(username=username).exists():
        username = f"{base[:130]}-{hashlib.sha256(subject.encode()).hexdigest()[:8]}"
    # No password: this account signs in through the provider only.
    return User.objects.create_user(username, password=None)


def _user_update_from_claims(user, claims):
    changed = []
    for field_name, claim in (
        ("email", "email"),
        ("first_name", "given_name"),
        ("last_name", "family_name"),
    ):
        value = claims.get(claim)
        if isinstance(value, str) and value and getattr(user, field_name) != value:
            setattr(user, field_name, value[:150])
            changed.append(field_name)
    if changed:
        user.save(update_fields=changed)


def _claim_rights(targets):
    """The parts of each target as ClaimGrant keys: (kind, group id, unit id)."""
    names = {target.group for target in targets}
    groups = {group.name: group for group in Group.objects.filter(name__in=names)}
    rights = set()
    for target in targets:
        group = groups.get(target.group)
        if group is None:
            logger.warning(
                "DIGIANSVAR_OIDC_RIGHTS_MAP names group %r, which does not exist", target.group
            )
            continue
        rights.add((ClaimGrant.Kind.GROUP, group.pk, None))
        rights.add((ClaimGrant.Kind.STAFF, None, None))
        if target.group in GRANT_ROLES and target.all_units:
            rights.add((ClaimGrant.Kind.ALL_UNITS, group.pk, None))
        elif target.group in GRANT_ROLES and target.unit is not None:
            rights.add((ClaimGrant.Kind.UNIT, group.pk, target.unit.pk))
    return rights


def _grant_permissions():
    """{group name: Permission} for the grant roles, in one query."""
    codenames = {perm.split(".")[1]: role for role, perm in GRANT_ROLES.items()}
    permissions = Permission.objects.filter(
        content_type__app_label="organisation", codename__in=codenames
    )
    return {codenames[permission.codename]: permission for permission in permissions}


@dataclass
class _Held:
    """What a user holds now, read in three queries, to tell which claimed rights are new."""

    staff: bool
    group_ids: set
    permission_ids: set
    unit_permissions: set  # of (permission id, unit id)

    @classmethod
    def of(cls, user):
        return cls(
            staff=user.is_staff,
            group_ids=set(user.groups.values_list("pk", flat=True)),
            permission_ids=set(user.user_permissions.values_list("pk", flat=True)),
            unit_permissions=set(
                UnitUserObjectPermission.objects.filter(user=user).values_list(
                    "permission_id", "content_object_id"
                )
            ),
        )

    def has(self, kind, group_id, unit_id, permission):
        if kind == ClaimGrant.Kind.STAFF:
            return self.staff
        if kind == ClaimGrant.Kind.GROUP:
            return group_id in self.group_ids
        if kind == ClaimGrant.Kind.ALL_UNITS:
            return permission.pk in self.permission_ids
        return (permission.pk, unit_id) in self.unit_permissions

    def rests_on(self, permission):
        """Does any unit right (everywhere or at a unit) use this grant permission?"""
        return permission.pk in self.permission_ids or any(
            permission_id == permission.pk for permission_id, _unit in self.unit_permissions
        )


REVOKE_ORDER = [
    ClaimGrant.Kind.UNIT,
    ClaimGrant.Kind.ALL_UNITS,
    ClaimGrant.Kind.GROUP,
    ClaimGrant.Kind.STAFF,
]


@transaction.atomic
def claim_rights_sync(*, user, targets):
    """Make the rights that came from claims exactly those `targets` give.

    Rights the claims no longer give are taken back; rights they give that
    the user lacks are granted and recorded (ClaimGrant). Rights the user had
    already, granted by hand, are left alone and never recorded, so they
    survive when the claim goes. Returns (granted, revoked) counts.
    """
    wanted = _claim_rights(targets)
    recorded = {(row.kind, row.group_id, row.unit_id): row for row in user.claim_grants.all()}
    groups = Group.objects.in_bulk(
        {group_id for _kind, group_id, _unit in wanted | recorded.keys()} - {None}
    )
    unit_ids = {unit_id for _kind, _group, unit_id in wanted | recorded.keys() if unit_id}
    units = Unit.objects.in_bulk(unit_ids)
    permissions = _grant_permissions()

    def permission_of(group_id):
        """The unit permission a grant-role group gives (None for other groups)."""
        group = groups.get(group_id)
        return permissions.get(group.name) if group else None

    # Unit permissions first: whether a group membership can go depends on them.
    gone = sorted(recorded.keys() - wanted, key=lambda key: REVOKE_ORDER.index(key[0]))
    for kind, group_id, unit_id in gone:
        group = groups.get(group_id)
        if kind == ClaimGrant.Kind.UNIT:
            unit_grant(user=user, unit=units[unit_id], role=group.name, revoke=True)
        elif kind == ClaimGrant.Kind.ALL_UNITS:
            unit_grant(user=user, unit=None, role=group.name, revoke=True)
        elif kind == ClaimGrant.Kind.GROUP:
            # Kept while a right granted by hand still needs the group's model permissions.
            permission = permission_of(group_id)
            if not (permission and _Held.of(user).rests_on(permission)):
                user.groups.remove(group)
        elif kind == ClaimGrant.Kind.STAFF and not (user.is_superuser or user.groups.exists()):
            user.is_staff = False
            user.save(update_fields=["is_staff"])
    if gone:
        ClaimGrant.objects.filter(pk__in=[recorded[key].pk for key in gone]).delete()

    # Decide what is missing before granting: unit_grant adds group and staff too.
    held = _Held.of(user)
    missing = [
        (kind, group_id, unit_id)
        for kind, group_id, unit_id in wanted - recorded.keys()
        if not held.has(kind, group_id, unit_id, permission_of(group_id))
    ]
    for kind, group_id, unit_id in missing:
        group = groups.get(group_id)
        if kind == ClaimGrant.Kind.UNIT:
            unit_grant(user=user, unit=units[unit_id], role=group.name)
        elif kind == ClaimGrant.Kind.ALL_UNITS:
            unit_grant(user=user, unit=None, role=group.name)
        elif kind == ClaimGrant.Kind.GROUP:
            user.groups.add(group)
        elif kind == ClaimGrant.Kind.STAFF and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    ClaimGrant.objects.bulk_create(
        ClaimGrant(user=user, kind=kind, group_id=group_id, unit_id=unit_id)
        for kind, group_id, unit_id in missing
    )
    return len(missing), len(gone)
