"""The organisation's unit and person admins, registered again with what the register adds."""

from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organisation import admin as organisation_admin
from organisation.admin_base import (
    ReadOnlyScopedInline,
)
from organisation.models import Person, Unit
from organisation.queries import unit_scope
from registry.admin.resources import PersonResource
from registry.admin.spreadsheets import OrganisationWideImportExportMixin
from registry.models import (
    Assignment,
)


class UnitAdmin(organisation_admin.UnitAdmin):
    readonly_fields = ["recent_changes"]

    @admin.display(description=_("senaste ändringar"))
    def recent_changes(self, unit):
        if not unit.pk:
            return "–"
        url = reverse("admin:registry_assignment_recent_changes")
        return format_html(
            '<a href="{}?{}">{}</a>',
            url,
            urlencode({"enhet": unit.slug}),
            gettext("Visa ändringar på enheten"),
        )


class PersonAssignmentInline(ReadOnlyScopedInline):
    """The person's assignments at the units the user may see (read-only here)."""

    model = Assignment
    fields = ["item", "unit", "role", "kind", "priority"]
    verbose_name_plural = _("ansvar")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item", "unit", "role")


class PersonAdmin(OrganisationWideImportExportMixin, organisation_admin.PersonAdmin):
    resource_classes = [PersonResource]  # spreadsheet import/export (issue 5)
    list_display = [*organisation_admin.PersonAdmin.list_display, "assignment_count"]
    inlines = [*organisation_admin.PersonAdmin.inlines, PersonAssignmentInline]
    actions = ["reassign"]

    def get_queryset(self, request):
        # A subquery per person shown, not a join and GROUP BY over every
        # assignment: the page and its count cost the same at 3 million rows.
        counted = (
            Assignment.objects.restrict(request.user)
            .filter(person=OuterRef("pk"))
            .order_by()
            .values("person")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(visible_assignments=Coalesce(Subquery(counted), 0))
            .order_by("initials", "pk")
        )

    def get_resource_kwargs(self, request, *args, **kwargs):
        # PersonResource reads positions through the user's unit scope.
        return {**super().get_resource_kwargs(request, *args, **kwargs), "user": request.user}

    @admin.display(description=_("antal ansvar"), ordering="visible_assignments")
    def assignment_count(self, person):
        return person.visible_assignments

    def has_reassign_permission(self, request):
        return (
            request.user.has_perm("registry.change_assignment")
            and unit_scope(request.user).edits_anything
        )

    @admin.action(description=_("Flytta ansvar till en annan person …"), permissions=["reassign"])
    def reassign(self, request, queryset):
        people = list(queryset[:2])
        if len(people) != 1:
            self.message_user(
                request, gettext("Välj exakt en person att flytta ansvar från."), messages.ERROR
            )
            return None
        url = reverse("admin:registry_assignment_reassign")
        return HttpResponseRedirect(f"{url}?{urlencode({'from_person': people[0].pk})}")


for model, model_admin in ((Unit, UnitAdmin), (Person, PersonAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
