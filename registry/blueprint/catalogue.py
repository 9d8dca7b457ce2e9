"""The catalogue as the poster reads it (areas, items with their columns, roles), kept in this
process by the catalogue's data version.

The catalogue is the same at every unit and changes rarely; its DataVersion
scope "all" (registry.data_version) changes with every write to it. Kept
here rather than in Django's cache, like the search index
(registry.search.index), it costs no query and no unpickling while it holds,
also when the cache is emptied or a write at a unit makes that unit's pages
cold: those pages then read only the unit's own rows. A scope never written
has the token "": no catalogue write since the table was made or emptied, so
that too names one catalogue.
"""

import threading
from dataclasses import dataclass

from django.db import connection

from registry.models import Area, Item, Role

_lock = threading.Lock()
_kept = {"catalogue": None}


@dataclass(frozen=True)
class Catalogue:
    """Read-only, shared by the requests of this process."""

    key: tuple  # (database alias, the "all" scope's token)
    areas: tuple  # Area, in their order: the area filter's choices
    items: tuple  # Item with column and area joined, in the poster's order
    roles: dict  # {id: Role}, in the roles' order


def catalogue_at(version):
    """The catalogue as of `version` (the "all" scope's token); three queries when it changed."""
    key = (connection.alias, version)
    kept = _kept["catalogue"]
    if kept is not None and kept.key == key:
        return kept
    catalogue = Catalogue(
        key=key,
        areas=tuple(Area.objects.all()),
        items=tuple(Item.objects.select_related("column__area")),
        roles={role.pk: role for role in Role.objects.all()},
    )
    with _lock:
        _kept["catalogue"] = catalogue
    return catalogue


def catalogue_clear():
    """Forget the kept catalogue (tests: to count a cold process's queries)."""
    _kept["catalogue"] = None
