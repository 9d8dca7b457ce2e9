from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

NO_KEY_MESSAGE = "Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for development)."


def require_secret_key():
    """Raise when no secret key is configured; called before serving requests."""
    try:
        settings.SECRET_KEY  # noqa: B018 - Django raises here when it is empty
    except ImproperlyConfigured as error:
        raise ImproperlyConfigured(NO_KEY_MESSAGE) from error


# A deploy check: makemigrations and other offline commands need no key.
@register(Tags.security, deploy=True)
def secret_key_is_set(app_configs, **kwargs):
    try:
        require_secret_key()
    except ImproperlyConfigured:
        return [Error(NO_KEY_MESSAGE, id="digiansvar.E001")]
    return []


@register(deploy=True)
def accessibility_contact_is_set(app_configs, **kwargs):
    """DIGG's model statement names where to report a problem; ours reads it from here."""
    if settings.DIGIANSVAR_ACCESSIBILITY_CONTACT:
        return []
    return [
        Warning(
            "Set DIGIANSVAR_ACCESSIBILITY_CONTACT: the accessibility statement must give an "
            "address for reporting accessibility problems.",
            id="digiansvar.W001",
        )
    ]
