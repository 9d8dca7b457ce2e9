"""Third-party apps under names in the reader's language (the admin index, permission labels).

django-axes and django-guardian name no app of their own; admin would head
their models "Axes" and "Guardian" in every language.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from guardian.apps import GuardianConfig as GuardianAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("Inloggningar")


class GuardianConfig(GuardianAppConfig):
    verbose_name = _("Rättigheter per objekt")
