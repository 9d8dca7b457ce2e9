"""Spreadsheet import/export benchmark: a 30,000-row blueprint file (200 units × 150 items).

    python bench/import_export.py [--units 200] [--formats csv xlsx]

Without DATABASE_URL it builds a fresh SQLite database in a temporary folder
(migrate + seed). With DATABASE_URL (as bench/run.py runs it) it uses that
database, and everything runs in one transaction that is rolled back at the
end, so the database is left as it was. Prints rows per second for: check
only (dry run), first import (every assignment new), the same file again
(no changes), a replace-mode import, and the export end to end (measured
while the imported assignments exist, before the rollback: earlier runs
exported the rolled-back units, with nobody responsible); plus peak memory
(tracemalloc) of one check. Target: ≥ 3,000 rows/s on SQLite for the import.
Nothing here passes or fails; it prints figures.
"""

import argparse
import os
import shutil
import sys
import tempfile
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import setup, timed  # noqa: E402

TEMPORARY = None
if not os.environ.get("DATABASE_URL"):
    TEMPORARY = tempfile.mkdtemp(prefix="digiansvar-bench-")
    os.environ["DJANGO_DATA_DIR"] = TEMPORARY
setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from digiansvar.spreadsheets.writer import spreadsheet_bytes, spreadsheet_chunks  # noqa: E402
from organisation.models import Unit  # noqa: E402
from registry.blueprint_file import blueprint_import  # noqa: E402
from registry.blueprint_file.format import HEADERS, blueprint_rows  # noqa: E402
from registry.models import Assignment, Item  # noqa: E402
from registry.seed.load import seed_load  # noqa: E402

SEED_UNIT = "arstaviken"


class Rollback(Exception):
    pass


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


def export(assignments):
    """The export end to end: rows read batch by batch and written as they come, per format."""
    units = Unit.objects.filter(slug__startswith="bench-").order_by("slug")
    for file_format in ("csv", "xlsx", "ods"):
        named = []

        def rows(named=named):
            for row in blueprint_rows(units=units, items=Item.objects.all()):
                named.append(bool(row[4]))
                yield row

        with CaptureQueriesContext(connection) as queries:
            size, seconds = timed(
                lambda file_format=file_format, rows=rows: sum(
                    len(chunk)
                    for chunk in spreadsheet_chunks(
                        rows(), headers=HEADERS, file_format=file_format
                    )
                )
            )
        line(
            f"export, {file_format} (end to end)",
            len(named),
            seconds,
            f"{size / 1e6:.1f} MB, {sum(named):,} rows naming a responsible "
            f"({assignments:,} assignments), {len(queries)} queries",
        )


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
            if file_format == options.formats[0]:
                # Measured here, while the imported assignments exist (before
                # the rollback), so every exported row names its responsible.
                export(created)
            transaction.set_rollback(True)

    content = build_file(units, "csv")
    tracemalloc.start()
    blueprint_import(content=content, filename="bench.csv", dry_run=True)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"\nPeak memory of checking the {len(content) / 1e6:.1f} MB csv: {peak / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
