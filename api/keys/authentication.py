"""API keys in the Authorization header, and the throttle per key."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, throttling

from api.keys.services import token_find

KEYWORDS = (b"bearer", b"token")


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <key>` (or `Token <key>`): the key's user, the key as request.auth.

    An unknown, expired or revoked key answers 401 alike: the answer does not
    tell which.
    """

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Ogiltig nyckel."))
        token = token_find(parts[1].decode("latin-1"))
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Ogiltig nyckel."))
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "En API-nyckel från sidan API-nycklar under ditt konto.",
        }


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """At most DIGIANSVAR_API_RATE requests per key (per user for a signed-in browser),
    counted in the cache: with DJANGO_CACHE_URL set, across every app server."""

    scope = "api"

    def get_rate(self):
        return settings.DIGIANSVAR_API_RATE

    def get_cache_key(self, request, view):
        token = request.auth
        if token is not None and hasattr(token, "prefix"):
            ident = f"key-{token.prefix}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
