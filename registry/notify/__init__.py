"""Responsibility that people know they have: told when it changes, confirmed, seen by the rektor.

    queries.py   reads: an assignment's confirmation state, the chips' marks, a unit's
                 unconfirmed and declined assignments, who may confirm, the unit's rektorer
    tokens.py    the e-mail's signed, expiring, single-use confirmation link
    digest.py    what changed for a person since the last e-mail, read from the history
    services.py  writes: confirm or decline (and tell the rektor), send the day's e-mails
    forms.py     the confirm / decline form
    views.py     the link's page and the person page's confirm / decline

The models are registry.models.notify; docs/notifications.md says how it works.
"""
