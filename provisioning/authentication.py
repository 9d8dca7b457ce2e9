"""The provider's bearer token, checked before every SCIM view (django-scim2's AUTH_CHECK)."""

from django.http import HttpResponse
from django_scim.middleware import SCIMAuthCheckMiddleware

from provisioning.services import scim_token_find


class ScimTokenCheck(SCIMAuthCheckMiddleware):
    """`Authorization: Bearer <token>`: the token's huvudman as request.scim_organisation;
    anything else answers 401 before the view runs (deny by default)."""

    def process_request(self, request):
        request.scim_organisation = None
        keyword, _space, key = request.headers.get("Authorization", "").partition(" ")
        token = scim_token_find(key.strip()) if keyword.lower() == "bearer" else None
        if token is None:
            response = HttpResponse(status=401)
            response["WWW-Authenticate"] = 'Bearer realm="scim"'
            return response
        request.scim_organisation = token.organisation
        return None
