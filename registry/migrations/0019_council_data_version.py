"""The data version's triggers on what keeps no history (registry.data_version.SCOPES): the
service agreement (the support chains on a unit's pages) and the IT-råd with their members (a
huvudman's page). Pages kept whole for their user (registry/page_body.py) show a change at once."""

from django.db import migrations

from registry.data_version import SCOPES, trigger_sql

LABELS = (
    "organisation.ServiceAgreement",
    "organisation.ITCouncil",
    "organisation.ITCouncilMembership",
)


def triggers(kind):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in ("postgresql", "sqlite"):
            return
        tables = {"itcouncil": apps.get_model("organisation", "ITCouncil")._meta.db_table}
        for label in LABELS:
            create, drop = trigger_sql(vendor, apps.get_model(label), SCOPES[label], tables)
            for statement in drop if kind == "drop" else drop + create:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0018_coverage_confirmations"),
        ("organisation", "0012_person_departed_index"),
    ]

    operations = [migrations.RunPython(triggers("create"), triggers("drop"))]
