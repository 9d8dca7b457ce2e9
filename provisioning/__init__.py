"""People provisioned by the huvudman's identity provider over SCIM 2.0 (docs/scim.md).

- `models`: ScimToken, the bearer token of one huvudman's provider (stored hashed)
- `services`: tokens created and found; a person made, changed, deactivated
- `authentication`: the bearer token checked before every SCIM view
- `adapters`: SCIM User ↔ Person, and the published schema
- `views`, `urls`: django-scim2's views, every row filtered by the token's huvudman

It writes organisation's Person and the accounts' users, so it sits above both
(tests/test_layers.py); nothing below imports it.
"""
