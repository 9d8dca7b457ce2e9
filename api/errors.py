"""Errors in DRF's shape ({"detail": …} or {field: [messages]}) and in the site's language."""

import math

from django.http import Http404, JsonResponse
from django.utils.translation import ngettext
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    # Django's get_object_or_404 says "No Unit matches the given query." in
    # English whatever the language, and names the model: answer DRF's own
    # translated "Hittades inte." instead.
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    # DRF's Swedish catalogue lacks the throttle's "Expected available in …".
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        wait = math.ceil(exc.wait)
        exc = exceptions.Throttled(
            detail=ngettext(
                "För många förfrågningar. Försök igen om %(wait)d sekund.",
                "För många förfrågningar. Försök igen om %(wait)d sekunder.",
                wait,
            )
            % {"wait": wait},
        )
        exc.wait = wait  # the Retry-After header
    return drf_exception_handler(exc, context)


def not_found(request, path=""):
    """Any other path under /api/ (a slug with a space, a negative id): DRF's 404, in JSON."""
    return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
