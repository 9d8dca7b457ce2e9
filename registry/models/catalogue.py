"""The catalogue of the poster: areas, columns, roles and responsibility items (shared by every
huvudman)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organisation.models import Position, ProblemKind
from organisation.permissions import SHARED
from organisation.queries import RestrictedQuerySet

GROUP_SEPARATOR = " | "


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
