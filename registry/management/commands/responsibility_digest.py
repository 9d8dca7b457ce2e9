"""python manage.py responsibility_digest: e-mail everyone whose assignments changed.

Run once a day from cron or a systemd timer (docs/operations.md); running it
again the same day sends nothing new (registry.notify.services).
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from registry.notify.services import responsibility_digest_send


class Command(BaseCommand):
    help = _("Skickar e-post till dem vars ansvar har ändrats sedan de fick besked senast.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url",
            default=None,
            help=_("Webbplatsens adress i länkarna (annars DIGIANSVAR_SITE_URL)."),
        )

    def handle(self, *args, **options):
        result = responsibility_digest_send(base_url=options["site_url"])
        self.stdout.write(
            _(
                "%(sent)s e-brev skickade; %(people)s personer med ändringar, "
                "%(deferred)s väntar till i morgon (redan underrättade i dag)."
            )
            % {"sent": result.sent, "people": result.people, "deferred": result.deferred}
        )
