"""Versions benchmark: publish the 200-unit demo, its stored size, and what changed.

Run by bench/run.py against the database with the large demo; by hand:

    DATABASE_URL=... python bench/versions.py [--units 200] [--seed 1] [--repeat 5]

Builds the demo with `generate_demo` if the database has none. Everything
runs inside one transaction that is rolled back at the end, so the demo is
left as it was. Prints the median time of --repeat runs, the SQL queries of
one run and the peak memory of one run (tracemalloc) for: publishing a
version, the difference for one unit and for all units (version → now and
version → version), the changes page and its csv export.
"""

import argparse
import json
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import measure, setup  # noqa: E402

setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from organisation.models import Organisation, Person  # noqa: E402
from registry import versions  # noqa: E402
from registry.models import Assignment, Blueprint, BlueprintRows, Item  # noqa: E402
from registry.seed.demo import DEMO_SLUG, demo_organisation_generate  # noqa: E402

BENCH_USER = "bench-superuser"


def stored_bytes(blueprint):
    """(JSON bytes, bytes in the database) of a version: its catalogue and its rows per unit.

    In the database: jsonb column sizes (compressed) on PostgreSQL, text length on SQLite.
    """
    size = "pg_column_size({})" if connection.vendor == "postgresql" else "length(CAST({} AS BLOB))"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT {size.format('snapshot')} FROM registry_blueprint WHERE id = %s),"
            f" (SELECT SUM({size.format('rows')}) FROM registry_blueprintrows"
            " WHERE blueprint_id = %s)",
            [blueprint.pk, blueprint.pk],
        )
        catalogue, rows = cursor.fetchone()
    as_json = len(json.dumps(blueprint.snapshot, separators=(",", ":"))) + sum(
        len(json.dumps(value, separators=(",", ":")))
        for value in BlueprintRows.objects.filter(blueprint=blueprint).values_list(
            "rows", flat=True
        )
    )
    return as_json, catalogue + rows


def edit(organisation, unit):
    """About a hundred edits: renames, a move, removals, new deputies, new responsible at `unit`."""
    items = list(Item.objects.order_by("pk")[:24])
    for item in items[:3]:
        item.name = f"{item.name} (nytt namn)"
        item.save()
    items[3].column = items[0].column
    items[3].save()
    rows = Assignment.objects.filter(unit__organisation=organisation, person__isnull=False)
    removed = list(rows.order_by("pk").values_list("pk", flat=True)[:40])
    Assignment.objects.filter(pk__in=removed).delete()
    deputies = list(rows.order_by("-pk").values_list("pk", flat=True)[:40])
    Assignment.objects.filter(pk__in=deputies).update(priority=Assignment.Priority.DEPUTY)
    newcomer = Person.objects.create(organisation=organisation, initials="BENCH.NY")
    Assignment.objects.bulk_create(
        Assignment(item=item, unit=unit, person=newcomer) for item in items[4:24]
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()

    result = demo_organisation_generate(units=options.units, seed=options.seed)
    if result["created"]:
        print(f"Built the demo in {result['seconds']} s.")
    organisation = Organisation.objects.get(slug=DEMO_SLUG)
    units = list(organisation.units.order_by("name"))
    rows = versions.snapshot_build(organisation_id=organisation.pk)["assignments"]
    print(
        f"Demo: {len(units)} units, {len(rows)} assignments of the huvudman; "
        f"database {connection.vendor}."
    )
    user, _ = get_user_model().objects.get_or_create(
        username=BENCH_USER, defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(user)

    with transaction.atomic():
        counter = iter(range(10**6))

        def publish():
            return versions.blueprint_publish(
                organisation=organisation,
                version=f"bench-{next(counter)}",
                published=date.today(),
                title="Bench",
            )

        print("\n| versions, 200 units | ms (median) | queries | peak KiB |")
        print("|---|---|---|---|")
        first = measure("publish (one transaction)", publish, options.repeat)
        json_size, stored = stored_bytes(first)
        first = Blueprint.objects.defer("snapshot").get(pk=first.pk)

        edit(organisation, units[1])
        second = publish()
        second = Blueprint.objects.defer("snapshot").get(pk=second.pk)
        one = {units[1].pk}

        def since(unit_ids=None):
            # A fresh object each time: the snapshot is read from the database.
            before = Blueprint.objects.defer("snapshot").get(pk=first.pk)
            return versions.version_diff(before=before, unit_ids=unit_ids)

        def between(unit_ids=None):
            before = Blueprint.objects.defer("snapshot").get(pk=first.pk)
            after = Blueprint.objects.defer("snapshot").get(pk=second.pk)
            return versions.version_diff(before=before, after=after, unit_ids=unit_ids)

        diff_one = measure("difference, one unit, version → now", lambda: since(one), 5)
        diff_all = measure("difference, all units, version → now", since, options.repeat)
        measure("difference, one unit, version → version", lambda: between(one), 5)
        measure("difference, all units, version → version", between, options.repeat)
        url = reverse("registry:version_changes")

        def page(**params):
            response = client.get(url, {"from": first.pk, **params})
            assert response.status_code == 200, response.status_code
            return response

        measure("changes page, one unit (HTML)", lambda: page(unit=units[1].slug), 5)
        measure("changes page, all units (HTML)", page, options.repeat)
        measure("changes export, all units (csv)", lambda: page(format="csv"), options.repeat)
        measure("changes export, all units (xlsx)", lambda: page(format="xlsx"), options.repeat)
        print(
            f"\nStored version: {json_size / 1024:,.0f} KiB of JSON, {stored / 1024:,.0f} KiB "
            f"in the database; {len(diff_all)} changes in all, {len(diff_one)} at one unit."
        )
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
