from django.contrib import admin
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from organisation.models import (
    Appointment,
    ITCouncil,
    ITCouncilMembership,
    Organisation,
    Person,
    Position,
    Unit,
)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


class AppointmentInline(admin.TabularInline):
    model = Appointment
    extra = 0
    autocomplete_fields = ["person", "unit"]


@admin.register(Unit)
class UnitAdmin(GuardedModelAdmin, SimpleHistoryAdmin):
    list_display = ["name", "slug", "kind", "organisation"]
    list_filter = ["kind", "organisation"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AppointmentInline]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["initials", "name", "email", "user"]
    list_filter = ["organisation", "appointments__position"]
    search_fields = ["initials", "name", "email"]
    autocomplete_fields = ["user"]
    inlines = [AppointmentInline]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "order"]
    list_filter = ["level"]
    search_fields = ["name", "code"]


@admin.register(Appointment)
class AppointmentAdmin(SimpleHistoryAdmin):
    list_display = ["person", "position", "unit", "focus"]
    list_filter = ["position", "unit", "focus"]
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
