"""Give the groups their permissions on the service agreement (added after 0002_groups)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "administratör": ("view", "add", "change", "delete"),
    "verksamhetsutvecklare": ("view",),
    "rektor": ("view",),
    "läsare": ("view",),
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("organisation")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, actions in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="organisation",
                codename__in=[f"{action}_serviceagreement" for action in actions],
            )
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GRANTS):
        group.permissions.remove(
            *Permission.objects.filter(codename__endswith="_serviceagreement")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0002_service_agreement"),
        ("registry", "0002_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
