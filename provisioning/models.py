"""The identity provider's SCIM tokens: one huvudman each, shown once, stored hashed."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisation.models import Organisation
from organisation.permissions import by_huvudman
from organisation.queries import RestrictedQuerySet


class ScimToken(models.Model):
    """A provider's bearer token: it reads and changes the people of its huvudman only.

    The token reads as `<prefix>.<secret>`; the prefix finds the row, the
    sha256 of the whole token proves it (as api.ApiToken). Created by a
    superuser (admin or `manage.py scim_token`); revoked, never deleted, so
    that the history says which token wrote.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("huvudman"),
        on_delete=models.CASCADE,
        related_name="scim_tokens",
    )
    name = models.CharField(verbose_name=_("namn"), max_length=100)
    prefix = models.CharField(verbose_name=_("prefix"), max_length=16, unique=True)
    secret_hash = models.CharField(verbose_name=_("kontrollsumma"), max_length=64)
    created = models.DateTimeField(verbose_name=_("skapad"), default=timezone.now)
    revoked = models.DateTimeField(verbose_name=_("återkallad"), null=True, blank=True)

    # Its huvudman's; changing needs the model permission, which no group holds: superusers.
    ownership = by_huvudman()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("SCIM-nyckel")
        verbose_name_plural = _("SCIM-nycklar")

    def __str__(self):
        return f"{self.name} ({self.prefix})"
