"""SCIM tokens in admin: a superuser creates one for a huvudman, sees it once, revokes it."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisation.admin_base import ScopedAdmin
from provisioning.models import ScimToken
from provisioning.services import scim_token_key, token_hash


@admin.register(ScimToken)
class ScimTokenAdmin(ScopedAdmin):
    list_display = ["name", "organisation", "prefix", "created", "revoked"]
    list_filter = ["organisation"]
    fields = ["organisation", "name", "prefix", "created", "revoked"]
    readonly_fields = ["prefix", "created", "revoked"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        # A token stays with its huvudman: a new one is made for another.
        return [*self.readonly_fields, "organisation"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.prefix, key = scim_token_key()
            obj.secret_hash = token_hash(key)
        super().save_model(request, obj, form, change)
        if not change:
            messages.warning(
                request,
                _("SCIM-nyckeln visas bara nu; ge den till inloggningstjänsten: %(key)s")
                % {"key": key},
            )

    @admin.action(description=_("Återkalla valda SCIM-nycklar"))
    def revoke(self, request, queryset):
        queryset.filter(revoked__isnull=True).update(revoked=timezone.now())
