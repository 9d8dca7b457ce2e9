"""The site's own error pages, rendered with the request so they share base.html's header."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def bad_request(request, exception):
    """400: what the request carried cannot be used (digiansvar.bad_input); never echoes it."""
    if request.path_info.startswith("/api/"):
        # The API answers in its own shape (docs/api.md#errors), not with a page.
        message = _("Förfrågan innehåller något som inte kan användas.")
        return JsonResponse({"detail": message}, status=400)
    return render(request, "400.html", status=400)
