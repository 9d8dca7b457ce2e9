"""Errors in DRF's shape ({"detail": …} or {field: [messages]}) and in the site's language."""

from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    # Django's get_object_or_404 says "No Unit matches the given query." in
    # English whatever the language, and names the model: answer DRF's own
    # translated "Hittades inte." instead.
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
