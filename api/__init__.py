"""The register as a source for other systems: a REST API under /api/v1/ (docs/api.md).

It sits above registry and review; nothing below imports it. Every row it
reads or writes goes through `Model.objects.restrict(user, action)`.

    models.py          ApiToken: a user's API key, stored hashed
    keys/              keys made and revoked in the site; authentication and throttle by key
    permissions.py     the model permission, a key that may only read, allows() per row
    reading.py         cursor pagination and ETag/If-None-Match
    errors.py          errors in DRF's shape and the site's language
    parsers.py         JSON bodies, refusing text no database can store
    schema.py          the OpenAPI document's error answers
    serializers.py     the rows as JSON; the assignment written through admin's form
    filters.py         the assignment list's filters (django-filter)
    views.py           the endpoints
    urls.py            /api/v1/…, /api/schema/, /api/docs/ (Swagger UI, served locally)
"""
