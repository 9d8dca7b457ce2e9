from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")

    def ready(self):
        # drf-spectacular finds the key authentication's OpenAPI description by import.
        from api.keys import authentication  # noqa: F401
