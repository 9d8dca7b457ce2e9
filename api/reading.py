"""How lists are paged (by cursor) and how a client re-reads cheaply (ETag/If-None-Match)."""

from functools import wraps

from django.middleware.http import ConditionalGetMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.decorators import decorator_from_middleware
from rest_framework.pagination import CursorPagination

# Django's conditional GET: the ETag is a hash of the rendered body, and a
# request whose If-None-Match names it gets 304 with no body. The body
# depends on who asks, so caches keep one per key and session.
_conditional = decorator_from_middleware(ConditionalGetMiddleware)


def with_etag(view):
    """The view with an ETag on its 200 answers to GET, and 304 for a matching If-None-Match."""

    @wraps(view)  # keeps DRF's view.cls and initkwargs, which the schema reads
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        patch_vary_headers(response, ("Authorization", "Cookie"))
        return response

    return _conditional(wrapped)


class Cursor(CursorPagination):
    """Pages of `page_size` rows (default 100, at most 500) in id order; `next` and
    `previous` are links with an opaque cursor, stable while rows are added."""

    ordering = "pk"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
