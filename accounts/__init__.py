"""Sign-in with the organisation's identity provider (OpenID Connect, docs/oidc.md).

Above `organisation`: it reads people and units to link a sign-in and grant
the rights its claims give; `organisation` knows nothing of it.
"""
