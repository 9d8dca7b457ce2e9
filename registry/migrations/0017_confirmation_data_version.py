"""The data version's triggers on AssignmentConfirmation (registry.data_version.SCOPES), so a
confirmation or a decline shows on the cached poster at once."""

from django.db import migrations

from registry.data_version import SCOPES, trigger_sql

LABEL = "registry.AssignmentConfirmation"


def triggers(kind):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in ("postgresql", "sqlite"):
            return
        tables = {
            "person": apps.get_model("organisation", "Person")._meta.db_table,
            "assignment": apps.get_model("registry", "Assignment")._meta.db_table,
            "appointment": apps.get_model("organisation", "Appointment")._meta.db_table,
        }
        create, drop = trigger_sql(vendor, apps.get_model(LABEL), SCOPES[LABEL], tables)
        for statement in drop if kind == "drop" else drop + create:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0016_confirmation")]

    operations = [migrations.RunPython(triggers("create"), triggers("drop"))]
