"""Let administratörer see provider accounts and confirm pending links (organisation 0008).

Confirming a link ("väntar på koppling") changes the provider account
(organisation.services.provider_link_confirm); deleting one undoes a link.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = ("view", "change", "delete")


def grant(apps, schema_editor):
    app_config = apps.get_app_config("organisation")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    group = apps.get_model("auth", "Group").objects.filter(name="administratör").first()
    if group is None:
        return
    group.permissions.add(
        *apps.get_model("auth", "Permission").objects.filter(
            content_type__app_label="organisation",
            codename__in=[f"{action}_provideraccount" for action in ACTIONS],
        )
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name="administratör"):
        group.permissions.remove(*Permission.objects.filter(codename__endswith="_provideraccount"))


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0008_provideraccount_pending_person"),
        ("registry", "0009_coverage_store"),
    ]
    # It reads the models as organisation's, before they moved to accounts.
    run_before = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(grant, revoke)]
