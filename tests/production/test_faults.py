"""Faults during imports: a killed import leaves nothing behind; two at once never interleave.

The imports run as real `manage.py import_blueprint` processes against a
scratch database of their own (an SQLite file, or a fresh PostgreSQL
database when DATABASE_URL points at PostgreSQL), so a process can be killed
with SIGKILL in the middle of its transaction.
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = SERVER_URL.startswith(("postgres://", "postgresql://"))
UNITS = 40  # 40 units x 150 items = 6,000 rows: long enough to be caught mid-write

SETUP = """
import sys
from digiansvar.spreadsheets.writer import spreadsheet_bytes
from organisation.models import Organisation, Unit
from registry.blueprint_file.format import HEADERS, RESPONSIBLE, blueprint_rows
from registry.models import Item
from registry.seed.load import seed_load

seed_load()
organisation = Organisation.objects.get()
Unit.objects.bulk_create(
    Unit(organisation=organisation, slug=f"skola-{n:03}", name=f"Skola {n:03}")
    for n in range(UNITS)
)
units = Unit.objects.filter(slug__startswith="skola-").order_by("slug")
for role, name in [("ITS", "its.csv"), ("LÄR", "lar.csv")]:
    rows = blueprint_rows(units=units, items=Item.objects.all(), organisation_wide=False)
    column = HEADERS.index(RESPONSIBLE)
    changed = [row[:column] + [role] + row[column + 1 :] for row in rows]
    content = spreadsheet_bytes(changed, headers=HEADERS, file_format="csv", bom=False)
    open(sys.argv[1] + "/" + name, "wb").write(content)
"""

STATE = """
import json
from registry.models import Assignment
rows = Assignment.objects.filter(unit__slug__startswith="skola-").values_list(
    "unit__slug", "item_id", "role__code"
)
print(json.dumps({
    "assignments": Assignment.objects.count(),
    "history": Assignment.history.count(),
    "roles_by_cell": sorted({(u, i, r) for u, i, r in rows}),
}))
"""


def environment(url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env |= {
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "digiansvar.settings",
    }
    return env


def django(url, code, *args):
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code, *args],
        cwd=ROOT,
        env=environment(url),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def manage(url, *args):
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def state(url):
    data = json.loads(django(url, STATE))
    data["roles_by_cell"] = [tuple(cell) for cell in data["roles_by_cell"]]
    return data


def postgres_admin():
    import psycopg

    server = SERVER_URL.rsplit("/", 1)[0] + "/postgres"
    return psycopg.connect(server, autocommit=True)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A migrated, seeded database with UNITS empty units and two import files."""
    folder = tmp_path_factory.mktemp("faults")
    if ON_POSTGRES:
        name = f"digiansvar_faults_{uuid.uuid4().hex[:8]}"
        with postgres_admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = SERVER_URL.rsplit("/", 1)[0] + "/" + name
    else:
        name = str(folder / "template.sqlite3")
        url = f"sqlite:///{name}"
    migrate = manage(url, "migrate", "--noinput", "-v0")
    assert migrate.wait(timeout=300) == 0, migrate.stderr.read()
    django(url, f"UNITS = {UNITS}\n" + SETUP, str(folder))
    yield {"name": name, "folder": folder}
    if ON_POSTGRES:
        with postgres_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database(template, tmp_path):
    """A fresh copy of the template database for one test; yields its URL."""
    if ON_POSTGRES:
        name = f"{template['name']}_{uuid.uuid4().hex[:6]}"
        with postgres_admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template["name"]}"')
        yield SERVER_URL.rsplit("/", 1)[0] + "/" + name
        with postgres_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        copy = tmp_path / "db.sqlite3"
        copy.write_bytes(Path(template["name"]).read_bytes())
        yield f"sqlite:///{copy}"


def writing(url):
    """True while another connection holds uncommitted writes to the assignments."""
    if ON_POSTGRES:
        import psycopg

        with psycopg.connect(url, autocommit=True) as connection:
            return bool(
                connection.execute(
                    "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "WHERE c.relname = 'registry_assignment' AND l.mode = 'RowExclusiveLock' "
                    "AND l.pid <> pg_backend_pid()"
                ).fetchone()
            )
    # SQLite keeps a rollback journal from a transaction's first write to its commit.
    path = url.removeprefix("sqlite:///")
    return Path(path + "-journal").exists() or Path(path + "-wal").exists()


def test_an_import_killed_inside_its_transaction_leaves_no_rows(template, database):
    before = state(database)
    process = manage(database, "import_blueprint", str(template["folder"] / "its.csv"))
    deadline = time.monotonic() + 120
    while not writing(database):
        assert process.poll() is None, "the import ended before it was caught writing"
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    assert process.returncode == -signal.SIGKILL
    assert state(database) == before
    # The database is usable afterwards: the same import now goes through whole.
    again = manage(database, "import_blueprint", str(template["folder"] / "its.csv"))
    assert again.wait(timeout=300) == 0, again.stderr.read()
    after = state(database)
    assert after["assignments"] == before["assignments"] + UNITS * 150
    assert {role for _unit, _item, role in after["roles_by_cell"]} == {"ITS"}


def test_two_imports_into_the_same_units_run_one_after_the_other(template, database):
    before = state(database)
    files = [template["folder"] / "its.csv", template["folder"] / "lar.csv"]
    processes = [manage(database, "import_blueprint", "--replace", str(f)) for f in files]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in processes]

    # Serialised (PostgreSQL: the unit rows are locked; SQLite: the write lock
    # is taken when the transaction starts), so both go through.
    assert [code for code, _err in results] == [0, 0], results
    after = state(database)
    roles = {role for _unit, _item, role in after["roles_by_cell"]}
    # Never interleaved: every cell holds the one role of the file applied last ...
    assert len(roles) == 1, roles
    assert len(after["roles_by_cell"]) == UNITS * 150
    # ... and the second import saw the first's rows: it replaced them (add +
    # remove) instead of adding beside them.
    rows = UNITS * 150
    assert after["assignments"] == before["assignments"] + rows
    assert after["history"] == before["history"] + 3 * rows
