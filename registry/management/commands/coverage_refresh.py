"""python manage.py coverage_refresh: bring the coverage summary's stored counts up to date.

The first coverage view after a deploy, a restore or a change to the
catalogue's marks counts every unit (seconds at 10,000 units); running this
after `migrate` or `restore` does it outside a request (registry.coverage.store).
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from registry.coverage.store import coverage_store_refresh


class Command(BaseCommand):
    help = _("Räknar om täckningsrapportens sammanfattning för det som har ändrats.")

    def handle(self, *args, **options):
        counted = coverage_store_refresh()
        self.stdout.write(
            ngettext(
                "Täckningen är aktuell: %(units)s enhet räknades om.",
                "Täckningen är aktuell: %(units)s enheter räknades om.",
                counted,
            )
            % {"units": counted}
        )
