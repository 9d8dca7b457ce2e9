"""The PostgreSQL backup: `pg_dump -Fc` and `pg_restore` run against the site's database.

At national size the portable JSON backup (dumpdata, row by row) takes
minutes where pg_dump takes seconds; on PostgreSQL a name ending in `.dump`
takes this path (docs/operations.md says which to use when). The commands
are PostgreSQL's own client programs, given the connection of the database
alias; the password goes through the environment, never the command line.
"""

import os
import shutil
import subprocess

from django.core.management.base import CommandError
from django.db import connections
from django.utils.translation import gettext as _

SUFFIX = ".dump"


def require_postgresql(database):
    connection = connections[database]
    if connection.vendor != "postgresql":
        raise CommandError(
            _(
                "En .dump-fil kräver PostgreSQL (databasen är %(vendor)s). Använd .json "
                "eller .json.gz för en flyttbar säkerhetskopia."
            )
            % {"vendor": connection.vendor}
        )


def _connection_arguments(database):
    require_postgresql(database)
    settings = connections[database].settings_dict
    arguments = ["--dbname", settings["NAME"], "--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            arguments += [option, str(settings[key])]
    environment = {**os.environ}
    if settings.get("PASSWORD"):
        environment["PGPASSWORD"] = settings["PASSWORD"]
    return arguments, environment


def _program(name):
    path = shutil.which(name)
    if path is None:
        raise CommandError(
            _("Programmet %(name)s saknas; installera PostgreSQL:s klientprogram.") % {"name": name}
        )
    return path


def _run(command, environment):
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise CommandError(result.stderr.strip() or result.stdout.strip())


def pg_dump(*, database, target):
    """The whole database in pg_dump's custom format (compressed, restorable table by table)."""
    arguments, environment = _connection_arguments(database)
    _run([_program("pg_dump"), "--format=custom", "--file", str(target), *arguments], environment)


def pg_restore(*, database, source):
    """The dump's tables, rows and sequences in place of the database's, in one transaction.

    `--clean --if-exists` drops what the dump recreates, so the result is
    exactly the dump; a broken file rolls everything back.
    """
    arguments, environment = _connection_arguments(database)
    connections[database].close()  # no open transaction of ours in the way
    _run(
        [
            _program("pg_restore"),
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            *arguments,
            str(source),
        ],
        environment,
    )
