"""Page benchmarks: blueprint, grid and person page for one unit, against the raw cost.

Run by bench/run.py against a database filled by `generate_demo`; by hand:

    DATABASE_URL=... python bench/pages.py [--repeat 20] [--json FILE]

For each page it prints the server time (median of --repeat requests through
Django's test client, middleware and templates included), the number of SQL
queries, the peak memory of one request (tracemalloc), and the raw cost: the
same rows read by one SQL query and dumped to JSON, timed the same way. The
ratio page/raw is the figure to watch; absolute times depend on the machine.
The blueprint and grid pages cache their matrix (registry/blueprint/page_cache.py), so each
page is measured warm (a repeat view) and cold (the cache emptied before
each request: the first view after a write).
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import median_ms, peak_bytes, setup  # noqa: E402

setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from organisation.models import Person, Unit  # noqa: E402
from registry.models import Area, Assignment, Column, Item, Role  # noqa: E402

BENCH_USER = "bench-superuser"


def table(model):
    return connection.ops.quote_name(model._meta.db_table)


def column(name):
    return connection.ops.quote_name(name)


def raw_unit_rows(unit_id):
    """Every item with its responsible at one unit and organisation-wide, by one query."""
    sql = f"""
        SELECT i.id, i.name, i.{column("group")}, i.description, c.name, ar.name,
               a.unit_id, a.kind, a.priority, a.{column("order")}, r.code, r.name,
               p.initials, p.name
        FROM {table(Item)} i
        JOIN {table(Column)} c ON c.id = i.column_id
        JOIN {table(Area)} ar ON ar.id = c.area_id
        LEFT JOIN (
            -- Two index lookups, not one "unit = x OR unit IS NULL" scan.
            SELECT * FROM {table(Assignment)} WHERE unit_id = %s
            UNION ALL
            SELECT * FROM {table(Assignment)} WHERE unit_id IS NULL
        ) a ON a.item_id = i.id
        LEFT JOIN {table(Role)} r ON r.id = a.role_id
        LEFT JOIN {table(Person)} p ON p.id = a.person_id
        ORDER BY ar.{column("order")}, c.{column("order")}, i.{column("order")}, i.name,
                 a.{column("order")}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [unit_id])
        return json.dumps(cursor.fetchall())


def raw_person_rows(person_id):
    """Everything one person is responsible for, with item, area and unit, by one query."""
    sql = f"""
        SELECT i.id, i.name, c.name, ar.name, u.slug, u.name, a.kind, a.priority, r.code
        FROM {table(Assignment)} a
        JOIN {table(Item)} i ON i.id = a.item_id
        JOIN {table(Column)} c ON c.id = i.column_id
        JOIN {table(Area)} ar ON ar.id = c.area_id
        LEFT JOIN {table(Unit)} u ON u.id = a.unit_id
        LEFT JOIN {table(Role)} r ON r.id = a.role_id
        WHERE a.person_id = %s
        ORDER BY ar.{column("order")}, c.{column("order")}, i.{column("order")}, u.name
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [person_id])
        return json.dumps(cursor.fetchall())


def measure_page(client, url, raw, repeat):
    """Server time and queries of a page: warm (cache filled) and cold (cache emptied first).

    The blueprint and grid pages cache their matrix by a data version
    (registry/blueprint/page_cache.py); a repeat view is warm, the first view after a write
    is cold. Pages without a cache give the same figure twice.
    """

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return response

    def cold():
        cache.clear()
        return get()

    get()  # the session remembers the unit from now on (no session write below)
    with CaptureQueriesContext(connection) as queries:
        size = len(cold().content)
    # Counted now: the next request's request_started signal clears the log.
    cold_count = len(queries)
    with CaptureQueriesContext(connection) as queries:
        get()
    warm_count = len(queries)
    page = median_ms(get, repeat, warm=3)
    cold_page = median_ms(cold, repeat, warm=3)
    raw_time = median_ms(raw, repeat, warm=3)
    return {
        "url": url,
        "ms": round(page, 2),
        "cold_ms": round(cold_page, 2),
        "raw_ms": round(raw_time, 2),
        "ratio": round(page / raw_time, 2),
        "cold_ratio": round(cold_page / raw_time, 2),
        "queries": warm_count,
        "cold_queries": cold_count,
        "peak_kib": round(peak_bytes(get) / 1024),
        "cold_peak_kib": round(peak_bytes(cold) / 1024),
        "raw_peak_kib": round(peak_bytes(raw) / 1024),
        "bytes": size,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", help="also write the figures to this file")
    options = parser.parse_args()

    user, _created = get_user_model().objects.get_or_create(
        username=BENCH_USER, defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)

    # The last unit of the largest huvudman: in the 200-unit demo, deep in its data.
    unit = Unit.objects.annotate(n=Count("assignments")).order_by("-organisation__pk", "-slug")[0]
    person = (
        Person.objects.filter(organisation=unit.organisation)
        .annotate(n=Count("assignments"))
        .order_by("-n", "initials")
        .first()
    )
    counts = {
        "units": Unit.objects.count(),
        "items": Item.objects.count(),
        "assignments": Assignment.objects.count(),
        "people": Person.objects.count(),
        "vendor": connection.vendor,
    }
    pages = {
        "blueprint": measure_page(
            client, f"/?unit={unit.slug}", lambda: raw_unit_rows(unit.pk), options.repeat
        ),
        "grid": measure_page(
            client, f"/rutnat/?unit={unit.slug}", lambda: raw_unit_rows(unit.pk), options.repeat
        ),
        "person": measure_page(
            client,
            person.get_absolute_url(),
            lambda: raw_person_rows(person.pk),
            options.repeat,
        ),
    }

    print(
        f"pages on {counts['vendor']}: {counts['units']} units, {counts['items']} items, "
        f"{counts['assignments']} assignments, {counts['people']} people; "
        f"unit {unit.slug}, person {person.initials} ({person.n} assignments)"
    )
    print("  warm: cache filled (a repeat view); cold: cache emptied before each request")
    print(
        f"  {'page':<10} {'warm ms':>8} {'cold ms':>8} {'raw ms':>8} {'×raw':>6} "
        f"{'cold×raw':>8} {'queries':>8} {'peak KiB':>9} {'raw KiB':>8}  url"
    )
    for name, row in pages.items():
        queries = f"{row['queries']}/{row['cold_queries']}"
        print(
            f"  {name:<10} {row['ms']:>8} {row['cold_ms']:>8} {row['raw_ms']:>8} "
            f"{row['ratio']:>6} {row['cold_ratio']:>8} {queries:>8} "
            f"{row['peak_kib']:>9} {row['raw_peak_kib']:>8}  {row['url']}"
        )
    if options.json:
        Path(options.json).write_text(json.dumps({**counts, "pages": pages}, indent=2))


if __name__ == "__main__":
    main()
