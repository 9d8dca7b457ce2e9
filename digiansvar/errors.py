"""The site's own error pages, rendered with the request so they share base.html's header."""

from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def bad_request(request, exception):
    """400: what the request carried cannot be used (digiansvar.bad_input); never echoes it."""
    return render(request, "400.html", status=400)
