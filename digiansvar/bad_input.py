"""Input no view can use is refused with 400 before any view sees it.

PostgreSQL text cannot hold a NUL character, and psycopg cannot encode a lone
surrogate: a view that filters or looks up by such a value fails with a
database error, a 500. Rather than each view remembering to check, one
middleware looks at everything a request brings that views read: the path,
the query string's names and values, the form fields (a form Django cannot
parse is refused too; Django itself drops unprintable characters from an
uploaded file's name) and the cookies (the session key is looked up in the
database). Query values are also capped at DIGIANSVAR_MAX_QUERY_VALUE_LENGTH
characters: no search or filter needs more, and a long one only costs the
database. Forms are not capped (admin texts, imports); Django's
DATA_UPLOAD_MAX_MEMORY_SIZE bounds them.

The refusal is a SuspiciousOperation, which Django answers with 400 through
handler400 (digiansvar.errors.bad_request) and logs on django.security.BadInput.
"""

import re

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse

# NUL, and the surrogate code points a str may hold but UTF-8 cannot encode.
# Django's decoders replace invalid UTF-8, so surrogates should never arrive;
# they are refused here in case one does.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class BadInput(SuspiciousOperation):
    """A request with text the database cannot store, or a query value that is too long."""


def request_input_check(request):
    """Raise BadInput if the request carries what a view cannot use; say where, never what."""
    if UNSTORABLE.search(request.path_info):
        raise BadInput("bad character in the path")
    # The provider's authorization code can be longer than any of our own
    # parameters (Microsoft Entra ID's often pass 1,000 characters).
    capped = request.path_info != reverse("oidc_authentication_callback")
    limit = settings.DIGIANSVAR_MAX_QUERY_VALUE_LENGTH
    for name, values in request.GET.lists():
        for text in (name, *values):
            if UNSTORABLE.search(text):
                raise BadInput("bad character in the query string")
            if capped and len(text) > limit:
                raise BadInput(f"query string value longer than {limit} characters")
    try:
        form = request.POST
    except MultiPartParserError as error:
        # A malformed upload; unhandled, Django would answer 500.
        raise BadInput("malformed multipart form") from error
    for name, values in form.lists():
        if any(UNSTORABLE.search(text) for text in (name, *values)):
            raise BadInput("bad character in a form field")
    for name, value in request.COOKIES.items():
        if UNSTORABLE.search(name) or UNSTORABLE.search(value):
            raise BadInput("bad character in a cookie")


class BadInputMiddleware:
    """Answers 400 to a request request_input_check refuses.

    Placed before AuthenticationMiddleware, which reads the session (by the
    cookie's key) from the database, and after LocaleMiddleware and
    CsrfViewMiddleware, so the 400 page is in the visitor's language and its
    language form carries a valid token.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_input_check(request)
        return self.get_response(request)
