"""The sign-in models moved from organisation to accounts without copying a row."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import ClaimGrant, ProviderAccount

# Before the move: organisation as it was, accounts not yet there.
BEFORE = [("organisation", "0009_unit_permission_verbose_names"), ("accounts", None)]


@pytest.fixture
def migrate_back():
    """Migrates the test database back to BEFORE; forward again afterwards, whatever happens."""
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    yield lambda: MigrationExecutor(connection).migrate(BEFORE).apps
    MigrationExecutor(connection).migrate(leaves)
    ContentType.objects.clear_cache()


# Schema editors refuse to run inside a test's transaction on SQLite.
@pytest.mark.django_db(transaction=True)
def test_moving_the_models_keeps_their_rows_content_types_and_permissions(migrate_back):
    old = migrate_back()
    user = old.get_model("auth", "User").objects.create(username="anna")
    old.get_model("organisation", "ProviderAccount").objects.create(
        user=user, issuer="https://idp.example", subject="anna-1"
    )
    old.get_model("organisation", "ClaimGrant").objects.create(user=user, kind="staff")
    content_type_id = (
        old.get_model("contenttypes", "ContentType")
        .objects.get(app_label="organisation", model="provideraccount")
        .pk
    )
    user.user_permissions.add(
        old.get_model("auth", "Permission").objects.get(
            content_type_id=content_type_id, codename="change_provideraccount"
        )
    )

    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    account = ProviderAccount.objects.select_related("user").get()
    assert (account.user.username, account.subject) == ("anna", "anna-1")
    assert ClaimGrant.objects.get(user=account.user).kind == ClaimGrant.Kind.STAFF
    assert ContentType.objects.get_for_model(ProviderAccount).pk == content_type_id
    assert set(
        Permission.objects.filter(content_type_id=content_type_id).values_list(
            "codename", flat=True
        )
    ) == {f"{action}_provideraccount" for action in ("add", "change", "delete", "view")}
    assert account.user.has_perm("accounts.change_provideraccount")
    assert not ContentType.objects.filter(app_label="organisation", model="provideraccount")
