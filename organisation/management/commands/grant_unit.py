from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from organisation.models import Unit
from organisation.services import GRANT_ROLES, account_create, unit_grant

ALL_UNITS = "alla"
# "lasare" for keyboards and shells without å/ä.
ROLE_ALIASES = {"lasare": "läsare"}


class Command(BaseCommand):
    help = (
        "Ge en användare behörighet till en enhet som rektor (redigera enhetens ansvar, "
        "personer och befattningar) eller läsare. ENHET är enhetens kortnamn, eller "
        f"'{ALL_UNITS}' för alla enheter. Med --create skapas användaren först och kopplas "
        "till sin person (--person)."
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
        parser.add_argument(
            "--create",
            action="store_true",
            help="Skapa användaren först (skriver ut ett lösenord som bara visas nu, "
            "eller skickar en länk med --email).",
        )
        parser.add_argument(
            "--person",
            metavar="INITIALER",
            default="",
            help="Med --create: koppla kontot till personen med dessa initialer hos enhetens "
            "huvudman.",
        )
        parser.add_argument(
            "--email",
            default="",
            help="Med --create: kontots e-postadress; dit skickas en länk för att välja lösenord.",
        )
        parser.add_argument(
            "--site-url",
            default="",
            help="Med --email: webbplatsens adress för länken (standard: första "
            "DJANGO_CSRF_TRUSTED_ORIGINS).",
        )

    def handle(self, *args, username, unit, role, revoke, create, **options):
        role = ROLE_ALIASES.get(role, role)
        if role not in GRANT_ROLES:
            raise CommandError(
                _("Okänd roll '%(role)s': välj rektor eller läsare.") % {"role": role}
            )
        if (options["person"] or options["email"]) and not create:
            raise CommandError(_("--person och --email hör till --create."))
        if create and revoke:
            raise CommandError(_("--create och --revoke går inte ihop."))
        target = self.unit_named(unit)
        where = _("alla enheter") if target is None else target.name
        if create:
            self.create(username, target, role, where, **options)
            return
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(
                _("Användaren '%(user)s' finns inte; --create skapar den.") % {"user": username}
            ) from None
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

    def create(self, username, target, role, where, *, person, email, site_url, **options):
        if email and not site_url:
            if not settings.CSRF_TRUSTED_ORIGINS:
                raise CommandError(
                    _("Ange webbplatsens adress med --site-url, till exempel %(url)s.")
                    % {"url": "https://ansvar.example.se"}
                )
            site_url = settings.CSRF_TRUSTED_ORIGINS[0]
        try:
            created = account_create(
                username=username,
                unit=target,
                role=role,
                person_initials=person,
                email=email,
                site_url=site_url,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Skapade %(user)s, nu %(role)s på %(where)s.")
                % {"user": username, "role": role, "where": where}
            )
        )
        if person:
            self.stdout.write(_("Kopplad till personen %(person)s.") % {"person": person})
        if created.password:
            self.stdout.write(
                _("Lösenord (visas bara nu; byt det efter första inloggningen): %(password)s")
                % {"password": created.password}
            )
        else:
            self.stdout.write(
                _("En länk för att välja lösenord har skickats till %(email)s.") % {"email": email}
            )

    def unit_named(self, unit):
        if unit == ALL_UNITS:
            return None
        try:
            return Unit.objects.get(slug=unit)
        except Unit.DoesNotExist:
            known = ", ".join(Unit.objects.values_list("slug", flat=True)) or _("inga")
            raise CommandError(
                _("Enheten '%(unit)s' finns inte (kända kortnamn: %(known)s).")
                % {"unit": unit, "known": known}
            ) from None
