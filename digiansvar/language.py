"""The site's language: Swedish unless the reader chose another with the language switch.

Django's LocaleMiddleware also follows the browser's Accept-Language, so a
browser set up in English got English pages, the login page first, although
digiansvar is a Swedish service. Here only the language cookie that the
switch (`set_language`) writes picks another language.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


def site_language(request):
    """The language of the cookie when the site offers it, otherwise LANGUAGE_CODE (Swedish)."""
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    try:
        return translation.get_supported_language_variant(cookie or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


class SiteLanguageMiddleware:
    """Activates the chosen language, or Swedish, for the request (in place of LocaleMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        translation.activate(site_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
