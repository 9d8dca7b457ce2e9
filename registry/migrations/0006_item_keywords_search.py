"""Item.keywords and the stemmed search column; on PostgreSQL pg_trgm, a tsvector, GIN indexes.

The PostgreSQL parts no-op on SQLite: TrigramExtension checks the database
itself; create_search_indexes runs only on PostgreSQL. The weighted tsvector
is a generated column PostgreSQL keeps up to date itself
(registry_item.search_vector, read by registry/search.py); it and the indexes
are not in the model, which SQLite would try to build too.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

# The weighted tsvector registry/search.py ranks with (name A, keywords B, group C, description D).
VECTOR = (
    "setweight(to_tsvector('swedish'::regconfig, COALESCE(name, '')), 'A')"
    " || setweight(to_tsvector('swedish'::regconfig, COALESCE(keywords, '')), 'B')"
    " || setweight(to_tsvector('swedish'::regconfig, COALESCE(\"group\", '')), 'C')"
    " || setweight(to_tsvector('swedish'::regconfig, COALESCE(description, '')), 'D')"
)
INDEXES = {
    "registry_item_search_vector": "USING gin (search_vector)",
    "registry_item_name_trgm": "USING gin (name gin_trgm_ops)",
    "registry_item_keywords_trgm": "USING gin (keywords gin_trgm_ops)",
}


def fill_search_stems(apps, schema_editor):
    # The column was filled here until the search became one index in Python
    # (issue 21); 0011 drops it, and nothing reads it in between.
    pass


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE registry_item ADD COLUMN search_vector tsvector"
        f" GENERATED ALWAYS AS ({VECTOR}) STORED"
    )
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON registry_item {definition}")


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("ALTER TABLE registry_item DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_blueprint_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="item",
            name="keywords",
            field=models.TextField(
                blank=True,
                help_text="Ord som personalen söker med, åtskilda med komma, till exempel ”lösenord, inloggning, konto”. Engelska ord går också bra.",
                verbose_name="sökord",
            ),
        ),
        migrations.AddField(
            model_name="historicalitem",
            name="keywords",
            field=models.TextField(
                blank=True,
                help_text="Ord som personalen söker med, åtskilda med komma, till exempel ”lösenord, inloggning, konto”. Engelska ord går också bra.",
                verbose_name="sökord",
            ),
        ),
        migrations.AddField(
            model_name="item",
            name="search_stems",
            field=models.TextField(blank=True, editable=False, verbose_name="sökindex"),
        ),
        migrations.RunPython(fill_search_stems, migrations.RunPython.noop, elidable=True),
        TrigramExtension(),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
