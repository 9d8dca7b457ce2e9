"""The four groups of users and their model permissions (README: "Administration and permissions").

Where a rektor or a per-unit läsare may act is not a model permission: it is
granted per unit with django-guardian (`python manage.py grant_unit`).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ALL = (VIEW, ADD, CHANGE, DELETE)

GROUPS = {
    # Everything in the register, every unit (model-level manage_unit).
    "administratör": {
        "registry": {
            "blueprint": ALL,
            "area": ALL,
            "column": ALL,
            "role": ALL,
            "item": ALL,
            "assignment": ALL,
        },
        "organisation": {
            "organisation": ALL,
            "unit": (*ALL, "manage_unit"),
            "person": ALL,
            "position": ALL,
            "appointment": ALL,
            "itcouncil": ALL,
            "itcouncilmembership": ALL,
        },
        "auth": {"user": (VIEW,)},
    },
    # Assignments, people and positions of the units granted per object.
    "rektor": {
        "registry": {
            "blueprint": (VIEW,),
            "area": (VIEW,),
            "column": (VIEW,),
            "role": (VIEW,),
            "item": (VIEW,),
            "assignment": ALL,
        },
        "organisation": {
            "person": ALL,
            "position": (VIEW,),
            "appointment": ALL,
        },
    },
    # The shared catalogue for the whole organisation; reads every unit.
    "verksamhetsutvecklare": {
        "registry": {
            "blueprint": (VIEW,),
            "area": ALL,
            "column": ALL,
            "role": ALL,
            "item": ALL,
            "assignment": (VIEW,),
        },
        "organisation": {
            "unit": (VIEW,),
            "person": (VIEW,),
            "position": (VIEW,),
            "appointment": (VIEW,),
        },
    },
    # Read only; which units comes from per-unit view_unit grants (or a
    # model-level view_unit on the user for every unit).
    "läsare": {
        "registry": {
            "blueprint": (VIEW,),
            "area": (VIEW,),
            "column": (VIEW,),
            "role": (VIEW,),
            "item": (VIEW,),
            "assignment": (VIEW,),
        },
        "organisation": {
            "person": (VIEW,),
            "position": (VIEW,),
            "appointment": (VIEW,),
        },
    },
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate);
    # create them now so that a fresh database gets complete groups.
    for label in ("auth", "organisation", "registry"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, apps_perms in GROUPS.items():
        wanted = []
        for app_label, models in apps_perms.items():
            for model, actions in models.items():
                for action in actions:
                    codename = action if action == "manage_unit" else f"{action}_{model}"
                    wanted.append(
                        Permission.objects.get(
                            content_type__app_label=app_label,
                            content_type__model=model,
                            codename=codename,
                        )
                    )
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(wanted)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("organisation", "0001_initial"),
        ("registry", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
