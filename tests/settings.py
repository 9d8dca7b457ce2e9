"""Settings for the test suite: the production settings with test-only environment defaults."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key")
# Unhashed static names: tests run without collectstatic.
os.environ.setdefault("DJANGO_PLAIN_STATIC", "1")
# playwright's sync API runs an event loop beside live_server's ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The test client and live_server speak plain http; tests/production checks the
# https defaults of the production settings in a subprocess.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")

from digiansvar.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Serve static files from the app folders: there is no collectstatic in tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
