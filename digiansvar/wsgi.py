import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digiansvar.settings")

application = get_wsgi_application()

from digiansvar.checks import require_secret_key  # noqa: E402 - needs settings loaded

require_secret_key()
