"""python manage.py backup FILE: everything the register holds, in one portable file.

A JSON dump of every app (units, people, the blueprint, assignments, users,
groups, guardian's object permissions, the history tables, the admin log)
with natural keys, so content types and permissions are matched by name, not
by id, and the file restores into any freshly migrated database (SQLite or
PostgreSQL). A name ending in .gz, .bz2 or .xz is compressed.

On PostgreSQL, a name ending in .dump is the whole database in pg_dump's
custom format instead (organisation/pg_dump.py): seconds where the JSON file
takes minutes at national size, restored only into PostgreSQL.
"""

import os
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _

from organisation import pg_dump

# Rows that migrate recreates (content types, model permissions) or that are
# transient (sessions, login-throttling counters) are not part of a backup.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes"]
COMPRESSED = {".gz", ".bz2", ".xz", ".lzma"}


def excluded():
    """What a backup leaves out: EXCLUDED, and every model that declares itself derived data
    (`derived_data = True`: counted again from the rest when missing, as after a restore)."""
    return EXCLUDED + [
        model._meta.label_lower
        for model in apps.get_models()
        if getattr(model, "derived_data", False)
    ]


class Command(BaseCommand):
    help = _("Sparar hela registret (alla appar, behörigheter och historik) i en JSON-fil.")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("Filen att skriva, t.ex. backup-2026-11-25.json.gz"))

    def handle(self, *args, file, **options):
        target = Path(file)
        # loaddata tells the format by the name, so restore needs ".json" in it.
        if (
            target.suffix != ".json"
            and target.suffix != pg_dump.SUFFIX
            and not (target.suffix in COMPRESSED and target.with_suffix("").suffix == ".json")
        ):
            raise CommandError(
                _("Filnamnet %(file)s ska sluta på .json, .json.gz eller .dump (PostgreSQL).")
                % {"file": file}
            )
        if not target.parent.is_dir():
            raise CommandError(_("Katalogen %(dir)s finns inte.") % {"dir": target.parent})
        # Written beside the target and renamed at the end, so a backup that
        # dies half-way never leaves a file that looks complete.
        suffix = target.suffix if target.suffix in COMPRESSED else ""
        partial = target.with_name(f".{target.name}.partial{suffix}")
        try:
            if target.suffix == pg_dump.SUFFIX:
                pg_dump.pg_dump(database=DEFAULT_DB_ALIAS, target=partial)
            else:
                call_command(
                    "dumpdata",
                    natural_foreign=True,
                    natural_primary=True,
                    exclude=excluded(),
                    output=str(partial),
                    verbosity=0,
                )
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(
            _("Säkerhetskopian är sparad i %(file)s (%(size)s byte).")
            % {"file": target, "size": target.stat().st_size}
        )
