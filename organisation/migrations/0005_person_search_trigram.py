"""Trigram indexes for the person admin's search (initials, name, e-mail contain the words).

Django's admin searches with `icontains`, which PostgreSQL runs as
`UPPER(field::text) LIKE UPPER('%word%')`: a b-tree cannot serve a pattern
that starts with `%`, so at 160,000 people every search read the whole table.
A pg_trgm GIN index on the same expression serves it. PostgreSQL only (they
are not in the model, which SQLite would try to build too). The extension is
created if missing and never dropped: registry's search indexes use it too.
"""

from django.db import migrations

# The expression must be the one Django's icontains writes, or the planner cannot use it.
INDEXES = {
    f"person_{field}_trgm": f"USING gin ((UPPER({field}::text)) gin_trgm_ops)"
    for field in ("initials", "name", "email")
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON organisation_person {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0004_person_employee_number_sign_in"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
