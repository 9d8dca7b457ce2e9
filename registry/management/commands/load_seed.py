from django.core.management.base import BaseCommand

from registry.services import seed_load


class Command(BaseCommand):
    help = "Load the seed organisation and blueprint (v1.4.0, Årstaviken); safe to run again."

    def handle(self, *args, **options):
        created = seed_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Seed loaded: {created['items']} new items, "
                f"{created['assignments']} new assignments."
            )
        )
