"""The IT-råd (förskola, skola): ITCouncil and who sits on it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from organisation.models.people import Person
from organisation.models.units import Organisation
from organisation.permissions import (
    by_huvudman,
)
from organisation.queries import RestrictedQuerySet


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
