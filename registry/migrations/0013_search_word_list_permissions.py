"""Let administratörer and verksamhetsutvecklare edit the search's word list and read its log.

The log of unanswered questions is read and cleared, never written, in admin.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "searchword": ("view", "add", "change", "delete"),
    "unansweredsearch": ("view", "delete"),
}
GROUPS = ("administratör", "verksamhetsutvecklare")


def codenames():
    return [f"{action}_{model}" for model, actions in GRANTS.items() for action in actions]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("registry")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    permissions = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="registry", codename__in=codenames()
    )
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    permissions = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="registry", codename__in=codenames()
    )
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0012_search_word_list"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
