"""The configured identity provider: whether sign-in through it is on, and its endpoints.

The endpoints come from the issuer's discovery document, fetched once an hour,
whose `issuer` must be the configured one (docs/oidc.md).
"""

import threading
import time

import requests
from django.conf import settings

DISCOVERY_PATH = "/.well-known/openid-configuration"
# How long a fetched discovery document is used before it is fetched again.
METADATA_SECONDS = 3600


class ProviderError(Exception):
    """The provider's discovery document could not be fetched ("unavailable") or is wrong."""

    def __init__(self, message, reason="misconfigured"):
        super().__init__(message)
        self.reason = reason


def oidc_enabled():
    return bool(settings.DIGIANSVAR_OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID)


def local_login_enabled():
    """Password login; it can only be turned off while sign-in through the provider works."""
    return settings.DIGIANSVAR_LOCAL_LOGIN or not oidc_enabled()


def issuer():
    return settings.DIGIANSVAR_OIDC_ISSUER.rstrip("/")


_metadata = {}
_metadata_lock = threading.Lock()


def provider_metadata():
    """The provider's discovery document, fetched once an hour per issuer.

    Refused unless its `issuer` is exactly the configured one (OpenID Connect
    Discovery 1.0, section 4.3): a look-alike provider cannot stand in.
    """
    expected = issuer()
    with _metadata_lock:
        cached = _metadata.get(expected)
        if cached and cached[0] > time.monotonic():
            return cached[1]
    try:
        response = requests.get(expected + DISCOVERY_PATH, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        metadata = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderError(f"discovery failed: {type(exc).__name__}", "unavailable") from exc
    if metadata.get("issuer") != expected:
        raise ProviderError(
            f"discovery names issuer {metadata.get('issuer')!r}, configured {expected!r}"
        )
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not metadata.get(key):
            raise ProviderError(f"discovery lacks {key}")
    with _metadata_lock:
        _metadata[expected] = (time.monotonic() + METADATA_SECONDS, metadata)
    return metadata


def provider_metadata_forget():
    """Fetch the discovery document again at the next sign-in (tests, key rollover)."""
    with _metadata_lock:
        _metadata.clear()
