"""Settings for digiansvar, read from the environment.

Every deployment-specific value comes from an environment variable; the README
lists them. Without DATABASE_URL the app uses an SQLite file under var/.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import django
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.log import DEFAULT_LOGGING
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [value.strip() for value in os.environ.get(name, default).split(",") if value.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

# Without a key outside DEBUG, commands that need none (makemigrations,
# compilemessages) still run; serving refuses to start (digiansvar/wsgi.py,
# asgi.py) and `manage.py check` reports it (digiansvar/checks.py).
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    # Only for development: DEBUG is on and no key was given.
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "digiansvar.apps.GuardianConfig",
    "import_export",
    "simple_history",
    "django_filters",
    # Security (issue 7): login throttling and the Content-Security-Policy header.
    "digiansvar.apps.AxesConfig",
    "csp",
    # The REST API (issue 22, docs/api.md): DRF, its OpenAPI document and Swagger UI served locally.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "organisation",
    "accounts",
    "registry",
    "review",
    "api",
    # People provisioned by the identity provider over SCIM 2.0 (issue 22, docs/scim.md).
    "provisioning",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages gzipped for browsers that accept it, with Django's random padding against BREACH
    # (the CSRF token is masked anew in every render); below whitenoise, which serves the
    # static files compressed already (docs/blueprint-pages.md#compression).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Swedish unless the language switch chose English; not the browser (digiansvar/language.py).
    "digiansvar.language.SiteLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Refuses with 400 what the database cannot store (a NUL byte) and
    # over-long query values, before the session is read (digiansvar/bad_input.py).
    "digiansvar.bad_input.BadInputMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Staff names are personal data: every page needs a login unless a view
    # is marked with @login_not_required (the login page itself).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "digiansvar.urls"

# A huvudman's, a unit's and a person's pages show the blueprint or coverage,
# so they belong to the register; the organisation app, below it, cannot name them.
ABSOLUTE_URL_OVERRIDES = {
    "organisation.organisation": lambda organisation: reverse(
        "registry:organisation_detail", args=[organisation.slug]
    ),
    "organisation.unit": lambda unit: reverse("registry:unit_detail", args=[unit.slug]),
    "organisation.person": lambda person: reverse("registry:person_detail", args=[person.initials]),
}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "digiansvar.wsgi.application"

DATA_DIR = Path(os.environ.get("DJANGO_DATA_DIR", BASE_DIR / "var"))
if not os.environ.get("DATABASE_URL"):
    # The embedded SQLite file lives here; a fresh clone has no var/ yet.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'digiansvar.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take SQLite's write lock when their transaction starts and wait
    # up to 20 s for it: two imports at once run one after the other instead
    # of one failing with "database is locked" half-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation (docs/deployment.md): the coverage report's
    # statements carry cost estimates that trigger it, and compiling took
    # 2-10 s for queries that run in 0.1-2 s. Sent as the libpq startup
    # parameter `options` (psycopg passes OPTIONS on to the connection), added
    # to whatever `options` DATABASE_URL gives unless that sets jit itself.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    if "jit" not in _options.get("options", ""):
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username/IP before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
    # Sign-in with the organisation's identity provider; inert until configured.
    "accounts.backend.OIDCBackend",
]
# No anonymous user row: the whole site requires a login.
ANONYMOUS_USER_NAME = None

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if env_bool("DJANGO_PLAIN_STATIC")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_AGE", str(8 * 60 * 60)))
# A shared staff-room computer should not stay logged in after the browser closes.
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("DJANGO_SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# HTTPS. On by default in production, off with DJANGO_DEBUG=1 so that
# `make run` works over plain http on 127.0.0.1; each can be overridden.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "same-origin"
# Behind a reverse proxy that terminates TLS: trust its X-Forwarded-Proto (the
# proxy must overwrite the header, never pass on the client's) and take the
# client's address for login throttling from X-Forwarded-For.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None

# Content-Security-Policy: only our own files; no inline script or style, so
# an injected <script> or style attribute does nothing. Django admin uses
# external files only (the inline style attributes of some third-party admin
# pages are dropped by the browser: cosmetic).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Sign-in with the organisation's identity provider over OpenID Connect
# (issue 15, docs/oidc.md): on when an issuer and a client id are set. The
# endpoints come from the issuer's discovery document.
DIGIANSVAR_OIDC_ISSUER = (
    os.environ.get("DIGIANSVAR_OIDC_ISSUER", "")
    .removesuffix("/.well-known/openid-configuration")
    .rstrip("/")
)
OIDC_RP_CLIENT_ID = os.environ.get("DIGIANSVAR_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("DIGIANSVAR_OIDC_CLIENT_SECRET", "")
OIDC_RP_SCOPES = os.environ.get("DIGIANSVAR_OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = os.environ.get("DIGIANSVAR_OIDC_SIGN_ALGO", "RS256")
# The button reads "Logga in med <name>".
DIGIANSVAR_OIDC_PROVIDER_NAME = os.environ.get(
    "DIGIANSVAR_OIDC_PROVIDER_NAME", "organisationens konto"
)
# The first sign-in links to the Person whose field (email or employee_number)
# equals this claim, when the provider vouches for it: the claim named by
# ..._VERIFIED (default "<claim>_verified", e.g. email_verified) is JSON true;
# empty trusts the claim as sent (one the directory's administrators set).
DIGIANSVAR_OIDC_PERSON_CLAIM = os.environ.get("DIGIANSVAR_OIDC_PERSON_CLAIM", "email")
DIGIANSVAR_OIDC_PERSON_FIELD = os.environ.get("DIGIANSVAR_OIDC_PERSON_FIELD", "email")
DIGIANSVAR_OIDC_PERSON_CLAIM_VERIFIED = os.environ.get(
    "DIGIANSVAR_OIDC_PERSON_CLAIM_VERIFIED", f"{DIGIANSVAR_OIDC_PERSON_CLAIM}_verified"
)
# The claim whose values give groups and unit grants, and how
# ("value=group[@unit]; ..."; accounts.rights_map.rights_map_parse).
DIGIANSVAR_OIDC_RIGHTS_CLAIM = os.environ.get("DIGIANSVAR_OIDC_RIGHTS_CLAIM", "groups")
DIGIANSVAR_OIDC_RIGHTS_MAP = os.environ.get("DIGIANSVAR_OIDC_RIGHTS_MAP", "")
# Password login (for administrators); may be turned off once the provider works.
DIGIANSVAR_LOCAL_LOGIN = env_bool("DIGIANSVAR_LOCAL_LOGIN", True)
# Safe by default: state, nonce and PKCE with S256; the ID token is kept in
# the session only to end the provider's session at logout.
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_STORE_ID_TOKEN = True
OIDC_STORE_ACCESS_TOKEN = False
OIDC_TOKEN_USE_BASIC_AUTH = True
OIDC_TIMEOUT = int(os.environ.get("DIGIANSVAR_OIDC_TIMEOUT", "10"))
OIDC_OP_LOGOUT_URL_METHOD = "accounts.views.provider_logout_url"
if DIGIANSVAR_OIDC_ISSUER:
    # Logging out posts a form that redirects to the provider's end-session page.
    _issuer = urlsplit(DIGIANSVAR_OIDC_ISSUER)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
        f"{_issuer.scheme}://{_issuer.netloc}"
    )

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for
# one username from one address, that pair is refused for the cool-off time.
# By username and address together, so a guesser cannot lock a colleague out
# from elsewhere; a successful login clears the count.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("DJANGO_LOGIN_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The proxy sets X-Forwarded-For to the client's address alone (overwriting
# whatever the client sent), so its one value is the address to count.
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if BEHIND_PROXY else ("REMOTE_ADDR",)
)

# One console handler, on the root logger. Django's default config gives the
# "django" logger a console handler of its own (shown with DEBUG) on top of
# root's: `make run` printed each of its lines twice. Here "django" keeps only
# its level and propagates to root (its mail_admins goes too: no ADMINS are
# set). Naming "django" resets its children, so
# "django.server" (runserver's request lines) gets Django's handler back.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"django.server": DEFAULT_LOGGING["formatters"]["django.server"]},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": DEFAULT_LOGGING["handlers"]["django.server"],
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO"},
        "django.server": DEFAULT_LOGGING["loggers"]["django.server"],
    },
}

# The admin can live at another path than /admin/ (less noise from scanners).
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin/").strip("/") + "/"

# Spreadsheet import (issue 5): largest accepted file, and where an uploaded
# file waits between preview and confirm: default storage (MEDIA_ROOT), not a
# local temp file, so the confirm may reach another worker.
DIGIANSVAR_IMPORT_MAX_BYTES = int(
    os.environ.get("DIGIANSVAR_IMPORT_MAX_BYTES", str(10 * 1024 * 1024))
)
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
# Importing people or roles in admin needs the model's change permission,
# exporting its view permission.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# Longest query string value (and name) a request may carry, in characters;
# longer ones are answered 400 (digiansvar/bad_input.py). Forms are not capped.
DIGIANSVAR_MAX_QUERY_VALUE_LENGTH = int(os.environ.get("DIGIANSVAR_MAX_QUERY_VALUE_LENGTH", "1000"))

# The accessibility statement's contact for reporting a problem (an e-mail
# address; `check --deploy` warns without it). Without it the statement gives
# the IT-enhet addresses of the service agreements, or else tells readers to
# ask their administrator. And within how many working days a report is answered.
DIGIANSVAR_ACCESSIBILITY_CONTACT = os.environ.get("DIGIANSVAR_ACCESSIBILITY_CONTACT", "")
DIGIANSVAR_ACCESSIBILITY_RESPONSE_DAYS = int(
    os.environ.get("DIGIANSVAR_ACCESSIBILITY_RESPONSE_DAYS", "5")
)

# Coverage report: people with more assignments than this are flagged as overloaded.
DIGIANSVAR_COVERAGE_MAX_ASSIGNMENTS = int(
    os.environ.get("DIGIANSVAR_COVERAGE_MAX_ASSIGNMENTS", "25")
)

# Responsibility e-mails and confirmation (docs/notifications.md): the site's
# address for the links in the e-mails (a management command has no request),
# how many days a confirmation link works, and after how many days an
# unconfirmed assignment is counted as old (the unit page, the review's checklist).
DIGIANSVAR_SITE_URL = os.environ.get("DIGIANSVAR_SITE_URL", "http://localhost:8000").rstrip("/")
DIGIANSVAR_CONFIRMATION_LINK_DAYS = int(os.environ.get("DIGIANSVAR_CONFIRMATION_LINK_DAYS", "14"))
DIGIANSVAR_CONFIRMATION_DAYS = int(os.environ.get("DIGIANSVAR_CONFIRMATION_DAYS", "14"))

# Cache (issue 7 follow-up): the blueprint pages cache their rendered matrix
# and their filter choices, keyed by a data version that every write changes
# (registry.data_version), so a per-process memory cache is correct: each worker
# fills its own. DJANGO_CACHE_URL=redis://host:6379/0 shares one cache
# between workers and app servers (docs/deployment.md); db://table uses the
# database (run `manage.py createcachetable` first; costs a query per lookup).
CACHE_URL = os.environ.get("DJANGO_CACHE_URL", "")
SHARED_CACHE = CACHE_URL.startswith(("redis://", "rediss://"))
if SHARED_CACHE:
    _cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
elif CACHE_URL.startswith("db://"):
    _cache = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": CACHE_URL.removeprefix("db://") or "digiansvar_cache",
    }
elif CACHE_URL in ("", "locmem://"):
    # A full poster is ~100 KB: 500 entries keep a worker under ~50 MB.
    _cache = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "digiansvar",
        "OPTIONS": {"MAX_ENTRIES": 500},
    }
else:
    raise ImproperlyConfigured(f"DJANGO_CACHE_URL: unknown scheme in {CACHE_URL!r}")
CACHES = {"default": _cache}
# Sessions live in the database, which every app server shares; with a shared
# cache they are also read from it (written through to the database, so a
# Redis restart logs nobody out). Login throttling (django-axes) counts
# failures in the database too, so a guesser gains nothing by switching server.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if SHARED_CACHE
    else "django.contrib.sessions.backends.db"
)
# Longest life of a cached page part. Writes show at once (the version is in
# the key); this only bounds memory use and any write that bypasses history.
DIGIANSVAR_PAGE_CACHE_SECONDS = int(os.environ.get("DIGIANSVAR_PAGE_CACHE_SECONDS", "300"))

# The REST API (docs/api.md): keys or the session, rows through restrict, Swedish errors
# (DRF's own messages follow the site's language), paged by cursor, throttled per key.
# SCIM 2.0 (docs/scim.md): django-scim2 with Person as the User, a bearer token per huvudman.
SCIM_SERVICE_PROVIDER = {
    "USER_MODEL_GETTER": "organisation.models.Person",
    "USER_ADAPTER": "provisioning.adapters.PersonAdapter",
    "AUTH_CHECK_MIDDLEWARE": "provisioning.authentication.ScimTokenCheck",
    "SERVICE_PROVIDER_CONFIG_MODEL": "provisioning.views.ServiceProviderConfig",
    "SCHEMAS_GETTER": "provisioning.adapters.schemas",
    "BASE_LOCATION_GETTER": "provisioning.adapters.base_location",
    "NETLOC": "localhost",  # unused: locations come from the request (base_location)
    "AUTHENTICATION_SCHEMES": [{"type": "oauthbearertoken", "name": "Bearer token"}],
    "WWW_AUTHENTICATE_HEADER": 'Bearer realm="scim"',
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.keys.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ScopedPermission"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.reading.Cursor",
    "DEFAULT_THROTTLE_CLASSES": ["api.keys.authentication.TokenRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
# Requests per key (or per signed-in user), e.g. "120/min", "5000/hour".
DIGIANSVAR_API_RATE = os.environ.get("DIGIANSVAR_API_RATE", "120/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "digiansvar API",
    "DESCRIPTION": "Ansvarsfördelning för digitalisering: vem som ansvarar för vad (docs/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "AssignmentKindEnum": "registry.models.Assignment.Kind",
        "RoleKindEnum": "registry.models.Role.Kind",
        "UnitKindEnum": "organisation.models.Unit.Kind",
        "ProblemKindEnum": "organisation.models.ProblemKind",
    },
    # Swagger UI's files from drf-spectacular-sidecar: no CDN, as the CSP requires.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

# E-mail (issue 14: review reminders). In development (DEBUG) mail is printed
# on the console unless DJANGO_EMAIL_HOST is set; in production it goes by
# SMTP to DJANGO_EMAIL_HOST. Django 6.1 configures mail with MAILERS (the
# EMAIL_* settings are deprecated there); 5.2 only knows EMAIL_*.
_email_host = os.environ.get("DJANGO_EMAIL_HOST", "")
_email_port = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
_email_backend = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if _email_host or not DEBUG
    else "django.core.mail.backends.console.EmailBackend",
)
_email_options = {
    "host": _email_host,
    "port": _email_port,
    "username": os.environ.get("DJANGO_EMAIL_USER", ""),
    "password": os.environ.get("DJANGO_EMAIL_PASSWORD", ""),
    "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", default=_email_port == 587),
    "use_ssl": env_bool("DJANGO_EMAIL_USE_SSL", default=_email_port == 465),
    "timeout": int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "10")),
}
if django.VERSION >= (6, 1):
    MAILERS = {
        "default": {
            "BACKEND": _email_backend,
            "OPTIONS": _email_options if _email_backend.endswith(".smtp.EmailBackend") else {},
        }
    }
else:
    EMAIL_BACKEND = _email_backend
    EMAIL_HOST = _email_options["host"]
    EMAIL_PORT = _email_options["port"]
    EMAIL_HOST_USER = _email_options["username"]
    EMAIL_HOST_PASSWORD = _email_options["password"]
    EMAIL_USE_TLS = _email_options["use_tls"]
    EMAIL_USE_SSL = _email_options["use_ssl"]
    EMAIL_TIMEOUT = _email_options["timeout"]
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "digiansvar@localhost")
