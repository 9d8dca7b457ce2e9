from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from digiansvar.spreadsheets.writer import WRITE_FORMATS, spreadsheet_chunks
from organisation.models import Unit
from registry.blueprint_file.format import HEADERS, SHEET_TITLE, blueprint_rows
from registry.models import Item


class Command(BaseCommand):
    help = f"Export the blueprint ({';'.join(HEADERS)}), csv to standard output unless -o is given."

    def add_arguments(self, parser):
        parser.add_argument("--unit", metavar="SLUG", help="only this unit (default: all)")
        parser.add_argument("--format", choices=WRITE_FORMATS, help="default: from -o, or csv")
        parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE")
        parser.add_argument(
            "--user", metavar="USERNAME", help="export only the units this user may see"
        )
        parser.add_argument(
            "--bom", action="store_true", help="start csv with a byte-order mark (for Excel)"
        )

    def handle(self, *args, unit, format, output, user, bom, **options):
        file_format = format or (Path(output).suffix.lstrip(".").lower() if output else "csv")
        if file_format not in WRITE_FORMATS:
            raise CommandError(f"Unknown format {file_format!r}; use one of {WRITE_FORMATS}.")
        if file_format != "csv" and not output:
            raise CommandError(f"{file_format} is binary: give a file with -o.")
        units = Unit.objects.all()
        if user:
            try:
                units = units.restrict(get_user_model().objects.get(username=user))
            except get_user_model().DoesNotExist as error:
                raise CommandError(f"No user {user!r}.") from error
        if unit:
            units = units.filter(slug=unit)
            if not units.exists():
                raise CommandError(f"No unit {unit!r} (or not visible to the user).")
        rows_written = 0

        def counted(rows):
            nonlocal rows_written
            for row in rows:
                rows_written += 1
                yield row

        rows = counted(
            blueprint_rows(units=units, items=Item.objects.all(), organisation_wide=not unit)
        )
        # Written as produced: memory does not grow with the number of rows.
        chunks = spreadsheet_chunks(
            rows, headers=HEADERS, file_format=file_format, title=SHEET_TITLE, bom=bom
        )
        if output:
            with open(output, "wb") as file:
                for chunk in chunks:
                    file.write(chunk)
            self.stderr.write(f"{rows_written} rows written to {output}.")
        else:
            for chunk in chunks:
                self.stdout.write(chunk.decode("utf-8"), ending="")
