"""Admin for the organisation, on the scoped base (organisation/admin_base.py).

Each model declares who owns its rows (`ownership`, organisation/permissions.py).
A rektor sees the units granted to them and the staff of their huvudman (to pick people for
assignments), and changes only appointments at their units and people who
work only there. Administratörer change everything. Apps above extend these
admins with their own rows. What a sign-in links a person by (SIGN_IN_FIELDS)
is changed by organisation-wide managers only.
"""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Prefetch
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from digiansvar.paging import LargeTablePaginator
from organisation.admin_base import (
    ScopedAdmin,
    ScopedHistoryAdmin,
    ScopedInline,
    VisibleUnitFilter,
    is_placing_autocomplete,
)
from organisation.admin_permissions import AccountAdminMixin, LabelledGuardedAdminMixin
from organisation.forms import UnitGrantForm
from organisation.models import (
    PROVISIONED_FIELDS,
    SIGN_IN_FIELDS,
    Appointment,
    ITCouncil,
    ITCouncilMembership,
    Organisation,
    Person,
    Position,
    ServiceAgreement,
    Unit,
)
from organisation.permissions import SITE_WIDE, can_edit_sign_in_fields, can_grant_units
from organisation.queries import unit_scope
from organisation.services import unit_grant


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


class AppointmentInline(ScopedInline):
    model = Appointment
    fields = ["person", "position", "unit", "focus"]
    autocomplete_fields = ["person", "unit"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "position", "unit")


class UnitAppointmentInline(AppointmentInline):
    fields = ["person", "position", "focus"]


@admin.register(Unit)
class UnitAdmin(LabelledGuardedAdminMixin, ScopedHistoryAdmin):
    list_display = ["name", "kind", "principal", "it_mentor", "first_line_contact"]
    list_filter = ["kind", "organisation"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
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
            .prefetch_related(
                Prefetch("appointments", queryset=key_appointments, to_attr="key_appointments")
            )
        )

    def get_search_results(self, request, queryset, search_term):
        if is_placing_autocomplete(request):
            queryset = queryset & Unit.objects.restrict(request.user, "change")
        return super().get_search_results(request, queryset, search_term)

    def has_view_permission(self, request, obj=None):
        # A rektor or per-unit läsare has no model-level view_unit (that would
        # show every unit): their grants on single units let them in.
        scope = unit_scope(request.user)
        return self.can_view(request, obj) and (scope.all_visible or bool(scope.visible_ids))

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

    def has_grant_permission(self, request):
        return can_grant_units(request.user)

    @admin.action(
        description=_("Ge en användare behörighet till valda enheter"), permissions=["grant"]
    )
    def grant_units(self, request, queryset):
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


@admin.register(Person)
class PersonAdmin(ScopedHistoryAdmin):
    list_display = ["initials", "name", "title", "email", "positions"]
    list_filter = ["organisation", "appointments__position"]
    # Served on PostgreSQL by trigram indexes (migrations 0005, 0006), so a search
    # costs the same at 160,000 people as at 100.
    search_fields = ["initials", "name", "title", "email"]
    autocomplete_fields = ["user"]
    inlines = [AppointmentInline]
    paginator = LargeTablePaginator
    show_full_result_count = False

    def get_queryset(self, request):
        appointments = (
            Appointment.objects.restrict(request.user)
            .select_related("position", "unit")
            .order_by("position__order", "unit__name")
        )
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("appointments", queryset=appointments, to_attr="visible_appointments")
            )
        )

    def get_search_results(self, request, queryset, search_term):
        if is_placing_autocomplete(request):
            # Colleagues of the huvudmän where the user may place rows.
            queryset = queryset.filter(
                organisation__in=Organisation.objects.restrict(request.user, "change")
            )
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=_("befattningar"))
    def positions(self, person):
        return "; ".join(
            f"{a.position.label} ({a.unit.name if a.unit else gettext('huvudmannen')})"
            for a in person.visible_appointments
        )

    def _editable_ids(self, request):
        # Asked several times per page: compute the editable people once.
        if not hasattr(request, "_editable_person_ids"):
            request._editable_person_ids = set(
                Person.objects.restrict(request.user, "change").values_list("pk", flat=True)
            )
        return request._editable_person_ids

    def can_edit(self, request, obj):
        # Narrower than the huvudman: only people who work at the user's units alone.
        scope = unit_scope(request.user)
        if obj is None or scope.all_editable:
            return scope.edits_anything
        return obj.pk in self._editable_ids(request)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(PROVISIONED_FIELDS)
        # Linking a login to a person is for those who may see the users.
        if not request.user.has_perm("auth.view_user"):
            readonly.append("user")
        # Whoever sets these decides whose account a first sign-in finds.
        if not can_edit_sign_in_fields(request.user):
            readonly.extend(SIGN_IN_FIELDS)
        return readonly

    def save_model(self, request, obj, form, change):
        readonly = self.get_readonly_fields(request, obj)
        if change and readonly:
            # A reverted version (simple_history) carries its old values of the
            # read-only fields too: keep the current ones.
            names = [Person._meta.get_field(name).attname for name in readonly]
            current = Person.objects.filter(pk=obj.pk).values(*names).first() or {}
            for name, value in current.items():
                setattr(obj, name, value)
        super().save_model(request, obj, form, change)


@admin.register(Position)
class PositionAdmin(ScopedAdmin):
    list_display = ["name", "code", "level", "order"]
    list_filter = ["level"]
    search_fields = ["name", "code"]


@admin.register(Appointment)
class AppointmentAdmin(ScopedHistoryAdmin):
    list_display = ["person", "position", "unit", "focus"]
    list_filter = ["position", VisibleUnitFilter, "focus"]
    search_fields = ["person__initials", "person__name", "unit__name"]
    autocomplete_fields = ["person", "unit"]
    list_select_related = ["person", "position", "unit"]


class ITCouncilMembershipInline(ScopedInline):
    model = ITCouncilMembership
    autocomplete_fields = ["person"]


@admin.register(ITCouncil)
class ITCouncilAdmin(ScopedAdmin):
    list_display = ["name", "school_form", "organisation"]
    inlines = [ITCouncilMembershipInline]


@admin.register(ServiceAgreement)
class ServiceAgreementAdmin(ScopedAdmin):
    list_display = [
        "organisation",
        "pedagogy_handler",
        "technology_handler",
        "systems_handler",
        "supplier_name",
    ]
    list_select_related = ["organisation"]


# Users, groups and login records (django-axes) are site-wide: model permissions
# alone decide. They are registered again on the scoped base so that every
# admin of the site declares its scope (tests/admin/test_scoped_admin.py);
# users and groups list their permissions by translated labels.
OTHER_PACKAGES = [get_user_model(), Group, AccessAttempt, AccessLog, AccessFailureLog]
WITH_PERMISSIONS = {get_user_model(), Group}

for model in OTHER_PACKAGES:
    registered = type(admin.site.get_model_admin(model))
    bases = (AccountAdminMixin,) * (model in WITH_PERMISSIONS) + (ScopedAdmin, registered)
    admin.site.unregister(model)
    admin.site.register(model, type(registered.__name__, bases, {"owner": SITE_WIDE}))
