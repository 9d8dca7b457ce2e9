"""Whole pages kept for the user who asked, under the data version they were made from.

A page asked for again, while nothing it is made from has changed, is
answered with the body rendered last time instead of a new render. The key
holds everything a page's HTML depends on besides the data: the path as
typed, full page or htmx partial, the user, their staff mark and
permissions, the language, today's date (for figures that age, such as "ej
bekräftat sedan mer än N dagar") and a digest of the CSRF secret; the caller
adds the data version of what the page reads (the blueprint page its ETag,
registry.data_version).

The body holds a CSRF token made from that user's secret, so it is only kept
and served when the request brought its CSRF cookie (the secret's digest is
then in the key): it reaches only the browser that already holds the
secret. Nothing is kept while a message waits to be shown once, and only
200 answers are kept. As for every cached part, the TTL only bounds memory.

A body is kept as it is sent: compressed by Django's GZipMiddleware (with its
random padding against BREACH) when the request accepts gzip, which is then in
the key, so a page asked again is not compressed again. The same bytes go only
to the same URL, user and CSRF secret: a page of other input (what BREACH
varies) is another key, rendered with a new mask of the CSRF token and new
padding (docs/blueprint-pages.md#compression).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.middleware.gzip import GZipMiddleware
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from organisation.queries import unit_scope
from registry.data_version import cache_key, data_version, scope_versions


def page_key(request, *version):
    """The key of the page `request` asks for, made from `version`; None where no body may be
    kept (no CSRF cookie yet, or a message waiting)."""
    if "CSRF_COOKIE" not in request.META:
        return None
    if getattr(request, "_messages", None) and len(request._messages):
        return None
    user = request.user
    return cache_key(
        "page",
        request.get_full_path(),
        bool(request.headers.get("HX-Request")),
        user.pk,
        user.is_staff,
        "*" if user.is_superuser else sorted(user.get_all_permissions()),
        get_language(),
        accepts_gzip(request),
        timezone.localdate(),
        hashlib.sha256(request.META["CSRF_COOKIE"].encode()).hexdigest(),
        version,
    )


def register_page_key(request, scopes=()):
    """The key of a page made from the whole register as the user may see it (the coverage
    report, a huvudman's page), under the register's data version and the DataVersion rows
    of `scopes` (what it shows that keeps no history, such as a huvudman's IT-råd, "org:<id>"):
    only for users who see every unit, whose scope follows from their permissions (in the
    key); None for users of granted units, whose grants no data version follows. One query,
    two with `scopes`."""
    if not unit_scope(request.user).all_visible:
        return None
    return page_key(request, data_version(), scope_versions(scopes) if scopes else {})


def kept_page(request, key):
    """The response kept under `key`, or None. As a render's {% csrf_token %} would, it asks
    for the token, so the CSRF cookie is renewed just the same."""
    kept = cache.get(key) if key else None
    if kept is None:
        return None
    get_token(request)
    body, encoding = kept
    response = HttpResponse(body)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def keep_page(request, key, response):
    """Keep `response`'s body under `key` (a 200 answer only), compressed as the site sends it
    (GZipMiddleware) when `request` accepts gzip; returns the response, so compressed."""
    if key and response.status_code == 200:
        response = _gzip.process_response(request, response)
        kept = (response.content, response.get("Content-Encoding"))
        cache.set(key, kept, settings.DIGIANSVAR_PAGE_CACHE_SECONDS)
    return response


# The site's own compression (settings.MIDDLEWARE), used here for the bodies it keeps.
_gzip = GZipMiddleware(lambda request: None)


def accepts_gzip(request):
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()
