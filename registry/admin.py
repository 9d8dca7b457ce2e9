"""Admin for the blueprint, scoped per unit on the base in organisation/admin_base.py.

Model permissions (groups) say what a user may do, each model's `ownership`
(asked through `Model.objects.restrict(user, action)`) says where. Every hook that reads or writes
assignments asks the scope: querysets, object permissions, foreign-key
choices, autocomplete, inlines and actions, so that a rektor of one unit
cannot see or touch another unit's rows by editing a URL or POST data. The
shared catalogue (areas, columns, items, roles) is read-only for everyone
without its model permissions.
"""

from datetime import timedelta

from django.contrib import admin, messages
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from digiansvar.paging import LargeTablePaginator
from digiansvar.spreadsheet_admin import SpreadsheetImportExportMixin
from organisation import admin as organisation_admin
from organisation.admin_base import (
    UNIT_LIST_LIMIT,
    ReadOnlyScopedInline,
    ScopedAdmin,
    ScopedHistoryAdmin,
    ScopedInline,
    UnitChoicesMixin,
    VisibleUnitFilter,
)
from organisation.models import Person, Unit
from organisation.queries import unit_scope
from registry import admin_views, versions
from registry.admin_import import BlueprintSpreadsheetMixin, OrganisationWideImportExportMixin
from registry.forms import AssignmentForm, AssignmentInlineFormSet, InlineAssignmentForm
from registry.models import (
    Area,
    Assignment,
    Blueprint,
    Column,
    Item,
    Role,
    SearchWord,
    UnansweredSearch,
)
from registry.notation import Responsible
from registry.permissions import can_edit_catalogue
from registry.resources import PersonResource, RoleResource, SearchWordResource
from registry.search import unknown_words


def visible_assignments(request):
    return Assignment.objects.restrict(request.user)


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


# --- The search's word list and the questions it could not answer (issue 21) -----------


@admin.register(SearchWord)
class SearchWordAdmin(SpreadsheetImportExportMixin, ScopedHistoryAdmin):
    resource_classes = [SearchWordResource]  # exported and imported as a spreadsheet
    list_display = ["word", "means", "note"]
    search_fields = ["word", "means", "note"]


class AskedFilter(admin.SimpleListFilter):
    """The week's questions unless all are asked for."""

    title = _("frågad")
    parameter_name = "period"
    WEEK_DAYS = 7

    def lookups(self, request, model_admin):
        return [("vecka", _("Senaste veckan")), ("alla", _("Alla"))]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": (self.value() or "vecka") == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        if self.value() == "alla":
            return queryset
        return queryset.filter(day__gt=timezone.localdate() - timedelta(days=self.WEEK_DAYS))


@admin.register(UnansweredSearch)
class UnansweredSearchAdmin(ScopedAdmin):
    """Read and cleared here, written only by the search page (registry.search.unanswered_log)."""

    list_display = ["text", "count", "day", "add_to_word_list"]
    list_filter = [AskedFilter]
    search_fields = ["text"]
    ordering = ["-day", "-count", "text"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("lägg till i ordlistan"))
    def add_to_word_list(self, obj):
        # The words the items do not know, each a link to a new entry of the word list.
        add = reverse("admin:registry_searchword_add")
        return format_html_join(
            " ",
            '<a href="{}?{}">{}</a>',
            ((add, urlencode({"word": word}), word) for word in unknown_words(obj.text)),
        )
