"""CoverageLoad.alone: whether the person has assignments in this huvudman only, so that
counting the people above the limit reads a range of an index instead of summing every
person's loads (registry.coverage.store)."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef


def mark_alone(apps, schema_editor):
    """The loads counted before the mark: alone where the person has no load elsewhere."""
    load = apps.get_model("registry", "CoverageLoad")
    elsewhere = load.objects.filter(person_id=OuterRef("person_id")).exclude(pk=OuterRef("pk"))
    load.objects.update(alone=~Exists(elsewhere))


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0012_person_departed_index"),
        ("registry", "0019_council_data_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="coverageload",
            name="alone",
            field=models.BooleanField(db_default=False, verbose_name="enda huvudmannen"),
        ),
        migrations.RunPython(mark_alone, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="coverageload",
            index=models.Index(
                condition=models.Q(("alone", True)),
                fields=["assignments", "organisation"],
                name="coverageload_alone",
            ),
        ),
        migrations.AddIndex(
            model_name="coverageload",
            index=models.Index(
                condition=models.Q(("alone", False)),
                fields=["person", "organisation"],
                name="coverageload_several",
            ),
        ),
    ]
