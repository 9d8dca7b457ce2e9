"""manage.py scim_token HUVUDMAN [--name NAME]: a SCIM token for the huvudman's provider."""

from django.core.management.base import BaseCommand, CommandError

from organisation.models import Organisation
from provisioning.services import scim_token_create


class Command(BaseCommand):
    help = "Skapar en SCIM-nyckel för huvudmannens inloggningstjänst och skriver ut den en gång."

    def add_arguments(self, parser):
        parser.add_argument("huvudman", help="Huvudmannens namn eller id.")
        parser.add_argument("--name", default="Inloggningstjänst", help="Nyckelns namn.")

    def handle(self, *args, huvudman, name, **options):
        found = Organisation.objects.filter(name=huvudman)
        if huvudman.isdigit():
            found = found | Organisation.objects.filter(pk=int(huvudman))
        if found.count() != 1:
            raise CommandError(f"Ingen entydig huvudman heter {huvudman!r}.")
        token, key = scim_token_create(organisation=found.get(), name=name)
        self.stdout.write(key)
