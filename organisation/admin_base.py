"""The scoped admin every model admin derives from: deny unless the model declares its owner.

Model permissions (groups) say what a user may do with a kind of row, the
model admin's `owner` (an organisation.permissions.Ownership) says which rows:
changelist rows, change, delete and history pages, foreign-key choices,
autocompletes, inlines and exports all go through it. An admin that declares
no owner shows nothing to anyone but superusers.
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from organisation.models import Organisation, Unit
from organisation.permissions import NOBODY, Ownership
from organisation.queries import people_visible_to, unit_scope


def is_placing_autocomplete(request):
    """Is this an autocomplete search for a row placed at a unit (it has a `unit` foreign key)?

    Such searches pick where a row goes: they offer only the units (and the
    staff of huvudmän) the user may change.
    """
    match = request.resolver_match
    if match is None or match.url_name != "autocomplete":
        return False
    try:
        source = apps.get_model(request.GET.get("app_label"), request.GET.get("model_name"))
    except (LookupError, TypeError, ValueError):
        return False
    return any(
        field.name == "unit" and field.related_model is Unit for field in source._meta.fields
    )


class ScopedMixin:
    """The permission hooks of a model admin or inline, asked of its model's `owner`."""

    owner = None  # by_unit(...), by_huvudman(...) or SHARED; None refuses everyone

    def get_owner(self):
        return self.owner or NOBODY

    def get_queryset(self, request):
        return self.get_owner().visible(request.user, super().get_queryset(request))

    def may_view(self, request, obj):
        return self.get_owner().can_view(request.user, obj)

    def may_edit(self, request, obj):
        return self.get_owner().can_edit(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.may_view(request, obj)

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and self.may_edit(request, None)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.may_edit(request, obj)

    def has_export_permission(self, request):
        # Reached when an import-export mixin defers to it (the register's does).
        return self.has_view_permission(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Where a new or changed row may be placed: only where the user may change.
        owner, scope = self.get_owner(), unit_scope(request.user)
        if owner.kind == Ownership.UNIT and db_field.name == owner.path:
            kwargs["queryset"] = Unit.objects.filter(scope.editable_q("pk"))
            # Only organisation-wide managers may leave the unit empty.
            kwargs["required"] = not scope.all_editable
        elif owner.kind == Ownership.HUVUDMAN and db_field.name == owner.path:
            if not scope.all_editable:
                kwargs["queryset"] = Organisation.objects.filter(
                    pk__in=scope.editable_organisation_ids
                )
        elif db_field.related_model is Unit:
            kwargs["queryset"] = Unit.objects.visible_to(request.user)
        elif db_field.name == "person":
            kwargs["queryset"] = people_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedAdmin(ScopedMixin, admin.ModelAdmin):
    """A model admin that refuses everything its model's owner does not allow."""


class ScopedHistoryAdmin(ScopedMixin, SimpleHistoryAdmin):
    """A scoped admin with simple_history, where reverting needs the right to change.

    simple_history lets anyone who may *view* an object post its revert form;
    here the POST needs change permission on the current object (if it still
    exists) and on the version restored (a rektor cannot restore a row into
    another unit). Its history page asks the scoped view permission.
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


class ScopedInline(ScopedMixin, admin.TabularInline):
    """A scoped inline. `obj` in its permission hooks is the parent: the rows shown are
    already the visible ones, and the parent's own permission decides the page."""

    extra = 0

    def may_view(self, request, obj):
        return self.get_owner().can_view(request.user, None)

    def may_edit(self, request, obj):
        return self.get_owner().can_edit(request.user, None)


class ReadOnlyScopedInline(ScopedInline):
    """Rows shown for reading only, whatever the user's permissions."""

    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
