from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from registry.models import Area, Assignment, Blueprint, Column, Item, Role


@admin.register(Blueprint)
class BlueprintAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "published"]


class ColumnInline(admin.TabularInline):
    model = Column
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "subtitle", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ColumnInline]


@admin.register(Column)
class ColumnAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "order"]
    list_filter = ["area"]
    list_select_related = ["area"]
    search_fields = ["name"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "position", "order"]
    search_fields = ["code", "name"]
    list_select_related = ["position"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ["unit", "person", "role", "kind", "priority", "order"]
    autocomplete_fields = ["unit", "person", "role"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit", "person", "role")


@admin.register(Item)
class ItemAdmin(SimpleHistoryAdmin):
    list_display = ["name", "group", "column", "order"]
    list_filter = ["column__area", "column", "assignments__role", "assignments__unit"]
    search_fields = [
        "name",
        "group",
        "description",
        "assignments__person__initials",
        "assignments__person__name",
        "assignments__role__code",
    ]
    list_select_related = ["column__area"]
    inlines = [AssignmentInline]


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["item", "unit", "person", "role", "kind", "priority"]
    list_filter = ["item__column__area", "unit", "role", "kind", "priority"]
    search_fields = ["item__name", "person__initials", "person__name", "role__code"]
    autocomplete_fields = ["item", "unit", "person", "role"]
    list_select_related = ["item", "unit", "person", "role"]
