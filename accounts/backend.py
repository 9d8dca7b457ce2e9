"""The authentication backend for sign-in through the identity provider (docs/oidc.md).

mozilla-django-oidc does the protocol: the code exchanged at the token
endpoint, the ID token's signature checked against the provider's keys, its
expiry and nonce. This backend adds the endpoints from the discovery document,
the ID token's `iss`, `aud` and `azp`, and who the signed-in person is with
the rights the claims give (services.provider_sign_in). Tokens are never logged.
"""

import logging

import jwt
from django.conf import settings
from django.contrib import auth
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.provider import ProviderError, issuer, oidc_enabled, provider_metadata
from accounts.rights_map import claim_targets, claim_values, rights_map_parse
from accounts.services import SignInRefused, provider_sign_in

logger = logging.getLogger(__name__)


class OIDCBackend(OIDCAuthenticationBackend):
    """Signs in through the configured provider; permissions are left to ModelBackend."""

    def __init__(self, *args, **kwargs):
        # Django builds a backend for every request of a signed-in user:
        # endpoints are looked up only when signing in (authenticate).
        self.UserModel = auth.get_user_model()

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a code verifier: a password login
        # whose URL happens to carry ?code=&state= never reaches the provider.
        if request is None or "code_verifier" not in kwargs or not oidc_enabled():
            return None
        try:
            metadata = provider_metadata()
        except ProviderError as exc:
            logger.warning("OpenID Connect sign-in: %s", exc)
            raise SignInRefused(exc.reason) from exc
        self.OIDC_OP_TOKEN_ENDPOINT = metadata["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = metadata.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = metadata["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, **kwargs)

    def retrieve_matching_jwk(self, token):
        # The library looks the key id up without asking whether there is one.
        if not isinstance(jwt.get_unverified_header(token).get("kid"), str):
            raise SuspiciousOperation("ID token without a key id (kid)")
        return super().retrieve_matching_jwk(token)

    def verify_token(self, token, **kwargs):
        """The signature, expiry and nonce (the library), then issuer and audience (here)."""
        try:
            payload = super().verify_token(token, **kwargs)
        except jwt.PyJWTError as exc:
            # Expired, malformed or no token at all: refused like any bad token.
            # The class only: the message may quote the token.
            raise SuspiciousOperation(f"ID token refused ({type(exc).__name__})") from None
        if payload.get("iss") != issuer():
            raise SuspiciousOperation("ID token from another issuer")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client")
        if len(audiences) > 1 and payload.get("azp") != settings.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token authorised for another client")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims with the userinfo endpoint's added (providers split them)."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = super().get_userinfo(access_token, id_token, payload)
            if userinfo.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("userinfo for another subject")
            claims.update(userinfo)
        return claims

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation("no subject in the claims")
        rules = rights_map_parse(settings.DIGIANSVAR_OIDC_RIGHTS_MAP)
        values = claim_values(claims, settings.DIGIANSVAR_OIDC_RIGHTS_CLAIM)
        return provider_sign_in(
            issuer=issuer(),
            claims=claims,
            person_field=settings.DIGIANSVAR_OIDC_PERSON_FIELD,
            person_claim=settings.DIGIANSVAR_OIDC_PERSON_CLAIM,
            verified_claim=settings.DIGIANSVAR_OIDC_PERSON_CLAIM_VERIFIED,
            targets=claim_targets(values, rules),
        )

    def get_user(self, user_id):
        # Unlike the library's, refuse a user disabled since signing in.
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None

    # Permissions are ModelBackend's and guardian's answer, not asked twice.
    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False

    def with_perm(self, perm, is_active=True, include_superusers=True, obj=None):
        return self.UserModel._default_manager.none()
