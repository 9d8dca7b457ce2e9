"""ProviderAccount and ClaimGrant belong to the sign-in app now (its 0001_initial).

State only: the tables stay, under their old names, as that app's. After
that app's 0001, so that the models always exist in one app or the other.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("organisation", "0009_unit_permission_verbose_names"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ClaimGrant"),
                migrations.DeleteModel(name="ProviderAccount"),
            ],
            database_operations=[],
        ),
    ]
