from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvisioningConfig(AppConfig):
    name = "provisioning"
    verbose_name = _("Provisionering (SCIM)")
    default_auto_field = "django.db.models.BigAutoField"
