"""The yearly review (granskning) of the blueprint, which every rektor signs off.

The decision's words in code:
- granskningsomgång (for a läsår, with a sista dag) → ReviewRound
- en enhets granskning, som rektor godkänner eller skickar tillbaka med frågor
  → UnitReview
- IT-strateg, who follows every unit's status and reminds → the permission
  review.view_review_status (the group "IT-strateg")
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organisation.models import Organisation, Unit
from organisation.permissions import by_huvudman, by_unit
from organisation.queries import RestrictedQuerySet
from registry.models import Blueprint

VIEW_REVIEW_STATUS = "review.view_review_status"


class ReviewRound(models.Model):
    """A review round for one school year of a huvudman: every unit goes through its blueprint."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("huvudman"),
        on_delete=models.PROTECT,
        related_name="review_rounds",
    )
    title = models.CharField(
        verbose_name=_("namn"), max_length=100, help_text=_("Till exempel Läsår 2026/27.")
    )
    deadline = models.DateField(verbose_name=_("sista dag"))
    opened_at = models.DateTimeField(verbose_name=_("öppnad"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("öppnad av"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )

    ownership = by_huvudman()
    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-deadline", "-pk"]
        verbose_name = _("granskningsomgång")
        verbose_name_plural = _("granskningsomgångar")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "title"],
                name="reviewround_unique_title",
                violation_error_message=_("Huvudmannen har redan en omgång med det namnet."),
            ),
        ]
        permissions = [
            (
                "view_review_status",
                _("Kan se alla enheters granskning och skicka påminnelser"),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.organisation})"

    def get_absolute_url(self):
        return reverse("review:round_status", args=[self.pk])


class UnitReview(models.Model):
    """One unit's part of a round: its rektor signs it off, or returns it with questions."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Ej granskad")
        RETURNED = "returned", _("Tillbaka med frågor")
        SIGNED = "signed", _("Godkänd")

    round = models.ForeignKey(
        ReviewRound,
        verbose_name=_("omgång"),
        on_delete=models.CASCADE,
        related_name="unit_reviews",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("enhet"), on_delete=models.CASCADE, related_name="reviews"
    )
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    comment = models.TextField(verbose_name=_("kommentar"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(verbose_name=_("när"), null=True, blank=True)
    # The version in force when the unit was signed off: the next round lists
    # the changes since it.
    version = models.ForeignKey(
        Blueprint,
        verbose_name=_("version vid godkännandet"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reminded_at = models.DateTimeField(verbose_name=_("senast påmind"), null=True, blank=True)

    ownership = by_unit()
    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "unit__name"]
        verbose_name = _("enhetens granskning")
        verbose_name_plural = _("enheternas granskning")
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="unitreview_one_per_unit"),
        ]

    def __str__(self):
        return f"{self.round.title}: {self.unit}"

    def get_absolute_url(self):
        return reverse("review:unit_review", args=[self.round_id, self.unit.slug])
