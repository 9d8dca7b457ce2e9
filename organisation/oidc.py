"""Sign-in with the organisation's identity provider over OpenID Connect (docs/oidc.md).

mozilla-django-oidc does the protocol: state, nonce and PKCE (S256) kept in
the session, the code exchanged at the token endpoint, the ID token's
signature checked against the provider's keys. This module adds what it
leaves to the site: the endpoints from the provider's discovery document
(whose issuer must be the configured one), the ID token's `iss` and `aud`,
who the signed-in person is and which rights the claims give
(organisation.services.provider_sign_in), and Swedish pages for a refused or
broken sign-in. Tokens are never logged.
"""

import logging
import re
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.http import urlencode as django_urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    OIDCLogoutView,
)

from organisation.models import SIGN_IN_FIELDS, ProviderAccount, Unit
from organisation.services import (
    GRANT_ROLES,
    ClaimTarget,
    SignInRefused,
    provider_link_confirm,
    provider_sign_in,
)

logger = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"
# How long a fetched discovery document is used before it is fetched again.
METADATA_SECONDS = 3600

# What the sign-in error page says, by reason (SignInRefused.reason), with its status.
FAILURES = {
    "refused": (
        403,
        _("Inloggningstjänsten godkände inte inloggningen."),
    ),
    "disabled": (
        403,
        _("Ditt konto i digiansvar är avstängt. Kontakta en administratör om det är fel."),
    ),
    "conflict": (
        403,
        _(
            "Personen i registret är redan kopplad till ett annat konto hos "
            "inloggningstjänsten. Kontakta en administratör."
        ),
    ),
    "expired": (
        400,
        _(
            "Inloggningen kunde inte slutföras: länken har redan använts eller "
            "inloggningen tog för lång tid. Försök igen."
        ),
    ),
    "invalid": (
        400,
        _("Svaret från inloggningstjänsten kunde inte godkännas. Försök igen."),
    ),
    "misconfigured": (
        502,
        _(
            "Inloggningstjänsten svarar inte som digiansvar är inställt för att lita på. "
            "Kontakta en administratör."
        ),
    ),
    "unavailable": (
        503,
        _("Inloggningstjänsten svarar inte just nu. Försök igen om en stund."),
    ),
}


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


# Rights from claims -------------------------------------------------------

UNIT_PLACEHOLDER = "{unit}"


@dataclass(frozen=True)
class RightsRule:
    """One entry of DIGIANSVAR_OIDC_RIGHTS_MAP: a claim value (pattern) and what it gives."""

    pattern: re.Pattern
    targets: tuple  # of (group, where); where is "", "*", a unit slug or "{unit}"


def rights_map_parse(text):
    """Read DIGIANSVAR_OIDC_RIGHTS_MAP: `value=group[@where][,group[@where]]` entries.

    Entries are separated by ";" or new lines. `where` is a unit slug, `*`
    for every unit, or `{unit}` for the unit slug that `{unit}` in the value
    matched: `rektor-{unit}=rektor@{unit}`. Only grant roles (rektor,
    läsare) take a `where`; other groups are plain memberships.
    Raises ImproperlyConfigured naming the entry that is wrong.
    """
    rules = []
    for entry in re.split(r"[;\n]", text or ""):
        entry = entry.strip()
        if not entry:
            continue
        value, sep, right_side = entry.partition("=")
        value = value.strip()
        if not sep or not value or not right_side.strip():
            raise ImproperlyConfigured(
                f"DIGIANSVAR_OIDC_RIGHTS_MAP: {entry!r} is not value=group[@unit]"
            )
        if value.count(UNIT_PLACEHOLDER) > 1:
            raise ImproperlyConfigured(
                f"DIGIANSVAR_OIDC_RIGHTS_MAP: {entry!r} has more than one {{unit}}"
            )
        targets = []
        for target in right_side.split(","):
            group, _at, where = target.strip().partition("@")
            group, where = group.strip(), where.strip()
            if not group:
                raise ImproperlyConfigured(f"DIGIANSVAR_OIDC_RIGHTS_MAP: {entry!r} names no group")
            if where and group not in GRANT_ROLES:
                raise ImproperlyConfigured(
                    f"DIGIANSVAR_OIDC_RIGHTS_MAP: {entry!r}: only {', '.join(GRANT_ROLES)} "
                    "are granted at units"
                )
            if where == UNIT_PLACEHOLDER and UNIT_PLACEHOLDER not in value:
                raise ImproperlyConfigured(
                    f"DIGIANSVAR_OIDC_RIGHTS_MAP: {entry!r} uses @{{unit}} without {{unit}}"
                )
            targets.append((group, where))
        head, _placeholder, tail = value.partition(UNIT_PLACEHOLDER)
        regex = re.escape(head)
        if _placeholder:
            regex += r"(?P<unit>[-\w]+)" + re.escape(tail)
        rules.append(RightsRule(pattern=re.compile(regex), targets=tuple(targets)))
    return rules


def claim_values(claims, name):
    """The claim's values as a list of strings (a claim may be one string or a list)."""
    value = claims.get(name)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def claim_targets(values, rules):
    """The rights (ClaimTarget) that the claim values give under the rules.

    A unit slug no unit has gives nothing (a new school in the directory
    before it is in the register).
    """
    wanted = set()
    for value in values:
        for rule in rules:
            match = rule.pattern.fullmatch(value)
            if not match:
                continue
            for group, where in rule.targets:
                if where == UNIT_PLACEHOLDER:
                    where = match["unit"]
                wanted.add((group, where))
    slugs = {where for _group, where in wanted if where not in ("", "*")}
    units = {unit.slug: unit for unit in Unit.objects.filter(slug__in=slugs)}
    targets = []
    for group, where in sorted(wanted):
        if where == "*":
            targets.append(ClaimTarget(group=group, all_units=True))
        elif where:
            if where in units:
                targets.append(ClaimTarget(group=group, unit=units[where]))
        else:
            targets.append(ClaimTarget(group=group))
    return targets


# The protocol ---------------------------------------------------------------


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


def sign_in_failed(request, reason):
    status, message = FAILURES[reason]
    return render(
        request,
        "registration/sign_in_failed.html",
        {"message": message, "provider_name": settings.DIGIANSVAR_OIDC_PROVIDER_NAME},
        status=status,
    )


class SignInView(OIDCAuthenticationRequestView):
    """ "Logga in med …": state, nonce and PKCE into the session, then off to the provider."""

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)

    def get(self, request):
        if not oidc_enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_metadata()["authorization_endpoint"]
        except ProviderError as exc:
            logger.warning("OpenID Connect sign-in: %s", exc)
            return sign_in_failed(request, exc.reason)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the browser back here with a code, or an error."""

    def get(self, request):
        if not oidc_enabled():
            raise Http404
        state = request.GET.get("state")
        pending = request.session.get("oidc_states") or {}
        # RFC 9207: a provider that names itself in the response must be ours.
        if "iss" in request.GET and request.GET["iss"] != issuer():
            if state in pending:
                del request.session["oidc_states"][state]
                request.session.save()
            logger.warning("OpenID Connect sign-in: response from another issuer")
            return sign_in_failed(request, "invalid")
        if request.GET.get("error"):
            # The provider refused, or a link on another site says so: the state
            # is spent, and a session already signed in stays signed in.
            if state in pending:
                del request.session["oidc_states"][state]
                request.session.save()
            logger.info("OpenID Connect sign-in: the provider answered with an error")
            return sign_in_failed(request, "refused")
        if not request.GET.get("code") or state not in pending:
            # Unknown state: replayed, from another browser, or forged.
            return sign_in_failed(request, "expired")
        try:
            return super().get(request)
        except SignInRefused as exc:
            return sign_in_failed(request, exc.reason)
        except SuspiciousOperation as exc:
            # Our messages and the library's name what failed, never a token.
            logger.warning("OpenID Connect sign-in refused: %s", exc)
            return sign_in_failed(request, "invalid")
        except requests.RequestException as exc:
            # The class only: an error response's body is in the message.
            logger.warning("OpenID Connect sign-in refused: %s", type(exc).__name__)
            return sign_in_failed(request, "invalid")

    def login_failure(self):
        return sign_in_failed(self.request, "refused")

    def login_success(self):
        response = super().login_success()
        if link_awaiting_password(self.user) is not None:
            # "Koppla ditt befintliga konto" first, then where the person was going.
            query = django_urlencode({"next": response.url})
            return redirect(f"{reverse('oidc_connect')}?{query}")
        return response


def link_awaiting_password(user):
    """The user's provider account whose pending link its person's password may confirm.

    Offered while password login is on, for a person whose account has a
    password; otherwise an administrator confirms the link.
    """
    if not local_login_enabled():
        return None
    account = (
        ProviderAccount.objects.select_related("pending_person__user")
        .filter(user=user, issuer=issuer(), pending_person__user__isnull=False)
        .first()
    )
    if account and account.pending_person.user.has_usable_password():
        return account
    return None


@require_http_methods(["GET", "POST"])
def account_connect(request):
    """Connect the account a first sign-in found, by its password entered once (POST).

    Reached after a sign-in that matched a person whose account holds rights:
    the session is the new user made for the provider account, and the
    password proves that the person at the provider also owns the account.
    Through authenticate(), so django-axes counts wrong passwords with the
    login page's and locks both.
    """
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = resolve_url(settings.LOGIN_REDIRECT_URL)
    account = link_awaiting_password(request.user)
    if account is None:
        return redirect(next_url)
    existing = account.pending_person.user
    wrong = False
    if request.method == "POST":
        user = auth.authenticate(
            request, username=existing.get_username(), password=request.POST.get("password", "")
        )
        if user is not None and user.pk == existing.pk:
            provider_link_confirm(account=account, by=user)
            # Logging in as another user empties the session: keep the logout hint.
            id_token = request.session.get("oidc_id_token")
            auth.login(request, user, backend="organisation.oidc.OIDCBackend")
            if id_token:
                request.session["oidc_id_token"] = id_token
            return redirect(next_url)
        wrong = True
    return render(
        request,
        "registration/connect_account.html",
        {
            "existing": existing,
            "wrong": wrong,
            "next": next_url,
            "provider_name": settings.DIGIANSVAR_OIDC_PROVIDER_NAME,
        },
        status=400 if wrong else 200,
    )


class LogoutView(OIDCLogoutView):
    """Logging out, by POST only: a link or an image on another site logs nobody out."""

    http_method_names = ["post"]


def provider_logout_url(request):
    """Where logging out sends the browser: the provider's end_session_endpoint, if any.

    Called by the logout view before the session ends; only for sessions
    signed in through the provider.
    """
    local = resolve_url(settings.LOGOUT_REDIRECT_URL)
    id_token = request.session.get("oidc_id_token")
    if not id_token or not oidc_enabled():
        return local
    try:
        end_session = provider_metadata().get("end_session_endpoint")
    except ProviderError:
        return local
    if not end_session:
        return local
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(local),
        }
    )
    return f"{end_session}{'&' if '?' in end_session else '?'}{query}"


class LoginView(auth_views.LoginView):
    """The login page: "Logga in med …" when configured, the password form while allowed."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            oidc_enabled=oidc_enabled(),
            local_login=local_login_enabled(),
            provider_name=settings.DIGIANSVAR_OIDC_PROVIDER_NAME,
        )
        return context

    def post(self, request, *args, **kwargs):
        if not local_login_enabled():
            return render(
                request,
                "registration/sign_in_failed.html",
                {
                    "message": _("Inloggning med lösenord är avstängd."),
                    "provider_name": settings.DIGIANSVAR_OIDC_PROVIDER_NAME,
                },
                status=403,
            )
        return super().post(request, *args, **kwargs)


def admin_login(request):
    """Admin's login is the site's login page (one place, with "Logga in med …")."""
    url = reverse("login")
    if request.GET.get("next"):
        url += "?" + django_urlencode({"next": request.GET["next"]})
    return redirect(url)


def configuration_check(app_configs=None, **kwargs):
    """System check: the sign-in settings make sense (run by `manage.py check`)."""
    problems = []
    if settings.DIGIANSVAR_OIDC_PERSON_FIELD not in SIGN_IN_FIELDS:
        problems.append(
            checks.Error(
                "DIGIANSVAR_OIDC_PERSON_FIELD must be email or employee_number.",
                id="organisation.E001",
            )
        )
    try:
        rights_map_parse(settings.DIGIANSVAR_OIDC_RIGHTS_MAP)
    except ImproperlyConfigured as exc:
        problems.append(checks.Error(str(exc), id="organisation.E002"))
    if settings.DIGIANSVAR_OIDC_ISSUER and not (
        settings.OIDC_RP_CLIENT_ID and settings.OIDC_RP_CLIENT_SECRET
    ):
        problems.append(
            checks.Error(
                "DIGIANSVAR_OIDC_ISSUER is set: set DIGIANSVAR_OIDC_CLIENT_ID and "
                "DIGIANSVAR_OIDC_CLIENT_SECRET too.",
                id="organisation.E003",
            )
        )
    if not settings.DIGIANSVAR_LOCAL_LOGIN and not oidc_enabled():
        problems.append(
            checks.Warning(
                "DIGIANSVAR_LOCAL_LOGIN=0 without a configured identity provider: "
                "password login stays on.",
                id="organisation.W001",
            )
        )
    return problems
