"""The confirmation link in the e-mail: signed, expiring, for one assignment and its person,
usable once.

The token names the assignment, the person and role it named when the link was
made, and a random nonce; django.core.signing signs it with a timestamp, so it
cannot be forged or altered and stops working after
DIGIANSVAR_CONFIRMATION_LINK_DAYS. The nonce is stored when the link is used
(UsedConfirmationLink), so it works once.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "digiansvar:confirmation-link"


@dataclass(frozen=True)
class LinkClaim:
    """What a valid token says: the assignment, its person and role then, and the nonce."""

    assignment_id: int
    person_id: int
    role_id: int | None
    nonce: str


class LinkExpired(Exception):
    pass


def confirmation_token(*, assignment_id, person_id, role_id):
    """A new token for the person to confirm the assignment with this role."""
    signer = signing.TimestampSigner(salt=SALT)
    nonce = secrets.token_urlsafe(16)
    return signer.sign_object({"a": assignment_id, "p": person_id, "r": role_id, "n": nonce})


def confirmation_token_read(token):
    """The LinkClaim of a token; LinkExpired when it is too old, None when it is not ours."""
    signer = signing.TimestampSigner(salt=SALT)
    max_age = settings.DIGIANSVAR_CONFIRMATION_LINK_DAYS * 24 * 3600
    try:
        data = signer.unsign_object(token, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        return None
    try:
        return LinkClaim(int(data["a"]), int(data["p"]), data["r"], str(data["n"]))
    except (KeyError, TypeError, ValueError):
        return None
