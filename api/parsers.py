"""Request bodies: JSON, refusing text no database column can hold."""

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from digiansvar.bad_input import UNSTORABLE


def unstorable(data):
    """Does the parsed JSON hold a NUL or a lone surrogate anywhere, in a key or a value?"""
    if isinstance(data, str):
        return bool(UNSTORABLE.search(data))
    if isinstance(data, dict):
        return any(unstorable(key) or unstorable(value) for key, value in data.items())
    if isinstance(data, list):
        return any(unstorable(value) for value in data)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; a body with text PostgreSQL cannot store (a NUL, a lone surrogate)
    answers 400, as digiansvar.bad_input answers forms and query strings, instead of a
    database error (500) in whichever lookup reads it first."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if unstorable(data):
            raise ParseError(_("Innehållet har tecken som inte kan sparas."))
        return data
