"""SCIM tokens created and found; people made, changed and deactivated by the provider."""

import hashlib
import hmac
import re
import secrets

from django.db import transaction
from django.utils import timezone

from organisation.models import Person
from provisioning.models import ScimToken

SEPARATOR = "."
# The reason on the history rows a provider writes.
CHANGE_REASON = "SCIM"


def token_hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def scim_token_key():
    """(prefix, token) for a new ScimToken: 8 hex digits to find it, 43 characters secret."""
    while True:
        prefix = secrets.token_hex(4)
        if not ScimToken.objects.filter(prefix=prefix).exists():
            return prefix, f"{prefix}{SEPARATOR}{secrets.token_urlsafe(32)}"


def scim_token_create(*, organisation, name):
    """A new token for `organisation`'s provider; returns (ScimToken, the token), shown once."""
    prefix, key = scim_token_key()
    token = ScimToken.objects.create(
        organisation=organisation, name=name, prefix=prefix, secret_hash=token_hash(key)
    )
    return token, key


def scim_token_find(key):
    """The unrevoked ScimToken whose token this is, or None."""
    prefix, separator, _secret = key.partition(SEPARATOR)
    if not separator or not prefix:
        return None
    token = (
        ScimToken.objects.select_related("organisation")
        .filter(prefix=prefix, revoked__isnull=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.secret_hash, token_hash(key)):
        return None
    return token


def provisioned_people(organisation_id):
    """The people a provider of `organisation_id` sees: its huvudman's, provisioned (a
    userName). Everything the SCIM views read goes through this."""
    return Person.objects.filter(organisation_id=organisation_id).exclude(user_name="")


def initials_for(*, organisation_id, name, user_name):
    """Initials for a new person: the name's first letters ("Anna Westin" → "A.W"), or the
    userName's local part, with a number added when the huvudman already has them."""
    words = re.findall(r"\w+", name)
    base = ".".join(word[0].upper() for word in words[:3]) if words else ""
    if not base:
        base = re.sub(r"[\s;,]", "", user_name.split("@")[0])[:12] or "SCIM"
    taken = set(
        Person.objects.filter(
            organisation_id=organisation_id, initials__startswith=base
        ).values_list("initials", flat=True)
    )
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}{number}"
    return candidate


def person_adopt(*, organisation_id, email, employee_number):
    """A person of the huvudman the provider has not provisioned yet, with this e-mail or
    employee number: the register's own row, taken over rather than duplicated."""
    people = Person.objects.filter(organisation_id=organisation_id, user_name="")
    if employee_number:
        found = people.filter(employee_number=employee_number).first()
        if found:
            return found
    if email:
        return people.filter(email__iexact=email).order_by("pk").first()
    return None


@transaction.atomic
def person_save(*, person, active=None):
    """Save a person the provider changed; `active` False: they have left (their account is
    switched off, their history kept), True: back again."""
    if person._state.adding and not person.initials:
        person.initials = initials_for(
            organisation_id=person.organisation_id, name=person.name, user_name=person.user_name
        )
    if active is not None and active != person.active:
        person.active = active
        person.left_at = None if active else timezone.now()
        if person.user_id is not None and person.user.is_active != active:
            person.user.is_active = active
            person.user.save(update_fields=["is_active"])
    person.full_clean(exclude=["user"])
    person._change_reason = CHANGE_REASON
    person.save()
    return person


@transaction.atomic
def person_deprovision(*, person):
    """SCIM DELETE: the person leaves (as `active: false`) and is no longer the provider's
    (its userName and externalId cleared); the row, its history and its assignments stay."""
    person.user_name = ""
    person.external_id = ""
    return person_save(person=person, active=False)
