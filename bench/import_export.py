"""Spreadsheet import/export benchmark: a 30,000-row blueprint file (200 units × 150 items).

    python bench/import_export.py [--units 200] [--formats csv xlsx]

Without DATABASE_URL it builds a fresh SQLite database in a temporary folder
(migrate + seed). With DATABASE_URL (as bench/run.py runs it) it uses that
database, and everything runs in one transaction that is rolled back at the
end, so the database is left as it was. Prints rows per second for: check
only (dry run), first import (every assignment new), the same file again
(no changes), a replace-mode import, and the export; plus peak memory
(tracemalloc) of one check. Target: ≥ 3,000 rows/s on SQLite for the import.
Nothing here passes or fails; it prints figures.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This file's name is the django-import-export package's: take bench/ off the
# path so that "import import_export" finds the package, not this script.
sys.path = [str(ROOT)] + [p for p in sys.path[1:] if Path(p or ".").resolve() != ROOT / "bench"]
TEMPORARY = None
if not os.environ.get("DATABASE_URL"):
    TEMPORARY = tempfile.mkdtemp(prefix="digiansvar-bench-")
    os.environ["DJANGO_DATA_DIR"] = TEMPORARY
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digiansvar.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_PLAIN_STATIC", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from digiansvar.spreadsheets import spreadsheet_bytes  # noqa: E402
from organisation.models import Unit  # noqa: E402
from registry.blueprint_file import blueprint_import  # noqa: E402
from registry.blueprint_file.format import HEADERS, blueprint_rows  # noqa: E402
from registry.models import Assignment, Item  # noqa: E402
from registry.services import seed_load  # noqa: E402

SEED_UNIT = "arstaviken"


class Rollback(Exception):
    pass


def timed(function):
    start = time.perf_counter()
    value = function()
    return value, time.perf_counter() - start


def build_file(units, file_format):
    """The seed unit's blueprint copied to every bench unit: units × 150 rows."""
    rows = list(
        blueprint_rows(
            units=Unit.objects.filter(slug=SEED_UNIT),
            items=Item.objects.all(),
            organisation_wide=False,
        )
    )
    copies = ([unit.slug, *row[1:]] for unit in units for row in rows)
    return spreadsheet_bytes(copies, headers=HEADERS, file_format=file_format, bom=False)


def line(label, rows, seconds, extra=""):
    rate = rows / seconds if seconds else float("inf")
    print(f"| {label} | {rows:,} | {seconds:.2f} | {rate:,.0f} | {extra} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--formats", nargs="+", default=["csv", "xlsx"])
    options = parser.parse_args()

    if TEMPORARY:
        call_command("migrate", verbosity=0)
    print(f"# import/export benchmark on {connection.vendor}, {options.units} units × 150 items")
    try:
        with transaction.atomic():
            run(options)
            raise Rollback
    except Rollback:
        pass
    finally:
        if TEMPORARY:
            connection.close()
            shutil.rmtree(TEMPORARY, ignore_errors=True)


def run(options):
    seed_load()
    # The seed's huvudman: the people the file names belong to it.
    organisation = Unit.objects.get(slug=SEED_UNIT).organisation
    units = Unit.objects.bulk_create(
        [
            Unit(organisation=organisation, slug=f"bench-{n}", name=f"Benchskola {n}")
            for n in range(options.units)
        ]
    )
    print("\n| step | rows | seconds | rows/s | note |")
    print("|---|---|---|---|---|")
    for file_format in options.formats:
        content = build_file(units, file_format)
        name = f"bench.{file_format}"
        rows = options.units * Item.objects.count()
        size = f"{file_format}, {len(content) / 1e6:.1f} MB"

        result, seconds = timed(
            lambda content=content, name=name: blueprint_import(
                content=content, filename=name, dry_run=True
            )
        )
        assert not result.errors, result.errors[:3]
        line(f"check only (dry run), {file_format}", rows, seconds, size)

        before = Assignment.objects.count()
        with transaction.atomic():
            result, seconds = timed(
                lambda content=content, name=name: blueprint_import(content=content, filename=name)
            )
            created = Assignment.objects.count() - before
            line(
                f"first import, {file_format}",
                rows,
                seconds,
                f"{created:,} assignments and their history created",
            )
            result, seconds = timed(
                lambda content=content, name=name: blueprint_import(content=content, filename=name)
            )
            assert not result.has_changes
            line(f"same file again, {file_format}", rows, seconds, "0 changes")

            result, seconds = timed(
                lambda content=content, name=name: blueprint_import(
                    content=content, filename=name, replace=True
                )
            )
            line(f"replace mode, {file_format}", rows, seconds, "0 changes")
            transaction.set_rollback(True)

    with CaptureQueriesContext(connection) as queries:
        dataset, seconds = timed(
            lambda: list(
                blueprint_rows(
                    units=Unit.objects.filter(slug__startswith="bench-"),
                    items=Item.objects.all(),
                    organisation_wide=False,
                )
            )
        )
    line("export: build the table", len(dataset), seconds, f"{len(queries)} queries")
    for file_format in ("csv", "xlsx", "ods"):
        content, seconds = timed(
            lambda file_format=file_format: spreadsheet_bytes(
                dataset, headers=HEADERS, file_format=file_format
            )
        )
        line(f"export: write {file_format}", len(dataset), seconds, f"{len(content) / 1e6:.1f} MB")

    content = build_file(units, "csv")
    tracemalloc.start()
    blueprint_import(content=content, filename="bench.csv", dry_run=True)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"\nPeak memory of checking the {len(content) / 1e6:.1f} MB csv: {peak / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
