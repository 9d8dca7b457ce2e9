"""Permission names in the reader's language, in the user and group forms and on a unit's
object permissions page (django-guardian).

Django stores a permission's name once, in English ("Can add enhet"), and
never translates it; guardian prints those names and a few labels of its own
forms. `permission_label` names a model's four default permissions from the
action and the model's (translated) name ("Kan lägga till enhet", "Can add
unit") and translates the others by their msgid (our `Meta.permissions` are
Swedish msgids). The admins below show only these labels.
"""

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.utils.html import format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy
from guardian.admin import (
    AdminGroupObjectPermissionsForm,
    AdminUserObjectPermissionsForm,
    GroupManage,
    GuardedModelAdminMixin,
    UserManage,
)
from guardian.shortcuts import get_perms_for_model

ACTIONS = {
    "add": gettext_lazy("Kan lägga till %(model)s"),
    "change": gettext_lazy("Kan ändra %(model)s"),
    "delete": gettext_lazy("Kan ta bort %(model)s"),
    "view": gettext_lazy("Kan visa %(model)s"),
}

# Models of other packages whose names are not marked for translation.
MODEL_NAMES = {
    "guardian.userobjectpermission": gettext_lazy("användares rättighet till ett objekt"),
    "guardian.groupobjectpermission": gettext_lazy("gruppers rättighet till ett objekt"),
}


def model_label(model):
    """The model's name as the reader says it; a historical model (simple_history) by its own."""
    if hasattr(model, "instance_type"):
        # simple_history names these "historical <name>" in English only.
        return gettext("historik för %(model)s") % {"model": model_label(model.instance_type)}
    return str(MODEL_NAMES.get(model._meta.label_lower, model._meta.verbose_name))


def permission_label(permission, *, where=True):
    """ "Organisation | enhet | Kan ändra enhet"; with where=False only the last part."""
    model = permission.content_type.model_class()
    if model is None:  # a content type whose model is gone
        return permission.name
    action, _sep, model_name = permission.codename.partition("_")
    if action in ACTIONS and model_name == model._meta.model_name:
        label = ACTIONS[action] % {"model": model_label(model)}
    else:
        label = gettext(permission.name)
    if not where:
        return label
    return f"{model._meta.app_config.verbose_name} | {model_label(model)} | {label}"


PERMISSION_FIELDS = ("user_permissions", "permissions")


class AccountAdminMixin:
    """For the user and group admins: permissions by label, editable or read only, and a
    delete page without Django's rows for the links between users, groups and permissions
    ("User-group relation: User_groups object (1)", English in every language)."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        links = [m for m in apps.get_models(include_auto_created=True) if m._meta.auto_created]
        prefixes = tuple(f"{capfirst(m._meta.verbose_name)}: " for m in links)
        plurals = {str(m._meta.verbose_name_plural) for m in links}

        def without_links(entries):
            kept = []
            for entry in entries:
                if isinstance(entry, list):
                    entry = without_links(entry)
                    if entry:
                        kept.append(entry)
                elif not str(entry).startswith(prefixes):
                    kept.append(entry)
            return kept

        counts = {name: count for name, count in counts.items() if str(name) not in plurals}
        return without_links(deleted), counts, perms_needed, protected

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in PERMISSION_FIELDS:
            kwargs["queryset"] = Permission.objects.select_related("content_type")
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.name in PERMISSION_FIELDS:
            field.label_from_instance = permission_label
        return field

    def get_fieldsets(self, request, obj=None):
        # Django shows a read-only many-to-many field by str() of its rows
        # (Permission.__str__, English): a reader sees the labels instead.
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        "permission_labels" if field in PERMISSION_FIELDS else field
                        for field in options["fields"]
                    ],
                },
            )
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "permission_labels"]

    @admin.display(description=gettext_lazy("rättigheter"))
    def permission_labels(self, obj):
        field = "user_permissions" if hasattr(obj, "user_permissions") else "permissions"
        permissions = getattr(obj, field).select_related("content_type")
        return format_html_join(
            "", "<div>{}</div>", ((permission_label(p),) for p in permissions)
        ) or gettext("inga")


class ObjectPermissionLabelsMixin:
    def get_obj_perms_field_choices(self):
        return [
            (p.codename, permission_label(p, where=False)) for p in get_perms_for_model(self.obj)
        ]

    def get_obj_perms_field_label(self):
        return gettext("Rättigheter")


class UserObjectPermissionsForm(ObjectPermissionLabelsMixin, AdminUserObjectPermissionsForm):
    pass


class GroupObjectPermissionsForm(ObjectPermissionLabelsMixin, AdminGroupObjectPermissionsForm):
    pass


class UserSelectForm(UserManage):
    user = forms.CharField(
        label=gettext_lazy("Användare"),
        max_length=200,
        error_messages={
            "does_not_exist": gettext_lazy("Det finns ingen användare med det namnet.")
        },
        help_text=gettext_lazy("Användarnamnet."),
    )


class GroupSelectForm(GroupManage):
    group = forms.CharField(
        label=gettext_lazy("Grupp"),
        max_length=80,
        error_messages={"does_not_exist": gettext_lazy("Det finns ingen grupp med det namnet.")},
        help_text=gettext_lazy("Gruppens namn, till exempel rektor."),
    )


class LabelledGuardedAdminMixin(GuardedModelAdminMixin):
    """guardian's object permissions pages with permission labels and forms in our language."""

    def get_obj_perms_base_context(self, request, obj):
        context = super().get_obj_perms_base_context(request, obj)
        context["model_perms"] = [
            {"codename": p.codename, "name": permission_label(p, where=False)}
            for p in context["model_perms"]
        ]
        return context

    def get_obj_perms_user_select_form(self, request):
        return UserSelectForm

    def get_obj_perms_group_select_form(self, request):
        return GroupSelectForm

    def get_obj_perms_manage_user_form(self, request):
        return UserObjectPermissionsForm

    def get_obj_perms_manage_group_form(self, request):
        return GroupObjectPermissionsForm
