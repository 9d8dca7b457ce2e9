"""The catalogue's admins (areas, columns, roles, items) and the published versions'."""

from django.contrib import admin
from django.db.models import Exists, OuterRef, Prefetch, Q, Value
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from organisation.admin_base import (
    UNIT_LIST_LIMIT,
    ScopedAdmin,
    ScopedHistoryAdmin,
    ScopedInline,
    UnitChoicesMixin,
)
from organisation.models import Unit
from organisation.queries import unit_scope
from registry import versions
from registry.admin.assignments import (
    AssignmentInline,
    ReadOnlyAssignmentInline,
    visible_assignments,
)
from registry.admin.resources import RoleResource
from registry.admin.spreadsheets import BlueprintSpreadsheetMixin, OrganisationWideImportExportMixin
from registry.models import (
    Area,
    Assignment,
    Blueprint,
    Column,
    Item,
    Role,
)
from registry.notation import Responsible
from registry.permissions import can_edit_catalogue


@admin.register(Blueprint)
class BlueprintAdmin(ScopedAdmin):
    """Publishing a version is adding one; a published version never changes."""

    list_display = ["version", "organisation", "published", "title", "note", "published_by"]
    list_filter = ["organisation"]
    list_select_related = ["organisation", "published_by"]
    fields = ["organisation", "title", "version", "published", "note"]

    def get_queryset(self, request):
        # No admin page shows the catalogue snapshot; only the version pages read it.
        return super().get_queryset(request).defer("snapshot")

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else []

    def get_changeform_initial_data(self, request):
        # The next version of the huvudman the user publishes for; ?organisation= picks it.
        given = super().get_changeform_initial_data(request)
        chosen = str(given.get("organisation", ""))
        return {
            **versions.blueprint_publish_initial(
                request.user, int(chosen) if chosen.isdigit() else None
            ),
            **given,
        }

    def response_post_save_add(self, request, obj):
        # Back to the versions as readers see them, where the new one is listed.
        return HttpResponseRedirect(reverse("registry:version_list"))

    def save_model(self, request, obj, form, change):
        if change:
            return
        published = versions.blueprint_publish(
            organisation=obj.organisation,
            title=obj.title,
            version=obj.version,
            published=obj.published,
            note=obj.note,
            user=request.user,
        )
        obj.pk = published.pk


class ColumnInline(ScopedInline):
    model = Column
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Area)
class AreaAdmin(ScopedAdmin):
    list_display = ["name", "subtitle", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    inlines = [ColumnInline]


@admin.register(Column)
class ColumnAdmin(ScopedAdmin):
    list_display = ["name", "area", "order"]
    list_filter = ["area"]
    list_select_related = ["area"]
    search_fields = ["name"]


@admin.register(Role)
class RoleAdmin(OrganisationWideImportExportMixin, ScopedAdmin):
    resource_classes = [RoleResource]  # spreadsheet import/export (issue 5)
    list_display = ["code", "name", "kind", "needs_deputy", "position", "order"]
    list_filter = ["kind", "needs_deputy"]
    search_fields = ["code", "name"]
    list_select_related = ["position"]


class AssignmentExistsFilter(admin.SimpleListFilter):
    """Items with a visible assignment matching the chosen value (one join, no duplicates)."""

    assignment_lookup = ""

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        matching = visible_assignments(request).filter(
            item=OuterRef("pk"), **{self.assignment_lookup: self.value()}
        )
        return queryset.filter(Exists(matching))


class RoleFilter(AssignmentExistsFilter):
    title = _("roll")
    parameter_name = "roll"
    assignment_lookup = "role__code"

    def lookups(self, request, model_admin):
        return [(role.code, role.code) for role in Role.objects.all()]


class UnitFilter(UnitChoicesMixin, AssignmentExistsFilter):
    title = _("enhet")
    parameter_name = "enhet"

    def lookups(self, request, model_admin):
        return [(unit.slug, unit.name) for unit in self.unit_choices(request)]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        matching = visible_assignments(request).filter(
            item=OuterRef("pk"), unit__in=self.units_for(request, self.value())
        )
        return queryset.filter(Exists(matching))


class KindFilter(AssignmentExistsFilter):
    title = _("typ av ansvar")
    parameter_name = "typ"
    assignment_lookup = "kind"

    def lookups(self, request, model_admin):
        return Assignment.Kind.choices


class WithoutResponsibleFilter(UnitChoicesMixin, admin.SimpleListFilter):
    """Items nobody answers for: anywhere the user can see, or at one unit."""

    title = _("utan ansvarig")
    parameter_name = "utan_ansvarig"
    EVERYWHERE = "overallt"

    def lookups(self, request, model_admin):
        return [(self.EVERYWHERE, _("Utan ansvarig"))] + [
            (unit.slug, _("Utan ansvarig på %(unit)s") % {"unit": unit.name})
            for unit in self.unit_choices(request)
        ]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        rows = visible_assignments(request).filter(item=OuterRef("pk"))
        if self.value() != self.EVERYWHERE:
            rows = rows.filter(unit__in=self.units_for(request, self.value()))
        return queryset.exclude(Exists(rows))


def _sees_many_units(request):
    """Whether the user sees more units than a page lists one by one (asked once per request)."""
    if not hasattr(request, "_sees_many_units"):
        visible = Unit.objects.restrict(request.user)
        request._sees_many_units = visible[UNIT_LIST_LIMIT : UNIT_LIST_LIMIT + 1].exists()
    return request._sees_many_units


@admin.register(Item)
class ItemAdmin(BlueprintSpreadsheetMixin, ScopedHistoryAdmin):
    list_display = ["name", "column", "responsible"]
    list_filter = [
        "column__area",
        "column",
        "support_kind",
        "needs_deputy",
        RoleFilter,
        UnitFilter,
        KindFilter,
        WithoutResponsibleFilter,
    ]
    # Searched together with the responsible people and roles, see get_search_results.
    search_fields = ["name", "group"]
    search_help_text = _("Sök på ansvarsområde, system, initialer, namn eller rollkod.")
    list_select_related = ["column__area"]
    list_per_page = 100
    inlines = [AssignmentInline, ReadOnlyAssignmentInline]

    def get_queryset(self, request):
        rows = visible_assignments(request)
        many_units = _sees_many_units(request)
        if many_units:
            # Listing every unit's responsible per item would read the whole
            # table (10,000 units: 20,000 rows an item): only the
            # organisation-wide ones here, the rest through a link.
            rows = rows.filter(unit__isnull=True)
        rows = rows.select_related("unit", "person", "role").order_by("unit__name", "order", "pk")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("assignments", queryset=rows, to_attr="visible_rows"))
            .annotate(many_units=Value(many_units))
        )

    def get_search_results(self, request, queryset, search_term):
        # Each word must match the item's name or group, or a person or role
        # of an assignment the user may see: a search for a person must not
        # reveal that they work at another unit.
        for word in search_term.split():
            matching = visible_assignments(request).filter(
                Q(person__initials__icontains=word)
                | Q(person__name__icontains=word)
                | Q(role__code__iexact=word),
                item=OuterRef("pk"),
            )
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(group__icontains=word)
                | Q(keywords__icontains=word)
                | Exists(matching)
            )
        return queryset, False

    @admin.display(description=_("ansvariga"))
    def responsible(self, item):
        by_unit = {}
        for row in item.visible_rows:
            entry = Responsible(
                initials=row.person_initials,
                role_code=row.role_code,
                deputy=row.priority == Assignment.Priority.DEPUTY,
            )
            by_unit.setdefault(row.unit.name if row.unit else _("Hela huvudmannen"), []).append(
                str(entry)
            )
        listed = format_html_join(
            mark_safe("<br>"),
            "{}: {}",
            ((unit, "; ".join(entries)) for unit, entries in by_unit.items()),
        )
        if not item.many_units:
            return listed
        url = reverse("admin:registry_assignment_changelist")
        link = format_html(
            '<a href="{}?item__id__exact={}">{}</a>', url, item.pk, _("Ansvariga per enhet")
        )
        return format_html("{}<br>{}", listed, link) if listed else link

    def has_change_permission(self, request, obj=None):
        # A rektor "changes" an item only through its assignment rows; the
        # item's own fields stay read-only for them (get_readonly_fields).
        return super().has_change_permission(request, obj) or (
            request.user.has_perm("registry.change_assignment")
            and unit_scope(request.user).edits_anything
        )

    def get_readonly_fields(self, request, obj=None):
        if can_edit_catalogue(request.user):
            return ["group"]
        return [
            "column",
            "name",
            "group",
            "description",
            "needs_deputy",
            "support_kind",
            "keywords",
            "order",
        ]

    def save_model(self, request, obj, form, change):
        if can_edit_catalogue(request.user):
            super().save_model(request, obj, form, change)

    def revert_disabled(self, request, obj=None):
        return not can_edit_catalogue(request.user) or super().revert_disabled(request, obj)
