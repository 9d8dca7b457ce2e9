"""People and their posts: Person, Position (befattning) and Appointment (innehav av befattning)."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organisation.models.units import Organisation, Unit
from organisation.permissions import (
    APPOINTMENTS,
    PEOPLE,
    SHARED,
)
from organisation.queries import RestrictedQuerySet

# Initials as the poster writes them: "A.W", "P.HAR", "S.v.d.K". No spaces, so
# that "A.W ITS" in a spreadsheet cell splits unambiguously.
initials_validator = RegexValidator(
    r"^[^\s;,]+$", _("Initialer får inte innehålla mellanslag, semikolon eller komma.")
)

SIGN_IN_FIELDS = ("email", "employee_number")
# The fields the identity provider keeps through SCIM (docs/scim.md): who the
# person is to the provider, and whether they have left. Nobody edits them in
# admin: a changed external id would point the provider at another person, and
# "active" there would not switch the account off.
PROVISIONED_FIELDS = ("user_name", "external_id", "active", "left_at")


class Person(models.Model):
    """A member of staff, known on the poster by initials only.

    Name, title (befattningstitel), e-mail and phone are optional: shown to
    logged-in users who may see the person, so that they can reach them.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("huvudman"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    initials = models.CharField(
        verbose_name=_("initialer"), max_length=20, validators=[initials_validator]
    )
    name = models.CharField(verbose_name=_("namn"), max_length=200, blank=True)
    title = models.CharField(
        verbose_name=_("titel"),
        max_length=200,
        blank=True,
        help_text=_("Befattningstitel, till exempel IT-samordnare."),
    )
    email = models.EmailField(verbose_name=_("e-post"), blank=True)
    phone = models.CharField(verbose_name=_("telefon"), max_length=40, blank=True)
    employee_number = models.CharField(
        verbose_name=_("anställningsnummer"),
        max_length=40,
        blank=True,
        help_text=_("Kopplar inloggning via organisationens inloggningstjänst till personen."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användarkonto"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    # Set by the identity provider's provisioning (SCIM, docs/scim.md); a person who has
    # left keeps their history, cannot sign in, and their responsibilities are flagged.
    active = models.BooleanField(
        verbose_name=_("aktiv"),
        default=True,
        help_text=_("Avmarkerad när personen har slutat: kan inte logga in."),
    )
    left_at = models.DateTimeField(verbose_name=_("slutade"), null=True, blank=True)
    user_name = models.CharField(
        verbose_name=_("användarnamn hos inloggningstjänsten"),
        max_length=200,
        blank=True,
        help_text=_("SCIM userName, satt av inloggningstjänstens provisionering."),
    )
    external_id = models.CharField(
        verbose_name=_("externt id"),
        max_length=200,
        blank=True,
        help_text=_("SCIM externalId, satt av inloggningstjänstens provisionering."),
    )

    ownership = PEOPLE
    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["initials"]
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "initials"], name="person_unique_initials"
            ),
            models.UniqueConstraint(
                fields=["organisation", "employee_number"],
                condition=~models.Q(employee_number=""),
                name="person_unique_employee_number",
                violation_error_message=_(
                    "Anställningsnumret används redan av en annan person hos huvudmannen."
                ),
            ),
            models.UniqueConstraint(
                fields=["organisation", "user_name"],
                condition=~models.Q(user_name=""),
                name="person_unique_user_name",
                violation_error_message=_(
                    "Användarnamnet används redan av en annan person hos huvudmannen."
                ),
            ),
        ]
        # The person page finds someone by initials alone (all huvudmän).
        indexes = [models.Index(fields=["initials"], name="person_initials")]

    def __str__(self):
        """ "A.W – Anna Westin, IT-samordnare": initials, then name and title where known."""
        known = ", ".join(part for part in (self.name, self.title) if part)
        return f"{self.initials} – {known}" if known else self.initials

    @property
    def display_name(self):
        return self.name or self.initials

    @property
    def phone_uri(self):
        """The phone number for a tel: link: digits and a leading +, no spaces or dashes."""
        return "".join(c for c in self.phone if c.isdigit() or c == "+")


class Position(models.Model):
    """A befattning from the organisation decision, at its organisational level."""

    class Level(models.TextChoices):
        HUVUDMAN = "huvudman", _("Huvudmannanivå")
        SHARED = "gemensam", _("Gemensamma resurser för enheterna")
        UNIT = "enhet", _("Enhetsnivå")

    class Code(models.TextChoices):
        IT_STRATEGIST = "it-strateg", _("IT-strateg")
        ECONOMIST = "ekonom", _("Ekonom")
        HEAD_OF_EDUCATION = "utbildningschef", _("Utbildningschef")
        DEVELOPER = "verksamhetsutvecklare", _("Verksamhetsutvecklare digitalisering")
        DEVELOPER_MANAGER = "chef-verksamhetsutvecklare", _("Chef för verksamhetsutvecklarna")
        PRINCIPAL = "rektor", _("Rektor")
        IT_MENTOR = "it-handledare", _("IT-handledare")
        FIRST_LINE_CONTACT = "hanteringsansvarig", _("Hanteringsansvarig")

    code = models.SlugField(verbose_name=_("kod"), unique=True, max_length=40)
    name = models.CharField(verbose_name=_("namn"), max_length=100)
    level = models.CharField(verbose_name=_("nivå"), max_length=20, choices=Level.choices)
    description = models.TextField(verbose_name=_("uppdrag"), blank=True)
    order = models.PositiveIntegerField(verbose_name=_("ordning"), default=0)

    ownership = SHARED
    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("befattning")
        verbose_name_plural = _("befattningar")

    def __str__(self):
        return str(self.label)

    @property
    def label(self):
        """The name in the user's language: the translated Code label for the known positions."""
        if self.code in self.Code.values:
            return self.Code(self.code).label
        return self.name


class Appointment(models.Model):
    """Who holds which position, and where: at a unit, or organisation-wide (no unit)."""

    class Focus(models.TextChoices):
        PEDAGOGY = "pedagogik", _("Pedagogik")
        SYSTEMS = "system", _("System")
        TECHNOLOGY = "teknik", _("Teknik")
        WEB = "webb", _("Kommunikation på webb")

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="appointments",
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("befattning"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("enhet"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="appointments",
        help_text=_("Tom för befattningar på huvudmannanivå och gemensamma resurser."),
    )
    focus = models.CharField(
        verbose_name=_("inriktning"),
        max_length=20,
        choices=Focus.choices,
        blank=True,
        help_text=_("För verksamhetsutvecklare: pedagogik, system, teknik eller webb."),
    )

    ownership = APPOINTMENTS
    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position__order", "unit__name", "person__initials"]
        verbose_name = _("uppdrag")
        verbose_name_plural = _("uppdrag")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "position", "unit", "focus"],
                name="appointment_unique_at_unit",
            ),
            models.UniqueConstraint(
                fields=["person", "position", "focus"],
                condition=models.Q(unit__isnull=True),
                name="appointment_unique_without_unit",
            ),
        ]

    def __str__(self):
        where = self.unit or _("huvudmannen")
        return f"{self.person} – {self.position} ({where})"
