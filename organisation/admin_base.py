"""The scoped admin every model admin derives from: deny unless the model declares its owner.

Model permissions (groups) say what a user may do with a kind of row, the
model's `ownership` (an organisation.permissions.Ownership, asked through
`restrict`) says which rows: changelist rows, change, delete and history
pages, foreign-key choices, list filters, autocompletes, inlines and exports
all go through it. A model that declares none shows nothing to anyone but
superusers; only models of other packages (users, login records) get their
owner from the admin (`owner`).
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from organisation.models import Unit
from organisation.permissions import Ownership, ownership_of, restrict
from organisation.queries import UNIT_LIST_LIMIT, unit_scope


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


def owner_in_admin(admin_site, model):
    """The model's Ownership; for a model of another package, the one its admin declares."""
    if admin_site.is_registered(model):
        model_admin = admin_site.get_model_admin(model)
        if isinstance(model_admin, ScopedMixin):
            return model_admin.get_owner()
    return ownership_of(model)


def view_on_site(request, content_type_id, object_id):
    """Django's "view on site" redirect (/admin/r/<type>/<id>/), for rows the user may see only.

    Stock, it redirects to any object's page, so that ids and slugs of
    other units and huvudmän could be listed one by one.
    """
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type else None
    if model is None:
        raise Http404
    rows = owner_in_admin(admin.site, model).restrict(
        request.user, "view", model._default_manager.all()
    )
    try:
        if not rows.filter(pk=object_id).exists():
            raise Http404
    except (ValueError, ValidationError) as error:  # an id of the wrong type
        raise Http404 from error
    return shortcut(request, content_type_id, object_id)


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """A related field's list filter that names only the rows the user may see."""

    def field_choices(self, field, request, model_admin):
        related = field.related_model
        ordering = self.field_admin_ordering(field, request, model_admin) or (
            related._meta.ordering
        )
        rows = owner_in_admin(model_admin.admin_site, related).restrict(
            request.user, "view", related._default_manager.order_by(*ordering)
        )
        return [(row.pk, str(row)) for row in rows]


class ScopedMixin:
    """The permission hooks of a model admin or inline, asked of its model's `owner`."""

    owner = None  # only for models of other packages; ours declare `ownership`

    def get_owner(self):
        return self.owner or ownership_of(self.model)

    def get_queryset(self, request):
        return self.get_owner().restrict(request.user, "view", super().get_queryset(request))

    def get_list_filter(self, request):
        # A related field's filter lists only the rows the user may see (a
        # plain "organisation" filter would name every huvudman).
        return [
            (name, ScopedRelatedFilter)
            if isinstance(name, str) and get_fields_from_path(self.model, name)[-1].is_relation
            else name
            for name in super().get_list_filter(request)
        ]

    def can_view(self, request, obj):
        return self.get_owner().can_view(request.user, obj)

    def can_edit(self, request, obj):
        return self.get_owner().can_edit(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.can_view(request, obj)

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and self.can_edit(request, None)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.can_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.can_edit(request, obj)

    def has_export_permission(self, request):
        # Reached when an import-export mixin defers to it (the register's does).
        return self.has_view_permission(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Where a new or changed row may be placed: only where the user may
        # change; any other choice: only rows the user may see.
        owner, related = self.get_owner(), db_field.related_model
        choices = related._default_manager.all()
        if db_field.name == owner.path and owner.kind in (Ownership.UNIT, Ownership.HUVUDMAN):
            kwargs["queryset"] = owner_in_admin(self.admin_site, related).restrict(
                request.user, "change", choices
            )
            if owner.kind == Ownership.UNIT:
                # Only organisation-wide managers may leave the unit empty.
                kwargs["required"] = not unit_scope(request.user).all_editable
        else:
            kwargs["queryset"] = owner_in_admin(self.admin_site, related).restrict(
                request.user, "view", choices
            )
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

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # Only the versions the user may see: an assignment that moved in
        # from another huvudman keeps its past there. The related rows are
        # joined as simple_history does, but never by select_related() with
        # no field names (deprecated from Django 6.1) for a model without.
        versions = history_manager.filter(**{pk_name: object_id}).select_related("history_user")
        tracked = [
            field.name
            for field in history_manager.model.tracked_fields
            if isinstance(field, models.ForeignKey)
        ]
        if tracked:
            versions = versions.select_related(*tracked)
        return restrict(versions, request.user)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A version the user may not see (of a row at another unit, or of a
        # row now outside the user's scope) is as if it did not exist.
        versions = self.model.history.filter(
            **{self.model._meta.pk.attname: unquote(object_id), "history_id": version_id}
        )
        if not restrict(versions, request.user).exists():
            raise Http404
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

    def can_view(self, request, obj):
        return self.get_owner().can_view(request.user, None)

    def can_edit(self, request, obj):
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


class UnitChoicesMixin:
    """Unit choices for a list filter that stay small however many units the user sees.

    The value is a unit's slug (a listed link) or, from the search field, a
    piece of a unit's name: rows at every visible unit whose name contains it.
    """

    template = "admin/unit_filter.html"
    searchable = False
    other_params = ()

    def unit_choices(self, request):
        units = Unit.objects.restrict(request.user).only("slug", "name")
        listed = list(units[: UNIT_LIST_LIMIT + 1])
        if len(listed) > UNIT_LIST_LIMIT:
            # Only the chosen unit (if it is one) is listed; the search field
            # keeps the other parameters of the changelist.
            self.searchable = True
            self.other_params = [
                (name, value)
                for name, values in request.GET.lists()
                if name not in (self.parameter_name, "p")
                for value in values
            ]
            listed = list(units.filter(slug=self.value())) if self.value() else []
        return listed

    def has_output(self):
        # With many units nothing may be listed, but the search field is there.
        return self.searchable or super().has_output()

    def units_for(self, request, value):
        """The visible units the value names: its slug, else those whose name contains it."""
        units = Unit.objects.restrict(request.user)
        if units.filter(slug=value).exists():
            return units.filter(slug=value)
        return units.filter(name__icontains=value)


class VisibleUnitFilter(UnitChoicesMixin, admin.SimpleListFilter):
    """Filter rows by unit, offering only the units the user may see."""

    title = _("enhet")
    parameter_name = "enhet"

    def lookups(self, request, model_admin):
        return [(unit.slug, unit.name) for unit in self.unit_choices(request)]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(unit__in=self.units_for(request, self.value()))
