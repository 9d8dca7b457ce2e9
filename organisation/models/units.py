"""Huvudman and enhet: Organisation, Unit, and guardian's two tables of grants on a unit."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from organisation.permissions import (
    ORGANISATIONS,
    UNITS,
)
from organisation.queries import RestrictedQuerySet, UnitQuerySet


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
