"""A user's API keys (nycklar): each acts as its user, with an expiry and maybe only reading."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisation.permissions import OWN_ROWS
from organisation.queries import RestrictedQuerySet


class ApiToken(models.Model):
    """An API key: a random secret shown once, kept as its sha256 and found by its prefix.

    The key reads as `<prefix>.<secret>`; the prefix (not secret) finds the
    row, the hash of the whole key proves it. A key acts as its user, never
    more: the user's groups and unit grants decide what it reads and writes.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(verbose_name=_("namn"), max_length=100)
    prefix = models.CharField(verbose_name=_("prefix"), max_length=16, unique=True)
    secret_hash = models.CharField(verbose_name=_("kontrollsumma"), max_length=64)
    read_only = models.BooleanField(
        verbose_name=_("bara läsa"),
        default=True,
        help_text=_("En nyckel som bara får läsa kan inte ändra något, vad användaren än får."),
    )
    created = models.DateTimeField(verbose_name=_("skapad"), default=timezone.now)
    expires = models.DateTimeField(verbose_name=_("gäller till"))
    revoked = models.DateTimeField(verbose_name=_("återkallad"), null=True, blank=True)

    ownership = OWN_ROWS
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("API-nyckel")
        verbose_name_plural = _("API-nycklar")

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    @property
    def active(self):
        return self.revoked is None and self.expires > timezone.now()
