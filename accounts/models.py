"""Who signs in through the identity provider, and the rights its claims gave.

Both tables were created by the organisation app and keep its names
(`db_table`): the models moved here without copying a row (migrations/0001).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisation.models import Person, Unit
from organisation.permissions import NOBODY, SITE_WIDE
from organisation.queries import RestrictedQuerySet


class ProviderAccount(models.Model):
    """A user's account at the identity provider: OpenID Connect issuer and subject (`sub`).

    Set at the first sign-in through the provider; later sign-ins find the user
    by it alone, so a changed e-mail address does not make a new account.
    `pending_person` is a link that waits to be confirmed ("väntar på
    koppling"): the first sign-in matched this person but could not be trusted
    to take over their account (services.provider_sign_in); an administrator,
    or the person's account by its password, confirms it
    (services.provider_link_confirm).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användarkonto"),
        on_delete=models.CASCADE,
        related_name="provider_accounts",
    )
    issuer = models.CharField(verbose_name=_("utfärdare"), max_length=255)
    subject = models.CharField(verbose_name=_("identitet hos utfärdaren"), max_length=255)
    created = models.DateTimeField(verbose_name=_("skapad"), auto_now_add=True)
    last_sign_in = models.DateTimeField(verbose_name=_("senaste inloggning"), null=True)
    pending_person = models.ForeignKey(
        Person,
        verbose_name=_("väntar på koppling till"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pending_provider_accounts",
    )

    ownership = SITE_WIDE
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        db_table = "organisation_provideraccount"
        ordering = ["issuer", "subject"]
        verbose_name = _("konto hos inloggningstjänsten")
        verbose_name_plural = _("konton hos inloggningstjänsten")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="provideraccount_unique_subject"
            ),
        ]

    def __str__(self):
        return f"{self.subject} @ {self.issuer}"


class ClaimGrant(models.Model):
    """A right that came from the identity provider's claims, so that it can be taken back.

    Each row is one part of what a claim gave: a group membership, the unit
    permission of a grant role at one unit or at every unit, or staff status.
    Only rights the claims added are recorded: a right the user already had
    (granted by hand) is never recorded and so never taken back.
    """

    class Kind(models.TextChoices):
        GROUP = "group", _("Grupp")
        UNIT = "unit", _("Enhet")
        ALL_UNITS = "all_units", _("Alla enheter")
        STAFF = "staff", _("Administrationsåtkomst")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användarkonto"),
        on_delete=models.CASCADE,
        related_name="claim_grants",
    )
    kind = models.CharField(verbose_name=_("typ"), max_length=20, choices=Kind.choices)
    group = models.ForeignKey(
        "auth.Group",
        verbose_name=_("grupp"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("enhet"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )

    ownership = NOBODY
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        db_table = "organisation_claimgrant"
        ordering = ["user", "kind", "group", "unit"]
        verbose_name = _("rättighet från inloggningstjänsten")
        verbose_name_plural = _("rättigheter från inloggningstjänsten")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="staff", group__isnull=True, unit__isnull=True)
                    | models.Q(
                        kind__in=["group", "all_units"], group__isnull=False, unit__isnull=True
                    )
                    | models.Q(kind="unit", group__isnull=False, unit__isnull=False)
                ),
                name="claimgrant_kind_fields",
            ),
        ]

    def __str__(self):
        where = " ".join(str(part) for part in (self.group, self.unit) if part)
        return f"{self.user}: {self.get_kind_display()} {where}".strip()
