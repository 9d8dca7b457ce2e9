from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Ansvarsfördelning")

    def ready(self):
        # Project-wide system checks (the project package is not an app).
        from digiansvar import checks  # noqa: F401
