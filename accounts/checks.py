"""The sign-in settings, checked by `manage.py check` (docs/oidc.md)."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from accounts.provider import oidc_enabled
from accounts.rights_map import rights_map_parse
from organisation.models import SIGN_IN_FIELDS


def configuration_check(app_configs=None, **kwargs):
    """Errors for settings that would break sign-in; a warning for one that is ignored."""
    problems = []
    if settings.DIGIANSVAR_OIDC_PERSON_FIELD not in SIGN_IN_FIELDS:
        problems.append(
            checks.Error(
                "DIGIANSVAR_OIDC_PERSON_FIELD must be email or employee_number.",
                id="accounts.E001",
            )
        )
    try:
        rights_map_parse(settings.DIGIANSVAR_OIDC_RIGHTS_MAP)
    except ImproperlyConfigured as exc:
        problems.append(checks.Error(str(exc), id="accounts.E002"))
    if settings.DIGIANSVAR_OIDC_ISSUER and not (
        settings.OIDC_RP_CLIENT_ID and settings.OIDC_RP_CLIENT_SECRET
    ):
        problems.append(
            checks.Error(
                "DIGIANSVAR_OIDC_ISSUER is set: set DIGIANSVAR_OIDC_CLIENT_ID and "
                "DIGIANSVAR_OIDC_CLIENT_SECRET too.",
                id="accounts.E003",
            )
        )
    if not settings.DIGIANSVAR_LOCAL_LOGIN and not oidc_enabled():
        problems.append(
            checks.Warning(
                "DIGIANSVAR_LOCAL_LOGIN=0 without a configured identity provider: "
                "password login stays on.",
                id="accounts.W001",
            )
        )
    return problems
