"""The sign-in pages: login, "Logga in med …", the provider's callback, connecting an
existing account, logout, and Swedish pages for a refused or broken sign-in (docs/oidc.md).

mozilla-django-oidc's views keep state, nonce and PKCE (S256) in the session;
these add the checks of the callback and where each answer goes.
"""

import logging
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.http import urlencode as django_urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import View
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    OIDCLogoutView,
)

from accounts.models import ProviderAccount
from accounts.provider import (
    ProviderError,
    issuer,
    local_login_enabled,
    oidc_enabled,
    provider_metadata,
)
from accounts.services import SignInRefused, provider_link_confirm

logger = logging.getLogger(__name__)

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
            auth.login(request, user, backend="accounts.backend.OIDCBackend")
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

    # A form: shown by GET, sent by POST (Django's form views would take PUT as POST).
    http_method_names = ["get", "post", "head", "options"]

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


@require_GET
def admin_login(request):
    """Admin's login is the site's login page (one place, with "Logga in med …")."""
    url = reverse("login")
    if request.GET.get("next"):
        url += "?" + django_urlencode({"next": request.GET["next"]})
    return redirect(url)
