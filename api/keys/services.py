"""API keys created and revoked: the only writes to ApiToken."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.utils import timezone

from api.models import ApiToken

# A key is `<prefix>.<secret>`: 8 hex digits to find the row, 43 characters of randomness.
SEPARATOR = "."
LIFETIMES = (30, 90, 365)  # days a new key may live


def token_hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def token_create(*, user, name, days, read_only=True):
    """A new key for `user`; returns (ApiToken, the key). The key is shown once: only its
    hash is stored."""
    while True:
        prefix = secrets.token_hex(4)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    key = f"{prefix}{SEPARATOR}{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        secret_hash=token_hash(key),
        read_only=read_only,
        expires=timezone.now() + timedelta(days=days),
    )
    return token, key


def token_revoke(*, token):
    """Revoke a key at once; it stays listed as revoked."""
    if token.revoked is None:
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])


def token_find(key):
    """The active ApiToken whose key this is (with its user), or None."""
    prefix, separator, _secret = key.partition(SEPARATOR)
    if not separator or not prefix:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(prefix=prefix, revoked__isnull=True, expires__gt=timezone.now())
        .first()
    )
    if token is None or not hmac.compare_digest(token.secret_hash, token_hash(key)):
        return None
    return token
