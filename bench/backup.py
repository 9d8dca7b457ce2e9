"""Backup and restore on PostgreSQL: `manage.py backup/restore` with a .dump against pg_dump and
pg_restore alone, and the restored database compared table by table with the original.

    DATABASE_URL=postgres://…/digiansvar_bench_u1000 python bench/backup.py

Restores into a scratch database beside the source (<name>_restore, created
and dropped here), migrated first as the docs prescribe. Prints wall times,
the ratios and whether every table's row count and content hash came back;
the portable JSON backup's time is printed for comparison (--no-json: not run).
"""

import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import ROOT, setup  # noqa: E402

setup()

from django.db import connection  # noqa: E402


def wall(command, env=None):
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def tables(url):
    """{table: (rows, sha256 of the rows in order)} of the database at `url`."""
    import psycopg

    found = {}
    with psycopg.connect(url) as db, db.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        for (table,) in cursor.fetchall():
            digest, count = hashlib.sha256(), 0
            cursor.execute(f'SELECT t::text FROM "{table}" t ORDER BY t::text')
            for (row,) in cursor:
                digest.update(row.encode() + b"\n")
                count += 1
            found[table] = (count, digest.hexdigest())
    return found


def main():
    if connection.vendor != "postgresql":
        print("backup: pg_dump's format is PostgreSQL's; nothing to measure on", connection.vendor)
        return
    settings = connection.settings_dict
    server = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}"
    source = f"{server}/{settings['NAME']}"
    scratch = f"{settings['NAME']}_restore"
    manage = [sys.executable, "manage.py"]
    connection_args = ["-h", settings["HOST"], "-p", str(settings["PORT"] or 5432)]
    connection_args += ["-U", settings["USER"]]
    with tempfile.TemporaryDirectory() as folder:
        ours, raw = Path(folder) / "ours.dump", Path(folder) / "raw.dump"
        figures = {
            "backup .dump": wall([*manage, "backup", str(ours)]),
            "pg_dump -Fc": wall(
                ["pg_dump", "-Fc", *connection_args, "-f", str(raw), settings["NAME"]]
            ),
        }
        if "--no-json" not in sys.argv:
            figures["backup .json.gz"] = wall([*manage, "backup", str(Path(folder) / "b.json.gz")])
        env = {**os.environ, "DATABASE_URL": f"{server}/{scratch}"}
        for label, command in (
            ("restore .dump", [*manage, "restore", "--flush", str(ours)]),
            (
                "pg_restore",
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--single-transaction",
                    "--no-owner",
                    "--no-privileges",
                    *connection_args,
                    "-d",
                    scratch,
                    str(raw),
                ],
            ),
        ):
            subprocess.run(["dropdb", "--if-exists", *connection_args, scratch], check=True)
            subprocess.run(["createdb", *connection_args, scratch], check=True)
            wall([*manage, "migrate", "--noinput"], env=env)
            figures[label] = wall(command, env=env)
            if label == "restore .dump":
                identical = tables(f"{server}/{scratch}") == tables(source)
        subprocess.run(["dropdb", "--if-exists", *connection_args, scratch], check=True)
    size = {"units": "organisation_unit", "assignments": "registry_assignment"}
    with connection.cursor() as cursor:
        for label, table in size.items():
            cursor.execute(f"SELECT count(*) FROM {table}")
            size[label] = cursor.fetchone()[0]
    print(f"backup on PostgreSQL: {size['units']} units, {size['assignments']} assignments")
    for label, seconds in figures.items():
        print(f"  {label:<16} {seconds:7.2f} s")
    print(f"  backup / pg_dump     {figures['backup .dump'] / figures['pg_dump -Fc']:.2f}×")
    print(f"  restore / pg_restore {figures['restore .dump'] / figures['pg_restore']:.2f}×")
    print(f"  restored register identical (rows and content hash per table): {identical}")


if __name__ == "__main__":
    main()
