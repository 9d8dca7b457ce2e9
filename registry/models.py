"""The blueprint: areas, columns, responsibility items, roles and who is assigned.

The poster's words in code:
- område (HYGIEN, ADMINISTRATION, PEDAGOGIK) → Area
- kolumn (Administration, Pedagogisk administration, …) → Column
- ansvarsområde → Item
- roll (ITS, LÄR, "Resp chef") → Role
- ansvarig → Assignment
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organisation.models import Organisation, Person, Position, ProblemKind, Unit
from organisation.permissions import NOBODY, SHARED, SITE_WIDE, by_huvudman, by_unit
from organisation.queries import RestrictedQuerySet

GROUP_SEPARATOR = " | "


class Blueprint(models.Model):
    """A published version of a huvudman's blueprint: its label and a snapshot of the register.

    The snapshot (registry.versions) holds the catalogue once and every
    assignment of the huvudman as a compact tuple, so that the poster can be
    shown as it was and compared with another version or with the live
    register. A version is written once, by `versions.blueprint_publish`.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("huvudman"),
        on_delete=models.PROTECT,
        related_name="blueprints",
        # Empty only on labels from before versions had snapshots.
        null=True,
    )
    title = models.CharField(verbose_name=_("titel"), max_length=200)
    version = models.CharField(verbose_name=_("version"), max_length=20)
    published = models.DateField(verbose_name=_("datum"))
    note = models.TextField(verbose_name=_("anteckning"), blank=True)
    snapshot = models.JSONField(verbose_name=_("ögonblicksbild"), default=dict, editable=False)
    published_at = models.DateTimeField(verbose_name=_("publicerad"), null=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("publicerad av"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )

    # The snapshot never changes after publishing; history needs no copy of it.

    ownership = by_huvudman()
    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["snapshot"])

    class Meta:
        ordering = ["-published", "-id"]
        verbose_name = _("version av ansvarsfördelningen")
        verbose_name_plural = _("versioner av ansvarsfördelningen")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "version"],
                name="blueprint_unique_version",
                violation_error_message=_("Huvudmannen har redan en version med det numret."),
            ),
        ]

    def __str__(self):
        return f"{self.title} {self.version} ({self.published:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("registry:version_detail", args=[self.pk])

    @property
    def has_snapshot(self):
        return bool(self.snapshot)


class BlueprintRows(models.Model):
    """One unit's assignments in a published version (unit 0: the organisation-wide ones).

    Kept per unit so that comparing or showing one unit reads one small row,
    not the whole huvudman. `unit_id` is a plain number, not a foreign key:
    a version keeps a unit that is later removed.
    """

    blueprint = models.ForeignKey(
        Blueprint,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="unit_rows",
    )
    unit_id = models.PositiveIntegerField(verbose_name=_("enhet"))
    rows = models.JSONField(verbose_name=_("ansvariga"), default=dict)

    ownership = by_huvudman("blueprint__organisation")
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["blueprint", "unit_id"]
        verbose_name = _("enhetens ansvariga i en version")
        verbose_name_plural = _("enheternas ansvariga i en version")
        constraints = [
            models.UniqueConstraint(
                fields=["blueprint", "unit_id"], name="blueprintrows_one_per_unit"
            ),
        ]

    def __str__(self):
        return f"{self.blueprint}: {self.unit_id}"


class Area(models.Model):
    """An område of the poster (HYGIEN, ADMINISTRATION, PEDAGOGIK)."""

    slug = models.SlugField(verbose_name=_("kortnamn"), unique=True)
    name = models.CharField(verbose_name=_("namn"), max_length=100, unique=True)
    subtitle = models.CharField(verbose_name=_("underrubrik"), max_length=200, blank=True)
    order = models.PositiveIntegerField(verbose_name=_("ordning"), default=0)

    ownership = SHARED
    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("område")
        verbose_name_plural = _("områden")

    def __str__(self):
        return self.name


class Column(models.Model):
    """A column inside an area, such as "Pedagogisk administration"."""

    area = models.ForeignKey(
        Area, verbose_name=_("område"), on_delete=models.PROTECT, related_name="columns"
    )
    slug = models.SlugField(verbose_name=_("kortnamn"))
    name = models.CharField(verbose_name=_("namn"), max_length=100)
    order = models.PositiveIntegerField(verbose_name=_("ordning"), default=0)

    ownership = SHARED
    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["area__order", "order", "name"]
        verbose_name = _("kolumn")
        verbose_name_plural = _("kolumner")
        constraints = [
            models.UniqueConstraint(fields=["area", "slug"], name="column_unique_slug"),
            models.UniqueConstraint(fields=["area", "name"], name="column_unique_name"),
        ]

    def __str__(self):
        return f"{self.area.name} / {self.name}"


# The seed's role names, translated: a role keeps its name as data (admin may
# rename it), and while the name is still the seed's, the user's language shows.
ROLE_NAMES = {
    "IT-samordnare": _("IT-samordnare"),
    "IT-pedagog": _("IT-pedagog"),
    "Skolsekreterare": _("Skolsekreterare"),
    "Vaktmästare": _("Vaktmästare"),
    "Lärare": _("Lärare"),
    "Specialpedagog": _("Specialpedagog"),
    "Mentor": _("Mentor"),
    "Elevhälsan": _("Elevhälsan"),
    "Administrativ chef": _("Administrativ chef"),
    "Rektor": _("Rektor"),
    "Biträdande rektor": _("Biträdande rektor"),
    "Respektive chef": _("Respektive chef"),
    "IT-strateg": _("IT-strateg"),
    "Ekonom": _("Ekonom"),
    "Utbildningschef": _("Utbildningschef"),
    "Verksamhetsutvecklare digitalisering": _("Verksamhetsutvecklare digitalisering"),
    "Chef för verksamhetsutvecklarna": _("Chef för verksamhetsutvecklarna"),
    "IT-handledare": _("IT-handledare"),
    "Hanteringsansvarig": _("Hanteringsansvarig"),
}


class Role(models.Model):
    """A role that carries responsibility (ITS, LÄR, "Resp chef"), optionally a position.

    Its kind says how the role is filled at a unit (docs/roles.md): individual
    roles are held by named people, recorded once as appointments to the
    role's position; collective roles mean everyone with that function at the
    unit; relative roles mean the asker's own (their own manager).
    """

    class Kind(models.TextChoices):
        INDIVIDUAL = "individuell", _("Enskild (namngivna personer på enheten)")
        COLLECTIVE = "kollektiv", _("Kollektiv (alla med funktionen på enheten)")
        RELATIVE = "relativ", _("Relativ (den som frågar har sin egen)")

    code = models.CharField(verbose_name=_("kod"), max_length=20, unique=True)
    name = models.CharField(verbose_name=_("namn"), max_length=100)
    description = models.TextField(verbose_name=_("beskrivning"), blank=True)
    kind = models.CharField(
        verbose_name=_("hur rollen fylls"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.INDIVIDUAL,
        help_text=_(
            "Enskild: namngivna personer, utsedda genom uppdrag i befattningen. Kollektiv: "
            "alla med funktionen på enheten (alla lärare). Relativ: var och ens egen (egen chef)."
        ),
    )
    needs_deputy = models.BooleanField(
        verbose_name=_("kräver ersättare"),
        default=False,
        help_text=_("Täckningsrapporten visar ansvar med rollen som saknar ersättare."),
    )
    position = models.OneToOneField(
        Position,
        verbose_name=_("befattning"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="role",
        help_text=_("Befattningen i organisationen som rollen motsvarar, om någon."),
    )
    order = models.PositiveIntegerField(verbose_name=_("ordning"), default=0)

    ownership = SHARED
    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("roll")
        verbose_name_plural = _("roller")

    def __str__(self):
        return f"{self.code} – {self.label}"

    def get_absolute_url(self):
        return reverse("registry:role_detail", args=[self.code])

    @property
    def label(self):
        """The name in the user's language while it is one of the seed's; else as typed."""
        return str(ROLE_NAMES.get(self.name, self.name))


class Item(models.Model):
    """An ansvarsområde; the same name in another column is another item."""

    column = models.ForeignKey(
        Column, verbose_name=_("kolumn"), on_delete=models.PROTECT, related_name="items"
    )
    name = models.CharField(verbose_name=_("ansvarsområde"), max_length=300)
    group = models.CharField(
        verbose_name=_("system/grupp"),
        max_length=100,
        blank=True,
        editable=False,
        help_text=_("Det som står före första ” | ” i namnet, till exempel Skolplattform."),
    )
    description = models.TextField(verbose_name=_("beskrivning"), blank=True)
    needs_deputy = models.BooleanField(
        verbose_name=_("kräver ersättare"),
        default=False,
        help_text=_("Täckningsrapporten visar enheter där ingen ersättare är utsedd."),
    )
    support_kind = models.CharField(
        verbose_name=_("lokalt stöd för"),
        max_length=20,
        choices=ProblemKind.choices,
        blank=True,
        help_text=_(
            "De ansvariga för området på en enhet är första linjen i ”Vem frågar jag?” "
            "för problem av den här typen."
        ),
    )
    keywords = models.TextField(
        verbose_name=_("sökord"),
        blank=True,
        help_text=_(
            "Ord som personalen söker med, åtskilda med komma, till exempel "
            "”lösenord, inloggning, konto”. Engelska ord går också bra."
        ),
    )
    order = models.PositiveIntegerField(verbose_name=_("ordning"), default=0)

    ownership = SHARED
    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["column__area__order", "column__order", "order", "name"]
        verbose_name = _("ansvarsområde")
        verbose_name_plural = _("ansvarsområden")
        constraints = [
            models.UniqueConstraint(fields=["column", "name"], name="item_unique_name_in_column"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The group is part of the name ("Skolplattform | Bedömning"), so it is
        # derived here and can never disagree with it.
        self.group = group_of(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "group"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("registry:item_detail", args=[self.pk])


def group_of(item_name):
    """Return the system or group an item name starts with, or ""."""
    head, separator, _rest = item_name.partition(GROUP_SEPARATOR.strip())
    return head.strip() if separator else ""


class Assignment(models.Model):
    """That a role and/or a person is responsible for an item, at a unit or organisation-wide."""

    class Kind(models.TextChoices):
        # RACI: the poster only knows "ansvarig"; A, C and I are ready for later.
        RESPONSIBLE = "R", _("Ansvarig")
        ACCOUNTABLE = "A", _("Beslutande")
        CONSULTED = "C", _("Konsulteras")
        INFORMED = "I", _("Informeras")

    class Priority(models.TextChoices):
        PRIMARY = "primary", _("Ordinarie")
        DEPUTY = "deputy", _("Ersättare")

    item = models.ForeignKey(
        Item, verbose_name=_("ansvarsområde"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("enhet"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        help_text=_("Tom när ansvaret gäller hela huvudmannen."),
    )
    role = models.ForeignKey(
        Role,
        verbose_name=_("roll"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    kind = models.CharField(
        verbose_name=_("typ"), max_length=1, choices=Kind.choices, default=Kind.RESPONSIBLE
    )
    priority = models.CharField(
        verbose_name=_("prioritet"),
        max_length=10,
        choices=Priority.choices,
        default=Priority.PRIMARY,
    )
    order = models.PositiveIntegerField(verbose_name=_("ordning"), default=0)

    ownership = by_unit(wide="person__organisation")
    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["item__column__area__order", "item__column__order", "item__order", "order"]
        verbose_name = _("ansvarig")
        verbose_name_plural = _("ansvariga")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__isnull=False) | models.Q(person__isnull=False),
                name="assignment_role_or_person",
                violation_error_message=_("Ange en roll, en person eller båda."),
            ),
            # NULL means "none" here (whole organisation, no role, no person),
            # so NULLs must compare equal: coalesce them before comparing.
            models.UniqueConstraint(
                "item",
                Coalesce("unit", 0),
                Coalesce("role", 0),
                Coalesce("person", 0),
                "kind",
                name="assignment_unique",
                violation_error_message=_("Den här ansvarsfördelningen finns redan."),
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "item"], name="assignment_unit_item"),
            models.Index(fields=["person", "unit"], name="assignment_person_unit"),
            models.Index(fields=["role", "unit"], name="assignment_role_unit"),
        ]

    def __str__(self):
        who = " ".join(str(part) for part in (self.person_initials, self.role_code) if part)
        return f"{self.item}: {who}"

    @property
    def person_initials(self):
        return self.person.initials if self.person_id else ""

    @property
    def role_code(self):
        return self.role.code if self.role_id else ""

    def clean(self):
        if (
            self.unit_id
            and self.person_id
            and self.person.organisation_id != self.unit.organisation_id
        ):
            raise ValidationError({"person": _("Personen hör till en annan huvudman än enheten.")})


class CoverageCount(models.Model):
    """A unit's number of coverage findings per check, kept up to date (registry.coverage_store).

    Derived data: rebuilt from the register whenever it is missing, so
    backups leave it out. The people above the assignment limit are counted
    from CoverageLoad instead, since a person counts once however many units
    they work at.
    """

    derived_data = True  # left out of backups (organisation's backup command)

    unit = models.OneToOneField(
        Unit,
        verbose_name=_("enhet"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="coverage_count",
    )
    unfilled_roles = models.PositiveIntegerField(verbose_name=_("roller utan innehavare"))
    items_without_responsible = models.PositiveIntegerField(
        verbose_name=_("ansvarsområden utan ansvarig")
    )
    missing_positions = models.PositiveIntegerField(
        verbose_name=_("saknade IT-handledare och hanteringsansvariga")
    )
    missing_deputies = models.PositiveIntegerField(verbose_name=_("saknade ersättare"))
    disagreements = models.PositiveIntegerField(verbose_name=_("olika uppgifter"))

    ownership = by_unit()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("täckning per enhet")
        verbose_name_plural = _("täckning per enhet")

    def __str__(self):
        return str(self.unit_id)


class CoverageLoad(models.Model):
    """How many assignments a person has in one huvudman, kept up to date
    (registry.coverage_store): at its units, plus their organisation-wide ones
    under their own huvudman."""

    derived_data = True  # left out of backups (organisation's backup command)

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("huvudman"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    assignments = models.PositiveIntegerField(verbose_name=_("uppdrag"))

    ownership = by_huvudman()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("uppdrag per person och huvudman")
        verbose_name_plural = _("uppdrag per person och huvudman")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation"], name="coverageload_one_per_organisation"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "person"], name="coverageload_organisation"),
        ]

    def __str__(self):
        return f"{self.person_id}: {self.assignments}"


class CoverageMark(models.Model):
    """How far CoverageCount and CoverageLoad have read the register: one row.

    `read_up_to` holds the register's largest history and row ids they
    include, and a fingerprint of the catalogue (items' and roles' marks);
    registry.coverage_store reads only what changed after it.
    """

    derived_data = True  # left out of backups (organisation's backup command)

    read_up_to = models.JSONField(verbose_name=_("läst till och med"), default=dict)

    ownership = NOBODY
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("täckningens läsmärke")
        verbose_name_plural = _("täckningens läsmärken")

    def __str__(self):
        return str(self.read_up_to)


class SearchWord(models.Model):
    """An everyday word of the word list, and the words of the items it means (docs/search.md).

    "passerbrickan" means "passerkort": a question with the word is answered
    as if it held those words too. Staff grow the list in admin, from the
    week's unanswered questions (UnansweredSearch) or a spreadsheet.
    """

    word = models.CharField(
        verbose_name=_("ord"),
        max_length=60,
        unique=True,
        help_text=_("Ett ord som personalen söker med, till exempel ”passerbricka”."),
        error_messages={"unique": _("Ordet finns redan i ordlistan.")},
    )
    means = models.CharField(
        verbose_name=_("betyder"),
        max_length=300,
        help_text=_(
            "Sökord eller ord ur ansvarsområdenas namn, åtskilda med komma, till exempel "
            "”passerkort, tjänstekort”."
        ),
    )
    note = models.CharField(verbose_name=_("anteckning"), max_length=200, blank=True)

    ownership = SHARED
    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["word"]
        verbose_name = _("sökord i ordlistan")
        verbose_name_plural = _("ordlista för sökningen")

    def __str__(self):
        return f"{self.word} → {self.means}"

    def clean(self):
        self.word = self.word.strip().casefold()
        if not self.word or any(character.isspace() for character in self.word):
            raise ValidationError({"word": _("Skriv ett ord, utan mellanslag.")})


class UnansweredSearch(models.Model):
    """A question that found no item, counted per day: its words only, never who asked."""

    TEXT_LENGTH = 200

    day = models.DateField(verbose_name=_("dag"))
    text = models.CharField(verbose_name=_("fråga"), max_length=TEXT_LENGTH)
    count = models.PositiveIntegerField(verbose_name=_("antal"), default=1)

    ownership = SITE_WIDE
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-count", "text"]
        verbose_name = _("obesvarad sökning")
        verbose_name_plural = _("obesvarade sökningar")
        constraints = [
            models.UniqueConstraint(fields=["day", "text"], name="unanswered_search_unique_day"),
        ]

    def __str__(self):
        return self.text
