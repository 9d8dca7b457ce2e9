"""ProviderAccount and ClaimGrant move here from organisation, without copying a row.

Their tables keep the names organisation made (`db_table`), so this only
tells Django's state that the models are ours (organisation 0010 forgets
them), and moves their content types to this app: the permissions (by
codename, given to groups) and admin history that point at them stay.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("provideraccount", "claimgrant")


def content_types_relabel(old, new):
    def relabel(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        content_types = ContentType.objects.using(schema_editor.connection.alias)
        for model in MODELS:
            # A fresh database may not have them yet: post_migrate creates them under `new`.
            if not content_types.filter(app_label=new, model=model).exists():
                content_types.filter(app_label=old, model=model).update(app_label=new)
        ContentType.objects.clear_cache()

    return relabel


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("organisation", "0009_unit_permission_verbose_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ClaimGrant",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("group", "Grupp"), ("unit", "Enhet"), ("all_units", "Alla enheter"), ("staff", "Administrationsåtkomst")], max_length=20, verbose_name="typ")),
                        ("group", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="auth.group", verbose_name="grupp")),
                        ("unit", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="organisation.unit", verbose_name="enhet")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="claim_grants", to=settings.AUTH_USER_MODEL, verbose_name="användarkonto")),
                    ],
                    options={
                        "verbose_name": "rättighet från inloggningstjänsten",
                        "verbose_name_plural": "rättigheter från inloggningstjänsten",
                        "db_table": "organisation_claimgrant",
                        "ordering": ["user", "kind", "group", "unit"],
                        "constraints": [models.CheckConstraint(condition=models.Q(models.Q(("group__isnull", True), ("kind", "staff"), ("unit__isnull", True)), models.Q(("group__isnull", False), ("kind__in", ["group", "all_units"]), ("unit__isnull", True)), models.Q(("group__isnull", False), ("kind", "unit"), ("unit__isnull", False)), _connector="OR"), name="claimgrant_kind_fields")],
                    },
                ),
                migrations.CreateModel(
                    name="ProviderAccount",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("issuer", models.CharField(max_length=255, verbose_name="utfärdare")),
                        ("subject", models.CharField(max_length=255, verbose_name="identitet hos utfärdaren")),
                        ("created", models.DateTimeField(auto_now_add=True, verbose_name="skapad")),
                        ("last_sign_in", models.DateTimeField(null=True, verbose_name="senaste inloggning")),
                        ("pending_person", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="pending_provider_accounts", to="organisation.person", verbose_name="väntar på koppling till")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="provider_accounts", to=settings.AUTH_USER_MODEL, verbose_name="användarkonto")),
                    ],
                    options={
                        "verbose_name": "konto hos inloggningstjänsten",
                        "verbose_name_plural": "konton hos inloggningstjänsten",
                        "db_table": "organisation_provideraccount",
                        "ordering": ["issuer", "subject"],
                        "constraints": [models.UniqueConstraint(fields=("issuer", "subject"), name="provideraccount_unique_subject")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            content_types_relabel("organisation", "accounts"),
            content_types_relabel("accounts", "organisation"),
        ),
    ]
