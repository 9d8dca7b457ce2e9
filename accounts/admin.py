"""Admin of sign-in: who signs in through the identity provider as which user, and
confirming the links a first sign-in left waiting."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import ProviderAccount
from accounts.services import CONFIRM_LINK, provider_link_confirm
from organisation.admin_base import ScopedAdmin


class PendingLinkFilter(admin.SimpleListFilter):
    title = _("koppling")
    parameter_name = "koppling"

    def lookups(self, request, model_admin):
        return [("vantar", _("väntar på koppling")), ("kopplad", _("kopplad"))]

    def queryset(self, request, queryset):
        if self.value() == "vantar":
            return queryset.filter(pending_person__isnull=False)
        if self.value() == "kopplad":
            return queryset.filter(pending_person__isnull=True)
        return queryset


@admin.register(ProviderAccount)
class ProviderAccountAdmin(ScopedAdmin):
    """Who signs in through the identity provider as which user, and the links that wait.

    Site-wide, like the user accounts (`ownership = SITE_WIDE`): model
    permissions alone decide (administratörer view, confirm and delete).
    """

    list_display = ["subject", "user", "link", "last_sign_in", "issuer"]
    list_filter = [PendingLinkFilter]
    list_select_related = ["user", "pending_person"]
    search_fields = ["subject", "user__username", "pending_person__initials"]
    readonly_fields = ["user", "issuer", "subject", "pending_person", "created", "last_sign_in"]
    actions = ["confirm_links"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("koppling"))
    def link(self, account):
        if account.pending_person_id is None:
            return gettext("kopplad")
        return gettext("väntar på koppling till %(person)s") % {"person": account.pending_person}

    def has_confirm_permission(self, request):
        return request.user.has_perm(CONFIRM_LINK)

    @admin.action(description=_("Bekräfta valda kopplingar"), permissions=["confirm"])
    def confirm_links(self, request, queryset):
        confirmed = 0
        for account in queryset.filter(pending_person__isnull=False).select_related(
            "user", "pending_person__user"
        ):
            try:
                provider_link_confirm(account=account, by=request.user)
            except PermissionDenied:
                self.message_user(
                    request,
                    gettext("%(account)s: bara en superanvändare kopplar till det kontot.")
                    % {"account": account},
                    messages.ERROR,
                )
            except ValidationError as exc:
                self.message_user(request, f"{account}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                confirmed += 1
        if confirmed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d koppling bekräftad.", "%(count)d kopplingar bekräftade.", confirmed
                )
                % {"count": confirmed},
                messages.SUCCESS,
            )
