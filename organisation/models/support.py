"""Kinds of support matter and who handles each at the huvudman: ProblemKind, ServiceAgreement."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from organisation.models.units import Organisation
from organisation.permissions import (
    by_huvudman,
)
from organisation.queries import RestrictedQuerySet


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
