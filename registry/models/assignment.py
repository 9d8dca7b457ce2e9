"""Who is responsible: an assignment of an item to a role and/or a person, at a unit or
organisation-wide."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organisation.models import Person, Unit
from organisation.permissions import by_unit
from organisation.queries import RestrictedQuerySet
from registry.models.catalogue import Item, Role


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
