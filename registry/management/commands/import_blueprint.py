from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from digiansvar.spreadsheets.reader import FileProblems
from organisation.models import Unit
from registry.blueprint_file import blueprint_import
from registry.blueprint_file.result import UNCHANGED


class Command(BaseCommand):
    help = (
        "Import a blueprint file (csv, xlsx, ods or json in the export's format). "
        "Checks every row first; any error and nothing is saved (exit status 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--unit", metavar="SLUG", help="only this unit; other rows are errors")
        parser.add_argument("--dry-run", action="store_true", help="check and report, save nothing")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="also remove the units' assignments the file does not list",
        )
        parser.add_argument(
            "--user", metavar="USERNAME", help="import as this user (only units they may edit)"
        )

    def handle(self, *args, file, unit, dry_run, replace, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Cannot read {file}: no such file.")
        target = None
        if unit:
            target = Unit.objects.filter(slug=unit).first()
            if target is None:
                raise CommandError(f"No unit {unit!r}.")
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"No user {user!r}.")
        try:
            result = blueprint_import(
                content=path,
                filename=path.name,
                user=importer,
                unit=target,
                replace=replace,
                dry_run=dry_run,
            )
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        except FileProblems as problems:
            for problem in problems.problems:
                self.stderr.write(str(problem))
            raise CommandError("Nothing was imported.") from problems
        if result.errors:
            for problem in result.errors:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(result.errors)} errors; nothing was imported.")
        if options["verbosity"] > 1:
            for row in result.rows:
                if row.status != UNCHANGED:
                    self.stdout.write(
                        f"{row.number or '-'}\t{row.status_label}\t{row.unit}\t{row.item}\t"
                        f"{row.before} → {row.after}"
                    )
        self.stdout.write(result.summary())
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
