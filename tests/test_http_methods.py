"""Every page of the site (the admin aside) answers a method it does not take with 405.

The URL patterns come from the URLconf, so a new page cannot be forgotten: a
GET page refuses POST, PUT, PATCH and DELETE; a form refuses PUT, PATCH and
DELETE; a POST-only action refuses GET. `TAKES` lists the pages that take
more than GET (and HEAD). Signed in as a superuser, so that the
login-required middleware lets every request through to the view; the
parameters are filled with "1": the method is refused before anything is
looked up.
"""

import pytest
from django.conf import settings
from django.urls import URLResolver, get_resolver
from django.utils.regex_helper import normalize

pytestmark = pytest.mark.django_db

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
GET = {"GET"}
GET_POST = {"GET", "POST"}
# The pages that take more than GET, by URL name (the admin's login by path).
TAKES = {
    "login": GET_POST,
    "logout": {"POST"},
    "oidc_connect": GET_POST,
    "set_language": GET_POST,
    # Django's own password views (django.contrib.auth.urls): their forms take PUT as POST,
    # and the reset link's page answers any method before it looks at the method.
    "password_change": {"GET", "POST", "PUT"},
    "password_reset": {"GET", "POST", "PUT"},
    "password_reset_confirm": {"GET", "POST", "PUT", "PATCH", "DELETE"},
    "review:unit_review": GET_POST,
    "review:round_remind": {"POST"},
    "registry:confirmation_link": GET_POST,
    "registry:assignment_answer": {"POST"},
    # The user's API keys and the REST API (docs/api.md); any other path under /api/ answers
    # every method with a JSON 404.
    "api_keys:token_list": GET_POST,
    "api_keys:token_revoke": {"POST"},
    "api:assignment_list": GET_POST,
    "api:assignment_reassign": {"POST"},
    "api:assignment_detail": {"GET", "PUT", "PATCH", "DELETE"},
    "api:not_found": set(METHODS),
    # SCIM (docs/scim.md): without the provider's bearer token every method answers 401
    # before the method is looked at; scim2-tester checks the methods with a token.
    **{
        f"scim:{name}": set(METHODS)
        for name in (
            "root search users-search users groups-search groups me service-provider-config "
            "resource-types schemas bulk not-found"
        ).split()
    },
}


def site_routes():
    """(name, URL with every parameter "1") of each pattern outside the admin."""
    found = []

    def walk(resolver, prefix, namespaces):
        for pattern in resolver.url_patterns:
            fmt, params = normalize(pattern.pattern.regex.pattern)[0]
            url = prefix + fmt % {name: "1" for name in params}
            if url.startswith(f"/{settings.ADMIN_PATH}") and url != f"/{settings.ADMIN_PATH}login/":
                continue
            if isinstance(pattern, URLResolver):
                inner = [*namespaces, pattern.namespace] if pattern.namespace else namespaces
                walk(pattern, url, inner)
            else:
                name = ":".join([*namespaces, pattern.name]) if pattern.name else url
                found.append((name, url))

    walk(get_resolver(), "/", [])
    return found


def test_every_page_refuses_the_methods_it_does_not_take(client, superuser):
    client.force_login(superuser)
    routes = site_routes()
    assert len(routes) > 20
    assert set(TAKES) <= {name for name, _ in routes}, "TAKES names a page that is gone"
    wrong = []
    for name, url in routes:
        takes = TAKES.get(name, GET)
        for method in METHODS:
            if method in takes:
                continue
            response = client.generic(method, url)
            if response.status_code != 405:
                wrong.append(f"{method} {url} ({name}): {response.status_code}")
    assert not wrong, "\n".join(wrong)
