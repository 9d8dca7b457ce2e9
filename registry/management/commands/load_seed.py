from django.core.management.base import BaseCommand

from registry.seed.load import seed_load


class Command(BaseCommand):
    help = (
        "Load the seed organisation and blueprint (v1.4.0, Årstaviken) into a database "
        "without it. A register already loaded is left as it is: --update lists what the "
        "seed would put back, then does it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="bring a loaded register back to the seed's values (lists the changes first)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="with --update: list the changes, save nothing"
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="with --update: apply without asking",
        )

    def handle(self, *args, update, dry_run, interactive, **options):
        if not update:
            result = seed_load()
            if result.loaded_before:
                self.stdout.write(
                    "Seed already loaded: nothing changed. `load_seed --update` lists what "
                    "the seed would put back, then applies it."
                )
            else:
                self.loaded(result)
            return
        preview = seed_load(update=True, dry_run=True)
        if not preview.changes:
            self.stdout.write("The register holds everything the seed does: nothing to change.")
            return
        count = len(preview.changes)
        self.stdout.write(f"The seed would make {count} change{'' if count == 1 else 's'}:")
        for line in preview.changes:
            self.stdout.write(f"  {line}")
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
            return
        if interactive and input("Apply these changes? Type 'yes' to continue: ") != "yes":
            self.stdout.write("Nothing changed.")
            return
        self.loaded(seed_load(update=True))

    def loaded(self, result):
        self.stdout.write(
            self.style.SUCCESS(
                f"Seed loaded: {result.items} new items, {result.assignments} new assignments."
            )
        )
