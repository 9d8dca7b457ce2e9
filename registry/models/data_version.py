"""The data version of each part of the register the pages read (registry.data_version)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from organisation.permissions import NOBODY
from organisation.queries import RestrictedQuerySet


class DataVersion(models.Model):
    """A token that changes with every write to one part of the register: a unit, a huvudman,
    the catalogue (registry.data_version).

    Written by database triggers in the same transaction as the write itself
    (migration 0014), so no path can forget it: admin, services, the import,
    bulk writes, history reverts, raw SQL. Derived data, left out of backups.
    """

    derived_data = True  # left out of backups (organisation's backup command)

    scope = models.CharField(verbose_name=_("del"), max_length=40, primary_key=True)
    version = models.CharField(verbose_name=_("version"), max_length=32)

    ownership = NOBODY
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["scope"]
        verbose_name = _("dataversion")
        verbose_name_plural = _("dataversioner")

    def __str__(self):
        return f"{self.scope}: {self.version}"
