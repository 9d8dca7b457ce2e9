"""The school organisation: huvudman, units, people, positions and IT-råd.

Terms from the Karlstad decision keep their Swedish names in the UI; in code:
- huvudman → Organisation
- enhet → Unit (skola, förskola, fritidshem)
- befattning → Position, innehav av befattning → Appointment
- IT-råd → ITCouncil
- hanteringsansvarig (the unit's first line of technical support) →
  Position.Code.FIRST_LINE_CONTACT
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from organisation.permissions import (
    APPOINTMENTS,
    ORGANISATIONS,
    PEOPLE,
    SHARED,
    UNITS,
    by_huvudman,
)
from organisation.queries import RestrictedQuerySet, UnitQuerySet

# Initials as the poster writes them: "A.W", "P.HAR", "S.v.d.K". No spaces, so
# that "A.W ITS" in a spreadsheet cell splits unambiguously.
initials_validator = RegexValidator(
    r"^[^\s;,]+$", _("Initialer får inte innehålla mellanslag, semikolon eller komma.")
)


class Organisation(models.Model):
    """A huvudman: the municipality's education administration or an independent provider."""

    name = models.CharField(verbose_name=_("namn"), max_length=200)
    slug = models.SlugField(verbose_name=_("kortnamn"), unique=True)
    # The decision: "en fjärdedel av verksamhetsutvecklarnas totala resurs
    # riktas till förskolans verksamhet och övriga till skolans".
    developer_preschool_percent = models.PositiveSmallIntegerField(
        verbose_name=_("verksamhetsutvecklarnas andel för förskola (%)"),
        default=25,
        validators=[MaxValueValidator(100)],
        help_text=_("Resten av verksamhetsutvecklarnas tid går till skolan."),
    )

    ownership = ORGANISATIONS
    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("huvudman")
        verbose_name_plural = _("huvudmän")

    def __str__(self):
        return self.name

    # get_absolute_url: settings.ABSOLUTE_URL_OVERRIDES (the page shows coverage too).


class Unit(models.Model):
    """An enhet: a school, preschool or fritidshem led by a rektor."""

    class Kind(models.TextChoices):
        SCHOOL = "skola", _("Skola")
        PRESCHOOL = "forskola", _("Förskola")
        AFTER_SCHOOL = "fritidshem", _("Fritidshem")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("huvudman"),
        on_delete=models.PROTECT,
        related_name="units",
    )
    slug = models.SlugField(verbose_name=_("kortnamn"), unique=True)
    name = models.CharField(verbose_name=_("namn"), max_length=200)
    kind = models.CharField(
        verbose_name=_("typ"), max_length=20, choices=Kind.choices, default=Kind.SCHOOL
    )

    ownership = UNITS
    objects = UnitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")
        # Pickers, paged unit lists and the admin list units by name.
        indexes = [models.Index(fields=["name", "id"], name="unit_name")]
        permissions = [
            # Granted per unit with django-guardian: edit the unit's
            # assignments, people and positions.
            ("manage_unit", _("Kan redigera enhetens ansvarsfördelning")),
        ]

    def __str__(self):
        return self.name


class UnitUserObjectPermission(UserObjectPermissionBase):
    """A user's permission on one unit (guardian, direct foreign key)."""

    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("användares rättighet till en enhet")
        verbose_name_plural = _("användares rättigheter till enheter")


class UnitGroupObjectPermission(GroupObjectPermissionBase):
    """A group's permission on one unit (guardian, direct foreign key)."""

    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("gruppers rättighet till en enhet")
        verbose_name_plural = _("gruppers rättigheter till enheter")


# The fields a sign-in through the identity provider may link a person by
# (DIGIANSVAR_OIDC_PERSON_FIELD). Only organisation-wide managers change them:
# whoever sets them decides whose account a first sign-in finds.
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


class ITCouncil(models.Model):
    """An IT-råd: rektorer who steer digitalisation for förskola or skola, led by one of them."""

    class School(models.TextChoices):
        PRESCHOOL = "forskola", _("Förskola")
        SCHOOL = "skola", _("Skola")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("huvudman"),
        on_delete=models.CASCADE,
        related_name="it_councils",
    )
    school_form = models.CharField(
        verbose_name=_("skolform"), max_length=20, choices=School.choices
    )
    name = models.CharField(verbose_name=_("namn"), max_length=100)
    members = models.ManyToManyField(
        Person,
        verbose_name=_("ledamöter"),
        through="ITCouncilMembership",
        related_name="it_councils",
    )

    ownership = by_huvudman()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "school_form"]
        verbose_name = _("IT-råd")
        verbose_name_plural = _("IT-råd")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "school_form"], name="itcouncil_one_per_school_form"
            ),
        ]

    def __str__(self):
        return self.name


class ITCouncilMembership(models.Model):
    """A person's seat in an IT-råd; exactly one member may lead it."""

    council = models.ForeignKey(
        ITCouncil, verbose_name=_("IT-råd"), on_delete=models.CASCADE, related_name="memberships"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    is_leader = models.BooleanField(verbose_name=_("ledare"), default=False)

    ownership = by_huvudman("council__organisation")
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["council", "-is_leader", "person__initials"]
        verbose_name = _("ledamot i IT-råd")
        verbose_name_plural = _("ledamöter i IT-råd")
        constraints = [
            models.UniqueConstraint(
                fields=["council", "person"], name="itcouncilmembership_unique_person"
            ),
            models.UniqueConstraint(
                fields=["council"],
                condition=models.Q(is_leader=True),
                name="itcouncilmembership_one_leader",
                violation_error_message=_("Ett IT-råd kan bara ha en ledare."),
            ),
        ]

    def __str__(self):
        return f"{self.council}: {self.person}"


class ProblemKind(models.TextChoices):
    """The kinds of problem the decision's support chain tells apart."""

    PEDAGOGY = "pedagogik", _("Pedagogiskt")
    TECHNOLOGY = "teknik", _("Tekniskt")
    SYSTEMS = "system", _("System")

    @property
    def problem_title(self):
        """The kind as one phrase ("Tekniskt problem", "Systemproblem"), for headings."""
        return {
            "pedagogik": _("Pedagogiskt problem"),
            "teknik": _("Tekniskt problem"),
            "system": _("Systemproblem"),
        }[self.value]


class ServiceAgreement(models.Model):
    """A huvudman's serviceavtal: who takes a problem the unit cannot solve, per kind.

    The decision leaves it to the agreements whether IT-enheten or a
    verksamhetsutvecklare takes over; where the supplier (leverantören) handles
    support, the verksamhetsutvecklare are the ones who contact it.
    """

    class Handler(models.TextChoices):
        IT_UNIT = "it-enheten", _("IT-enheten")
        DEVELOPER = "verksamhetsutvecklare", _("Verksamhetsutvecklare")
        SUPPLIER = "leverantor", _("Leverantören (via verksamhetsutvecklare)")

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("huvudman"),
        on_delete=models.CASCADE,
        related_name="service_agreement",
    )
    pedagogy_handler = models.CharField(
        verbose_name=_("pedagogiska problem går till"),
        max_length=30,
        choices=Handler.choices,
        default=Handler.DEVELOPER,
    )
    technology_handler = models.CharField(
        verbose_name=_("tekniska problem går till"),
        max_length=30,
        choices=Handler.choices,
        default=Handler.IT_UNIT,
    )
    systems_handler = models.CharField(
        verbose_name=_("systemproblem går till"),
        max_length=30,
        choices=Handler.choices,
        default=Handler.DEVELOPER,
    )
    it_unit_name = models.CharField(
        verbose_name=_("IT-enhetens namn"), max_length=200, default="IT-enheten"
    )
    it_unit_email = models.EmailField(verbose_name=_("IT-enhetens e-post"), blank=True)
    it_unit_phone = models.CharField(
        verbose_name=_("IT-enhetens telefon"), max_length=40, blank=True
    )
    supplier_name = models.CharField(verbose_name=_("leverantör"), max_length=200, blank=True)
    supplier_email = models.EmailField(verbose_name=_("leverantörens e-post"), blank=True)
    supplier_phone = models.CharField(
        verbose_name=_("leverantörens telefon"), max_length=40, blank=True
    )

    ownership = by_huvudman()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["organisation"]
        verbose_name = _("serviceavtal")
        verbose_name_plural = pgettext_lazy("plural", "serviceavtal")

    def __str__(self):
        return str(_("Serviceavtal för %(organisation)s") % {"organisation": self.organisation})

    def handler_for(self, kind):
        return {
            ProblemKind.PEDAGOGY: self.pedagogy_handler,
            ProblemKind.TECHNOLOGY: self.technology_handler,
            ProblemKind.SYSTEMS: self.systems_handler,
        }[kind]

    def clean(self):
        uses_supplier = self.Handler.SUPPLIER in {
            self.pedagogy_handler,
            self.technology_handler,
            self.systems_handler,
        }
        if uses_supplier and not self.supplier_name:
            raise ValidationError(
                {"supplier_name": _("Ange leverantören när den hanterar någon typ av problem.")}
            )
