"""Told and confirmed (registry.notify): a person's confirmation of an assignment, and how far
the responsibility e-mails have told each person.

The words in code:
- bekräftad / avböjd (confirmed / declined) → AssignmentConfirmation.State
- "ej bekräftad": no confirmation for the assignment's current person and role
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organisation.models import Person
from organisation.permissions import NOBODY, by_unit
from organisation.queries import RestrictedQuerySet
from registry.models.assignment import Assignment
from registry.models.catalogue import Role


class AssignmentConfirmation(models.Model):
    """That a person confirmed or declined an assignment, as it named them and their role.

    The row keeps the person and role it was given for: once the assignment
    moves to another person or role, it no longer matches and the assignment
    is "ej bekräftad" again.
    """

    class State(models.TextChoices):
        CONFIRMED = "confirmed", _("Bekräftad")
        DECLINED = "declined", _("Avböjd")

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("ansvarig"),
        on_delete=models.CASCADE,
        related_name="confirmations",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="confirmations",
    )
    role = models.ForeignKey(
        Role,
        verbose_name=_("roll"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(verbose_name=_("svar"), max_length=10, choices=State.choices)
    comment = models.TextField(verbose_name=_("kommentar"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("besvarad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(verbose_name=_("besvarad"), default=timezone.now)

    ownership = by_unit("assignment__unit", wide="assignment__person__organisation")
    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["assignment", "person", "pk"]
        verbose_name = _("bekräftelse")
        verbose_name_plural = _("bekräftelser")
        constraints = [
            models.UniqueConstraint(
                "assignment",
                "person",
                Coalesce("role", 0),
                name="assignmentconfirmation_unique",
                violation_error_message=_("Personen har redan svarat på det här ansvaret."),
            ),
            models.CheckConstraint(
                condition=~models.Q(state="declined", comment=""),
                name="assignmentconfirmation_declined_has_comment",
                violation_error_message=_("Skriv varför du avböjer."),
            ),
        ]

    def __str__(self):
        return f"{self.assignment_id}: {self.person_id} {self.state}"


class DigestMark(models.Model):
    """How far the responsibility e-mails have told one person (registry.notify.digest).

    The row with no person is the starting point for everyone without a row
    of their own. `told_up_to` is the assignments' largest history id the
    last e-mail (or the run that found nothing to say) included.
    """

    person = models.OneToOneField(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    told_up_to = models.BigIntegerField(verbose_name=_("berättat till och med"))
    sent_on = models.DateField(verbose_name=_("senast skickat"), null=True, blank=True)

    ownership = NOBODY
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("utskicksmärke")
        verbose_name_plural = _("utskicksmärken")
        constraints = [
            models.UniqueConstraint(Coalesce("person", 0), name="digestmark_one_per_person"),
        ]

    def __str__(self):
        return f"{self.person_id}: {self.told_up_to}"


class UsedConfirmationLink(models.Model):
    """A confirmation link's nonce, stored when the link is used, so it works once."""

    nonce = models.CharField(verbose_name=_("engångsvärde"), max_length=64, unique=True)
    used_at = models.DateTimeField(verbose_name=_("använd"), default=timezone.now)

    ownership = NOBODY
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("använd bekräftelselänk")
        verbose_name_plural = _("använda bekräftelselänkar")

    def __str__(self):
        return self.nonce
