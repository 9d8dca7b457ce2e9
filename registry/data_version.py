"""The data version: one string that changes with every write the pages show, and the cache keys
built with it.

Pages cache their parts under keys that hold the data version, so a change
shows on the next request and no entry is ever invalidated by hand.
"""

import functools
import hashlib
import json

from django.db import connection

from organisation.models import Appointment, Organisation, Person, Position, Unit
from registry.models import (
    Area,
    Assignment,
    AssignmentConfirmation,
    Blueprint,
    Column,
    Item,
    Role,
    SearchWord,
)


def cache_key(*parts):
    digest = hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()
    return f"registry:{digest}"


# What the blueprint pages show. Every write through the ORM (admin, services)
# or the spreadsheet import leaves a row in their history tables.
VERSIONED_MODELS = (
    Item,
    Assignment,
    Person,
    Unit,
    Appointment,
    Role,
    Area,
    Column,
    Blueprint,
    Position,
    Organisation,
    SearchWord,  # the word list: the `q` filter's answers follow it
    AssignmentConfirmation,  # the chips' "ej bekräftad" mark (registry.notify)
)
# These may be written with bulk_create, which leaves no history rows (generate_demo
# records them afterwards); every insert still raises the largest id.
BULK_WRITTEN_MODELS = (Assignment, Person, Unit, Appointment)


def data_version():
    """A string that changes whenever anything the blueprint pages show changes; one query.

    The largest history id of every model the pages show (and the largest
    id of those written in bulk without history); ids only grow, so any
    committed write gives a new value. On PostgreSQL, ids are handed out
    when a write starts but become visible when it commits, so a long
    write (an import) could commit below an id another write already
    showed: the write transactions still running on this database are part
    of the version too, and the version changes again when they end.
    SQLite lets one writer in at a time, so there the ids alone suffice.
    """
    return ":".join("" if value is None else str(value) for value in data_version_parts().values())


def data_version_parts():
    """What data_version is made of, by name: "<model label> history" and "<model label> id"
    (the largest ids, None for an empty table) and "writes running" (PostgreSQL: the other
    write transactions still running, "" or None when there are none)."""
    names, sql = _data_version_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return dict(zip(names, row, strict=True))


def data_version_key(model, part):
    """The name of one of data_version_parts: "<model label> history" or "<model label> id"."""
    return f"{model._meta.label} {part}"


@functools.cache
def _data_version_sql(vendor):
    # Built once: simple_history makes a new manager class on every
    # `Model.history` access, which cost more than the query itself.
    quote = connection.ops.quote_name
    parts = {
        data_version_key(model, "history"): (
            f"(SELECT MAX({quote('history_id')}) FROM {quote(model.history.model._meta.db_table)})"
        )
        for model in VERSIONED_MODELS
    } | {
        data_version_key(
            model, "id"
        ): f"(SELECT MAX({quote('id')}) FROM {quote(model._meta.db_table)})"
        for model in BULK_WRITTEN_MODELS
    }
    if vendor == "postgresql":
        # Not this connection's own: a write transaction asking for the version
        # (registry.coverage.store) would otherwise never see its own end.
        parts["writes running"] = (
            "(SELECT string_agg(backend_xid::text, ',' ORDER BY backend_xid::text)"
            " FROM pg_stat_get_activity(NULL) AS activity"
            " WHERE datid = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND backend_xid IS NOT NULL AND pid <> pg_backend_pid())"
        )
    return list(parts), "SELECT " + ", ".join(parts.values())
