from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from registry.seed.demo import DEMO_SLUG, demo_organisation_generate


class Command(BaseCommand):
    help = (
        "Build a synthetic huvudman (Demokommunen) with N units, people in every position and "
        "the seed blueprint per unit, with deliberate gaps. Same seed, same data. Runs the seed "
        "first if it is missing. Leaves an existing demo alone unless --reset is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=20, help="number of units (default 20)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--reset", action="store_true", help="remove the existing demo huvudman first"
        )
        parser.add_argument(
            "--slug", default=DEMO_SLUG, help=f"the demo huvudman's slug (default {DEMO_SLUG})"
        )

    def handle(self, *args, units, seed, reset, slug, **options):
        if units < 1:
            raise CommandError("--units måste vara minst 1.")
        try:
            result = demo_organisation_generate(units=units, seed=seed, reset=reset, slug=slug)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        counts = (
            f"{result['units']} enheter, {result['people']} personer, "
            f"{result['appointments']} uppdrag, {result['assignments']} ansvariga"
        )
        if not result["created"]:
            self.stdout.write(
                f"{slug} finns redan ({counts}); inget ändrat. Kör med --reset för att bygga om."
            )
            return
        self.stdout.write(self.style.SUCCESS(f"Skapade {slug}: {counts} på {result['seconds']} s."))
