"""python manage.py backup FILE: everything the register holds, in one portable file.

A JSON dump of every app (units, people, the blueprint, assignments, users,
groups, guardian's object permissions, the history tables, the admin log)
with natural keys, so content types and permissions are matched by name, not
by id, and the file restores into any freshly migrated database (SQLite or
PostgreSQL). A name ending in .gz, .bz2 or .xz is compressed.
"""

import os
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

# Rows that migrate recreates (content types, model permissions) or that are
# transient (sessions, login-throttling counters) are not part of a backup.
# Derived data is left out: the coverage store (registry.coverage_store) counts
# everything again when its mark is missing, as after a restore.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes",
    "registry.coveragecount",
    "registry.coverageload",
    "registry.coveragemark",
]
COMPRESSED = {".gz", ".bz2", ".xz", ".lzma"}


class Command(BaseCommand):
    help = _("Sparar hela registret (alla appar, behörigheter och historik) i en JSON-fil.")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("Filen att skriva, t.ex. backup-2026-11-25.json.gz"))

    def handle(self, *args, file, **options):
        target = Path(file)
        # loaddata tells the format by the name, so restore needs ".json" in it.
        if target.suffix != ".json" and not (
            target.suffix in COMPRESSED and target.with_suffix("").suffix == ".json"
        ):
            raise CommandError(
                _("Filnamnet %(file)s ska sluta på .json eller .json.gz.") % {"file": file}
            )
        if not target.parent.is_dir():
            raise CommandError(_("Katalogen %(dir)s finns inte.") % {"dir": target.parent})
        # Written beside the target and renamed at the end, so a backup that
        # dies half-way never leaves a file that looks complete.
        suffix = target.suffix if target.suffix in COMPRESSED else ""
        partial = target.with_name(f".{target.name}.partial{suffix}")
        try:
            call_command(
                "dumpdata",
                natural_foreign=True,
                natural_primary=True,
                exclude=EXCLUDED,
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
