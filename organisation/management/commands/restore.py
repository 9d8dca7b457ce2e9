"""python manage.py restore FILE: load a backup into an empty database, all or nothing.

Run `migrate` first (the same code version as the backup). The database must
hold no data (rows a migration created, such as groups, do not count), or
`--flush` is needed; the database is emptied and loaded in one transaction,
so a broken file leaves it as it was. A .dump file (backup on PostgreSQL) is
read by pg_restore, also in one transaction (organisation/pg_dump.py).
"""

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils.translation import gettext as _

from organisation import pg_dump
from organisation.management.commands.backup import excluded


def restorable_models():
    """The models a backup holds: every model except the excluded apps and models."""
    left_out = excluded()
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in left_out or meta.label_lower in left_out:
            continue
        if meta.proxy or not meta.managed:
            continue
        yield model


class Command(BaseCommand):
    help = _("Läser in en säkerhetskopia från backup i en tom databas (allt eller inget).")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("Säkerhetskopian som backup skrev"))
        parser.add_argument(
            "--flush",
            action="store_true",
            help=_("Töm databasen först (i samma transaktion som inläsningen)."),
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, file, flush, database, **options):
        if file.endswith(pg_dump.SUFFIX):
            pg_dump.require_postgresql(database)
            self.refuse_filled(database, flush)
            try:
                pg_dump.pg_restore(database=database, source=file)
            except CommandError as error:
                raise self.failed(file, error) from error
        else:
            with transaction.atomic(using=database):
                self.refuse_filled(database, flush)
                # Always emptied first, so the result is exactly the backup.
                call_command("flush", interactive=False, database=database, verbosity=0)
                try:
                    call_command("loaddata", file, database=database, verbosity=0)
                except Exception as error:
                    raise self.failed(file, error) from error
        rows = sum(model._default_manager.using(database).count() for model in restorable_models())
        self.stdout.write(
            _("Återställde %(rows)s rader från %(file)s.") % {"rows": rows, "file": file}
        )

    def refuse_filled(self, database, flush):
        # Rows with natural keys (groups a migration creates) are matched
        # by name, so only other rows make a database count as in use.
        filled = [
            model._meta.label
            for model in restorable_models()
            if not hasattr(model, "natural_key") and model._default_manager.using(database).exists()
        ]
        if filled and not flush:
            raise CommandError(
                _(
                    "Databasen är inte tom (%(models)s). Återställ till en nyss migrerad, "
                    "tom databas eller ange --flush för att tömma den först."
                )
                % {"models": ", ".join(filled[:5]) + (" …" if len(filled) > 5 else "")}
            )

    def failed(self, file, error):
        return CommandError(
            _("Kunde inte läsa in %(file)s, ingenting ändrades: %(error)s")
            % {"file": file, "error": error}
        )
