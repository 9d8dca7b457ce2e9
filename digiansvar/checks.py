from django.conf import settings
from django.core.checks import Error, Tags, register
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
