from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language

from accounts import views as accounts
from digiansvar.accessibility import accessibility_statement
from organisation.admin_base import view_on_site

# A SuspiciousOperation (digiansvar/bad_input.py refuses bad input with one)
# answers 400 with the site's page, rendered with the request.
handler400 = "digiansvar.errors.bad_request"

admin.site.site_header = "digiansvar"
admin.site.site_title = "digiansvar"

urlpatterns = [
    # One login page for the site and admin, with "Logga in med …" (accounts/views.py).
    path(f"{settings.ADMIN_PATH}login/", login_not_required(accounts.admin_login)),
    # "View on site" only for rows the user may see (organisation/admin_base.py).
    path(
        f"{settings.ADMIN_PATH}r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
    ),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("konto/login/", login_not_required(accounts.LoginView.as_view()), name="login"),
    # Ends the session, and the provider's too for a sign-in through it (POST only).
    path("konto/logout/", accounts.LogoutView.as_view(), name="logout"),
    # The user's own API keys (api/keys/views.py).
    path("konto/api-nycklar/", include("api.keys.urls")),
    path("konto/", include("django.contrib.auth.urls")),
    path(
        "oidc/authenticate/",
        login_not_required(accounts.SignInView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        login_not_required(accounts.CallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    # After a first sign-in that found an account with rights: its password, once.
    path("oidc/koppla/", accounts.account_connect, name="oidc_connect"),
    # The language switch also serves the login page.
    path(
        "i18n/setlang/",
        login_not_required(require_http_methods(["GET", "POST"])(set_language)),
        name="set_language",
    ),
    path("tillganglighet/", accessibility_statement, name="accessibility"),
    path("organisation/", include("organisation.urls")),
    path("granskning/", include("review.urls")),
    # The REST API, its OpenAPI document and its page (docs/api.md).
    path("api/", include("api.urls")),
    # SCIM 2.0 provisioning of people by the identity provider (docs/scim.md).
    path("scim/v2/", include("provisioning.urls")),
    path("", include("registry.urls")),
]
