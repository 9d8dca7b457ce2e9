"""Published versions of a huvudman's blueprint (registry.versions)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organisation.models import Organisation
from organisation.permissions import by_huvudman
from organisation.queries import RestrictedQuerySet


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
