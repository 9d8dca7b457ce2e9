"""The coverage report's kept counts (registry.coverage.store): derived data, rebuilt when
missing."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from organisation.models import Organisation, Person, Unit
from organisation.permissions import NOBODY, by_huvudman, by_unit
from organisation.queries import RestrictedQuerySet


class CoverageCount(models.Model):
    """A unit's number of coverage findings per check, kept up to date (registry.coverage.store).

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
    departed_people = models.PositiveIntegerField(
        verbose_name=_("ansvar hos person som slutat"), default=0
    )
    declined = models.PositiveIntegerField(verbose_name=_("avböjt"), default=0)
    # Every unconfirmed assignment, however new; the check counts only the old ones, by
    # day (CoverageUnconfirmed).
    unconfirmed = models.PositiveIntegerField(verbose_name=_("ej bekräftat"), default=0)

    ownership = by_unit()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("täckning per enhet")
        verbose_name_plural = _("täckning per enhet")

    def __str__(self):
        return str(self.unit_id)


class CoverageUnconfirmed(models.Model):
    """How many of a unit's assignments have been unconfirmed since a given day, kept up to
    date (registry.coverage.store).

    By day, not as one count: whether an assignment is unconfirmed "for more
    than N days" changes as days pass without a write, so the count is summed
    over the days before the cut-off when it is read.
    """

    derived_data = True  # left out of backups (organisation's backup command)

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("enhet"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    since = models.DateField(verbose_name=_("sedan"))
    assignments = models.PositiveIntegerField(verbose_name=_("ansvar"))

    ownership = by_unit()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ej bekräftat per enhet och dag")
        verbose_name_plural = _("ej bekräftat per enhet och dag")
        constraints = [
            models.UniqueConstraint(fields=["unit", "since"], name="coverageunconfirmed_one_a_day"),
        ]

    def __str__(self):
        return f"{self.unit_id} {self.since}: {self.assignments}"


class CoverageLoad(models.Model):
    """How many assignments a person has in one huvudman, kept up to date
    (registry.coverage.store): at its units, plus their organisation-wide ones
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
    # The person has assignments in this huvudman only (nearly everyone): their load here is
    # their whole load, so whether they are above the limit needs no sum over huvudmän. False
    # when unknown (a row written without it, the database's default): it is then summed,
    # which is also right.
    alone = models.BooleanField(verbose_name=_("enda huvudmannen"), db_default=False)

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
            # Those above the limit among people of one huvudman: a range of this index.
            models.Index(
                fields=["assignments", "organisation"],
                condition=models.Q(alone=True),
                name="coverageload_alone",
            ),
            # The few people of several huvudmän, summed over them.
            models.Index(
                fields=["person", "organisation"],
                condition=models.Q(alone=False),
                name="coverageload_several",
            ),
        ]

    def __str__(self):
        return f"{self.person_id}: {self.assignments}"


class CoverageMark(models.Model):
    """How far CoverageCount and CoverageLoad have read the register: one row.

    `read_up_to` holds the register's largest history and row ids they
    include, and a fingerprint of the catalogue (items' and roles' marks);
    registry.coverage.store reads only what changed after it.
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
