"""The assignments' admin, and the assignment inlines of the item and person admins."""

from django.contrib import admin
from django.db.models import Q
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from digiansvar.paging import LargeTablePaginator
from organisation.admin_base import (
    ReadOnlyScopedInline,
    ScopedHistoryAdmin,
    ScopedInline,
    VisibleUnitFilter,
)
from organisation.models import Person
from organisation.queries import unit_scope
from registry.admin import views as admin_views
from registry.admin.forms import AssignmentForm, AssignmentInlineFormSet, InlineAssignmentForm
from registry.models import (
    Assignment,
    Item,
    Role,
)


def visible_assignments(request):
    return Assignment.objects.restrict(request.user)


class AssignmentInline(ScopedInline):
    """The item's rows at the units the user may change; other units' rows are not here."""

    model = Assignment
    form = InlineAssignmentForm
    formset = AssignmentInlineFormSet
    fields = ["unit", "person", "role", "kind", "priority", "order"]
    autocomplete_fields = ["unit", "person", "role"]
    verbose_name_plural = _("ansvariga du kan ändra")

    def get_queryset(self, request):
        return (
            super().get_queryset(request) & Assignment.objects.restrict(request.user, "change")
        ).select_related("unit", "person", "role")

    def has_view_permission(self, request, obj=None):
        return unit_scope(request.user).edits_anything and super().has_view_permission(request, obj)


class ReadOnlyAssignmentInline(ReadOnlyScopedInline):
    """The item's rows the user may read but not change (organisation-wide, other units)."""

    model = Assignment
    fields = ["unit", "person", "role", "kind", "priority"]
    verbose_name_plural = _("ansvariga du bara kan läsa")

    def get_queryset(self, request):
        editable = Assignment.objects.restrict(request.user, "change")
        return (
            super()
            .get_queryset(request)
            .exclude(pk__in=editable.values("pk"))
            .select_related("unit", "person", "role")
        )

    def has_view_permission(self, request, obj=None):
        return not unit_scope(request.user).all_editable and super().has_view_permission(
            request, obj
        )


# Up to this many people found by a search word are passed as a list of ids.
SEARCH_PEOPLE_LIMIT = 500


@admin.register(Assignment)
class AssignmentAdmin(ScopedHistoryAdmin):
    form = AssignmentForm
    list_display = ["item", "unit", "person", "role", "kind", "priority"]
    list_filter = ["item__column__area", VisibleUnitFilter, "role", "kind", "priority"]
    search_fields = ["item__name", "person__initials", "person__name", "role__code"]
    autocomplete_fields = ["item", "unit", "person", "role"]
    list_select_related = ["item", "unit", "person", "role"]
    change_list_template = "admin/registry/assignment/change_list.html"
    # By unit, then item (items are numbered in the poster's order when the
    # blueprint is loaded), from the unit_item index: no join and no sort of
    # the whole table, however many units (Meta.ordering joins four tables).
    ordering = ["unit_id", "item_id", "order", "pk"]
    paginator = LargeTablePaginator
    # The count of the unfiltered list would be a second count of the table.
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        # Each word matches an item's name, a person's initials or name, or a
        # role's code. Looked up in those small tables first, so the
        # assignments are read by their indexes (item, person, role) instead
        # of joining three tables to every row.
        for word in search_term.split():
            items = list(Item.objects.filter(name__icontains=word).values_list("pk", flat=True))
            roles = list(Role.objects.filter(code__iexact=word).values_list("pk", flat=True))
            people = Person.objects.restrict(request.user).filter(
                Q(initials__icontains=word) | Q(name__icontains=word)
            )
            found = list(people.values_list("pk", flat=True)[: SEARCH_PEOPLE_LIMIT + 1])
            # A short list of ids lets the database combine three index scans;
            # a word matching thousands of people stays a subquery.
            if len(found) <= SEARCH_PEOPLE_LIMIT:
                people = found
            else:
                people = people.values("pk")
            queryset = queryset.filter(
                Q(item_id__in=items) | Q(role_id__in=roles) | Q(person_id__in=people)
            )
        return queryset, False

    def get_urls(self):
        return [
            path(
                "flytta-ansvar/",
                self.admin_site.admin_view(self.reassign_view),
                name="registry_assignment_reassign",
            ),
            path(
                "andringar/",
                self.admin_site.admin_view(self.recent_changes_view),
                name="registry_assignment_recent_changes",
            ),
            *super().get_urls(),
        ]

    def reassign_view(self, request):
        return admin_views.reassign(request, model_admin=self)

    def recent_changes_view(self, request):
        return admin_views.recent_changes(request, model_admin=self)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "reassign_url": reverse("admin:registry_assignment_reassign"),
            "recent_changes_url": reverse("admin:registry_assignment_recent_changes"),
            "can_reassign": self.has_change_permission(request),
        }
        return super().changelist_view(request, extra_context)


# The organisation's unit and person admins, with what the register adds:
# a unit's recent changes, a person's assignments, the people spreadsheet
# and "Flytta ansvar".
