"""The data version: strings that change with every write the pages show, and the cache keys
built with them.

Pages cache their parts under keys that hold a data version, so a change
shows on the next request and no entry is ever invalidated by hand. Two kinds:

- `unit_data_version(unit)`: what one unit's pages read (its own rows, its
  huvudman's organisation-wide rows and people, the catalogue), from
  DataVersion, one row a part, which database triggers (SCOPES, migration
  0014) rewrite in the same transaction as every write: a write at one unit
  leaves the other units' cached pages in place, and no write path can forget
  it (admin, services, the import, bulk writes, history reverts, raw SQL).
- `data_version()`: one value for the whole register (the coverage store
  follows its parts).
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
    DataVersion,
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


# The parts of the register a page may read, and which ones a write to each table changes: SQL
# selects over the written rows `{rows}` (the new and the old ones), one scope each; None
# is no scope. A unit's pages read "unit:<id>", "org:<its huvudman>" and "all" (the catalogue,
# role-only organisation-wide entries, labels of no huvudman); the unit picker "units"; the
# header's own person "user:<id>". A model the pages show needs a line here and its triggers
# (a migration calling `trigger_sql`); each select names its scope `s`.
_UNIT_OR_WIDE = (
    "SELECT CASE WHEN r.unit_id IS NOT NULL THEN 'unit:' || r.unit_id"
    " WHEN r.person_id IS NULL THEN 'all'"
    " ELSE COALESCE((SELECT 'org:' || p.organisation_id FROM {person} p"
    " WHERE p.id = r.person_id), 'all') END AS s FROM {rows} r"
)
SCOPES = {
    "registry.Assignment": [_UNIT_OR_WIDE],
    "organisation.Appointment": [_UNIT_OR_WIDE],
    "organisation.Unit": [
        "SELECT 'unit:' || r.id AS s FROM {rows} r",
        "SELECT 'org:' || r.organisation_id AS s FROM {rows} r",
        "SELECT 'units' AS s FROM {rows} r",
    ],
    "organisation.Person": [
        "SELECT 'org:' || r.organisation_id AS s FROM {rows} r",
        "SELECT 'user:' || r.user_id AS s FROM {rows} r",
        # A person may be named at a unit of another huvudman.
        "SELECT 'unit:' || a.unit_id AS s FROM {rows} r JOIN {assignment} a ON a.person_id = r.id",
        "SELECT 'unit:' || a.unit_id AS s FROM {rows} r JOIN {appointment} a ON a.person_id = r.id",
    ],
    "organisation.Organisation": ["SELECT 'org:' || r.id AS s FROM {rows} r"],
    # What keeps no history for data_version to follow: the huvudman's service agreement (the
    # support chains of the answer page and a search) and IT-råd (a huvudman's page).
    "organisation.ServiceAgreement": ["SELECT 'org:' || r.organisation_id AS s FROM {rows} r"],
    "organisation.ITCouncil": ["SELECT 'org:' || r.organisation_id AS s FROM {rows} r"],
    "organisation.ITCouncilMembership": [
        "SELECT 'org:' || c.organisation_id AS s FROM {rows} r JOIN {itcouncil} c"
        " ON c.id = r.council_id"
    ],
    # The chip's "ej bekräftad" mark: the assignment's unit, or for an organisation-wide one
    # the huvudman of the person who answered (who holds the role there).
    "registry.AssignmentConfirmation": [
        "SELECT CASE WHEN a.unit_id IS NOT NULL THEN 'unit:' || a.unit_id"
        " ELSE COALESCE((SELECT 'org:' || p.organisation_id FROM {person} p"
        " WHERE p.id = r.person_id), 'all') END AS s"
        " FROM {rows} r JOIN {assignment} a ON a.id = r.assignment_id"
    ],
    "registry.Blueprint": [
        "SELECT COALESCE('org:' || r.organisation_id, 'all') AS s FROM {rows} r",
    ],
    **{
        label: ["SELECT 'all' AS s FROM {rows} r"]
        for label in (
            "registry.Item",
            "registry.Role",
            "registry.Area",
            "registry.Column",
            "registry.SearchWord",
            "organisation.Position",
        )
    },
}


def trigger_sql(vendor, model, selects, tables):
    """(create, drop): the SQL of the triggers that rewrite the DataVersion rows of the scopes
    `selects` (SCOPES' entry) name whenever `model`'s table is written.

    PostgreSQL: one trigger per statement and kind of write, reading the written
    rows from transition tables, so a bulk insert of 100,000 rows writes each
    scope once. SQLite: one per row. `tables` maps the names in `selects`
    ("person", …) to table names. The new token is random: after a restore, a
    token of before still means the data it was made with.
    """
    table = model._meta.db_table
    columns = [field.column for field in model._meta.concrete_fields]
    events = {"insert": ["new_rows"], "update": ["old_rows", "new_rows"], "delete": ["old_rows"]}
    create, drop = [], []
    for event, aliases in events.items():
        name = f"{table}_data_version_{event}"
        if vendor == "postgresql":
            rows = {alias: alias for alias in aliases}
            token = "md5(random()::text || clock_timestamp()::text)"
        else:
            rows = {
                alias: "(SELECT "
                + ", ".join(f'{alias[:3].upper()}."{column}" AS "{column}"' for column in columns)
                + ")"
                for alias in aliases
            }
            token = "lower(hex(randomblob(16)))"
        touched = " UNION ".join(
            select.format(rows=rows[alias], **tables) for alias in aliases for select in selects
        )
        # In scope order, so that two writes lock the rows they share in the same order.
        write = (
            f"SELECT s, {token} FROM (SELECT DISTINCT s FROM ({touched}) AS rows_scopes) AS touched"
            " WHERE s IS NOT NULL ORDER BY s"
        )
        if vendor == "postgresql":
            referencing = " ".join(f"{alias[:3].upper()} TABLE AS {alias}" for alias in aliases)
            create += [
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"INSERT INTO registry_dataversion (scope, version) {write} "
                "ON CONFLICT (scope) DO UPDATE SET version = EXCLUDED.version; "
                "RETURN NULL; END $$",
                f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
            ]
            drop += [
                f"DROP TRIGGER IF EXISTS {name} ON {table}",
                f"DROP FUNCTION IF EXISTS {name}()",
            ]
        else:
            create.append(
                f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} FOR EACH ROW BEGIN "
                f"INSERT OR REPLACE INTO registry_dataversion (scope, version) {write}; END"
            )
            drop.append(f"DROP TRIGGER IF EXISTS {name}")
    return create, drop


def unit_scopes(unit):
    """The DataVersion scopes one unit's pages read."""
    return [f"unit:{unit.pk}", f"org:{unit.organisation_id}", "all"]


def scope_versions(scopes):
    """{scope: token} of `scopes` (one query); a part never written has ""."""
    found = dict(DataVersion.objects.filter(scope__in=scopes).values_list("scope", "version"))
    return {scope: found.get(scope, "") for scope in scopes}


def unit_data_version(unit, *extra):
    """A string that changes whenever anything `unit`'s pages read changes (and `extra`
    scopes, such as "units"); one query."""
    scopes = [*unit_scopes(unit), *extra]
    return ":".join(scope_versions(scopes).values())


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
