from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from organisation.models import Unit
from registry.models import Item
from registry.resources import EXPORT_FORMATS, blueprint_csv_chunks, blueprint_rows, blueprint_write


class Command(BaseCommand):
    help = (
        "Export the blueprint (Enhet;Område;Kolumn;Ansvarsområde;Ansvariga;Beskrivning), "
        "csv to standard output unless -o is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", metavar="SLUG", help="only this unit (default: all)")
        parser.add_argument("--format", choices=EXPORT_FORMATS, help="default: from -o, or csv")
        parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE")
        parser.add_argument(
            "--user", metavar="USERNAME", help="export only the units this user may see"
        )
        parser.add_argument(
            "--bom", action="store_true", help="start csv with a byte-order mark (for Excel)"
        )

    def handle(self, *args, unit, format, output, user, bom, **options):
        file_format = format or (Path(output).suffix.lstrip(".").lower() if output else "csv")
        if file_format not in EXPORT_FORMATS:
            raise CommandError(f"Unknown format {file_format!r}; use one of {EXPORT_FORMATS}.")
        if file_format != "csv" and not output:
            raise CommandError(f"{file_format} is binary: give a file with -o.")
        units = Unit.objects.all()
        if user:
            try:
                units = units.visible_to(get_user_model().objects.get(username=user))
            except get_user_model().DoesNotExist as error:
                raise CommandError(f"No user {user!r}.") from error
        if unit:
            units = units.filter(slug=unit)
            if not units.exists():
                raise CommandError(f"No unit {unit!r} (or not visible to the user).")
        # Streamed: rows are read a chunk of units at a time and written as
        # they come, so memory does not grow with the number of units.
        counted = _Counted(
            blueprint_rows(units=units, items=Item.objects.all(), organisation_wide=not unit)
        )
        if output:
            with open(output, "wb") as target:
                blueprint_write(counted, file_format, target, bom=bom)
            self.stderr.write(f"{counted.count} rows written to {output}.")
        else:
            for chunk in blueprint_csv_chunks(counted, bom=bom):
                self.stdout.write(chunk.decode("utf-8"), ending="")


class _Counted:
    """Pass rows through, counting them."""

    def __init__(self, rows):
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row
