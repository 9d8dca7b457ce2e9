"""Admin for the organisation, scoped per unit (see registry/admin.py for the idea).

A rektor sees the units granted to them and the staff of their huvudman (to
pick people for assignments), and changes only appointments at their units
and people who work only there. Administratörer change everything.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from organisation.models import (
    Appointment,
    ITCouncil,
    ITCouncilMembership,
    Organisation,
    Person,
    Position,
    ServiceAgreement,
    Unit,
)
from organisation.permissions import can_grant_units
from organisation.queries import people_editable_by, people_visible_to, unit_scope
from registry.admin_import import OrganisationWideImportExportMixin
from registry.models import Assignment
from registry.resources import PersonResource

# Sources of autocomplete searches that pick where a row is placed: these
# offer only units (and staff of huvudmän) the user may change.
PLACING_SOURCES = {("registry", "assignment"), ("organisation", "appointment")}


def is_placing_autocomplete(request):
    match = request.resolver_match
    return (
        match is not None
        and match.url_name == "autocomplete"
        and (request.GET.get("app_label"), request.GET.get("model_name")) in PLACING_SOURCES
    )


def editable_organisation_ids(user):
    scope = unit_scope(user)
    units = (
        Unit.objects.all() if scope.all_editable else Unit.objects.filter(pk__in=scope.editable_ids)
    )
    return set(units.values_list("organisation", flat=True))


class ScopedHistoryAdmin(SimpleHistoryAdmin):
    """simple_history's admin where reverting needs the right to change, now and then.

    simple_history lets anyone who may *view* an object post its revert form;
    here the POST needs change permission on the current object (if it still
    exists) and on the version restored (a rektor cannot restore a row into
    another unit).
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            object_id = unquote(object_id)
            version = get_object_or_404(
                self.model.history.model,
                **{self.model._meta.pk.attname: object_id, "history_id": version_id},
            ).instance
            current = self.model._default_manager.filter(pk=object_id).first()
            if not self.has_change_permission(request, version) or (
                current is not None and not self.has_change_permission(request, current)
            ):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class VisibleUnitFilter(admin.SimpleListFilter):
    """Filter rows by unit, listing only the units the user may see."""

    title = _("enhet")
    parameter_name = "enhet"

    def lookups(self, request, model_admin):
        return [(unit.slug, unit.name) for unit in Unit.objects.visible_to(request.user)]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(unit__slug=self.value())


class UnitPlacedAdminMixin:
    """Permissions of a model with a `unit` foreign key (assignments, appointments)."""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(unit_scope(request.user).visible_q())

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._may_view(request, obj)

    def _may_view(self, request, obj):
        return obj is None or unit_scope(request.user).can_view(obj.unit_id)

    def has_add_permission(self, request, *args):
        return (
            super().has_add_permission(request, *args) and unit_scope(request.user).edits_anything
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)

    def _may_edit(self, request, obj):
        scope = unit_scope(request.user)
        return scope.edits_anything if obj is None else scope.can_edit(obj.unit_id)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope = unit_scope(request.user)
        if db_field.name == "unit":
            kwargs["queryset"] = Unit.objects.filter(scope.editable_q("pk"))
            # Only organisation-wide managers may leave the unit empty.
            kwargs["required"] = not scope.all_editable
        elif db_field.name == "person":
            kwargs["queryset"] = people_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


class AppointmentInline(UnitPlacedAdminMixin, admin.TabularInline):
    model = Appointment
    extra = 0
    fields = ["person", "position", "unit", "focus"]
    autocomplete_fields = ["person", "unit"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "position", "unit")

    # obj is the parent (a person or a unit): the rows shown are at visible
    # units already; the parent's own permission decides editing.
    def _may_view(self, request, obj):
        return True

    def _may_edit(self, request, obj):
        return unit_scope(request.user).edits_anything


class UnitAppointmentInline(AppointmentInline):
    fields = ["person", "position", "focus"]


@admin.register(Unit)
class UnitAdmin(GuardedModelAdminMixin, ScopedHistoryAdmin):
    list_display = ["name", "kind", "principal", "it_mentor", "first_line_contact"]
    list_filter = ["kind", "organisation"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["recent_changes"]
    inlines = [UnitAppointmentInline]
    actions = ["grant_units"]

    KEY_POSITIONS = [
        Position.Code.PRINCIPAL,
        Position.Code.IT_MENTOR,
        Position.Code.FIRST_LINE_CONTACT,
    ]

    def get_queryset(self, request):
        key_appointments = Appointment.objects.filter(
            position__code__in=self.KEY_POSITIONS
        ).select_related("person", "position")
        return (
            super()
            .get_queryset(request)
            .filter(unit_scope(request.user).visible_q("pk"))
            .prefetch_related(
                Prefetch("appointments", queryset=key_appointments, to_attr="key_appointments")
            )
        )

    def get_search_results(self, request, queryset, search_term):
        if is_placing_autocomplete(request):
            queryset = queryset.filter(unit_scope(request.user).editable_q("pk"))
        return super().get_search_results(request, queryset, search_term)

    def has_view_permission(self, request, obj=None):
        # A rektor or per-unit läsare has no model-level view_unit (that would
        # show every unit): their grants on single units let them in.
        scope = unit_scope(request.user)
        if obj is None:
            return super().has_view_permission(request) or bool(scope.visible_ids)
        return super().has_view_permission(request, obj) or scope.can_view(obj.pk)

    def _holders(self, unit, code):
        people = [a.person.initials for a in unit.key_appointments if a.position.code == code]
        return ", ".join(people) or "–"

    @admin.display(description=_("rektor"))
    def principal(self, unit):
        return self._holders(unit, Position.Code.PRINCIPAL)

    @admin.display(description=_("IT-handledare"))
    def it_mentor(self, unit):
        return self._holders(unit, Position.Code.IT_MENTOR)

    @admin.display(description=_("hanteringsansvarig"))
    def first_line_contact(self, unit):
        return self._holders(unit, Position.Code.FIRST_LINE_CONTACT)

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

    def has_grant_permission(self, request):
        return can_grant_units(request.user)

    @admin.action(
        description=_("Ge en användare behörighet till valda enheter"), permissions=["grant"]
    )
    def grant_units(self, request, queryset):
        from registry.forms import UnitGrantForm
        from registry.services import unit_grant

        form = UnitGrantForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            user, role = form.cleaned_data["user"], form.cleaned_data["role"]
            for unit in queryset:
                unit_grant(user=user, unit=unit, role=role)
            self.message_user(
                request,
                ngettext(
                    "%(user)s är nu %(role)s på %(count)d enhet.",
                    "%(user)s är nu %(role)s på %(count)d enheter.",
                    len(queryset),
                )
                % {
                    "user": user,
                    "role": dict(form.fields["role"].choices)[role],
                    "count": len(queryset),
                },
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/organisation/unit/grant.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Ge behörighet till enheter"),
                "opts": self.model._meta,
                "form": form,
                "units": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


class PersonAssignmentInline(admin.TabularInline):
    """The person's assignments at the units the user may see (read-only here)."""

    model = Assignment
    fields = ["item", "unit", "role", "kind", "priority"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("ansvar")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(unit_scope(request.user).visible_q())
            .select_related("item", "unit", "role")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(OrganisationWideImportExportMixin, ScopedHistoryAdmin):
    resource_classes = [PersonResource]  # spreadsheet import/export (issue 5)
    list_display = ["initials", "name", "email", "positions", "assignment_count"]
    list_filter = ["organisation", "appointments__position"]
    search_fields = ["initials", "name", "email"]
    autocomplete_fields = ["user"]
    inlines = [AppointmentInline, PersonAssignmentInline]
    actions = ["reassign"]

    def get_queryset(self, request):
        scope = unit_scope(request.user)
        appointments = (
            Appointment.objects.filter(scope.visible_q())
            .select_related("position", "unit")
            .order_by("position__order", "unit__name")
        )
        return (
            people_visible_to(request.user)
            .annotate(
                visible_assignments=Count(
                    "assignments", filter=scope.visible_q("assignments__unit")
                )
            )
            .prefetch_related(
                Prefetch("appointments", queryset=appointments, to_attr="visible_appointments")
            )
            # An aggregate drops Meta.ordering; pagination needs an order.
            .order_by("initials", "pk")
        )

    def get_search_results(self, request, queryset, search_term):
        if is_placing_autocomplete(request) and not unit_scope(request.user).all_editable:
            queryset = queryset.filter(organisation__in=editable_organisation_ids(request.user))
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=_("befattningar"))
    def positions(self, person):
        return "; ".join(
            f"{a.position.label} ({a.unit.name if a.unit else gettext('huvudmannen')})"
            for a in person.visible_appointments
        )

    @admin.display(description=_("antal ansvar"), ordering="visible_assignments")
    def assignment_count(self, person):
        return person.visible_assignments

    def _editable_ids(self, request):
        # Asked several times per page: compute the editable people once.
        if not hasattr(request, "_editable_person_ids"):
            request._editable_person_ids = set(
                people_editable_by(request.user).values_list("pk", flat=True)
            )
        return request._editable_person_ids

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        scope = unit_scope(request.user)
        return scope.all_visible or people_visible_to(request.user).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return super().has_add_permission(request) and unit_scope(request.user).edits_anything

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)

    def _may_edit(self, request, obj):
        scope = unit_scope(request.user)
        if obj is None or scope.all_editable:
            return scope.edits_anything
        return obj.pk in self._editable_ids(request)

    def get_readonly_fields(self, request, obj=None):
        # Linking a login to a person is for those who may see the users.
        if request.user.has_perm("auth.view_user"):
            return []
        return ["user"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation" and not unit_scope(request.user).all_editable:
            kwargs["queryset"] = Organisation.objects.filter(
                pk__in=editable_organisation_ids(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

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


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "order"]
    list_filter = ["level"]
    search_fields = ["name", "code"]


@admin.register(Appointment)
class AppointmentAdmin(UnitPlacedAdminMixin, ScopedHistoryAdmin):
    list_display = ["person", "position", "unit", "focus"]
    list_filter = ["position", VisibleUnitFilter, "focus"]
    search_fields = ["person__initials", "person__name", "unit__name"]
    autocomplete_fields = ["person", "unit"]
    list_select_related = ["person", "position", "unit"]


class ITCouncilMembershipInline(admin.TabularInline):
    model = ITCouncilMembership
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(ITCouncil)
class ITCouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "school_form", "organisation"]
    inlines = [ITCouncilMembershipInline]


@admin.register(ServiceAgreement)
class ServiceAgreementAdmin(admin.ModelAdmin):
    list_display = [
        "organisation",
        "pedagogy_handler",
        "technology_handler",
        "systems_handler",
        "supplier_name",
    ]
    list_select_related = ["organisation"]
