"""API keys: a user's own keys, made and revoked in the site, and how a request is
authenticated and throttled by one (docs/api.md).

    services.py        keys created, found and revoked (the only writes to ApiToken)
    authentication.py  "Authorization: Bearer <key>", the throttle per key
    forms.py views.py urls.py  "API-nycklar" under the user's account (/konto/api-nycklar/)
"""
