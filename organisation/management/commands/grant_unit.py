from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from organisation.models import Unit
from organisation.services import GRANT_ROLES, unit_grant

ALL_UNITS = "alla"
# "lasare" for keyboards and shells without å/ä.
ROLE_ALIASES = {"lasare": "läsare"}


class Command(BaseCommand):
    help = (
        "Ge en användare behörighet till en enhet som rektor (redigera enhetens ansvar, "
        "personer och befattningar) eller läsare. ENHET är enhetens kortnamn, eller "
        f"'{ALL_UNITS}' för alla enheter."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", metavar="ANVÄNDARE")
        parser.add_argument("unit", metavar="ENHET")
        parser.add_argument(
            "--as",
            dest="role",
            default="rektor",
            help="rektor (standard) eller läsare",
        )
        parser.add_argument("--revoke", action="store_true", help="Ta bort behörigheten i stället.")

    def handle(self, *args, username, unit, role, revoke, **options):
        role = ROLE_ALIASES.get(role, role)
        if role not in GRANT_ROLES:
            raise CommandError(
                _("Okänd roll '%(role)s': välj rektor eller läsare.") % {"role": role}
            )
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(
                _("Användaren '%(user)s' finns inte.") % {"user": username}
            ) from None
        if unit == ALL_UNITS:
            target = None
        else:
            try:
                target = Unit.objects.get(slug=unit)
            except Unit.DoesNotExist:
                known = ", ".join(Unit.objects.values_list("slug", flat=True)) or _("inga")
                raise CommandError(
                    _("Enheten '%(unit)s' finns inte (kända kortnamn: %(known)s).")
                    % {"unit": unit, "known": known}
                ) from None
        where = _("alla enheter") if target is None else target.name
        if revoke:
            unit_grant(user=user, unit=target, role=role, revoke=True)
            self.stdout.write(
                _("%(user)s är inte längre %(role)s på %(where)s.")
                % {"user": username, "role": role, "where": where}
            )
            return
        try:
            unit_grant(user=user, unit=target, role=role)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("%(user)s är nu %(role)s på %(where)s.")
                % {"user": username, "role": role, "where": where}
            )
        )
