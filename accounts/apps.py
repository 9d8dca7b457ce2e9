from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Inloggning")

    def ready(self):
        from django.core import checks

        from accounts.checks import configuration_check

        checks.register(configuration_check)
