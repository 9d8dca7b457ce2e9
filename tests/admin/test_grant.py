"""Groups from the data migration, and granting units by command and admin action."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from organisation.models import Unit
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_migrations_create_the_five_groups():
    perms = {
        group.name: set(group.permissions.values_list("codename", flat=True))
        for group in Group.objects.all()
    }
    assert set(perms) == {
        "administratör",
        "rektor",
        "verksamhetsutvecklare",
        "läsare",
        "IT-strateg",  # review/migrations/0001_review_rounds.py
    }
    assert {"manage_unit", "change_item", "delete_assignment"} <= perms["administratör"]
    assert {"change_assignment", "change_person", "view_item"} <= perms["rektor"]
    assert not {"change_item", "view_unit", "manage_unit"} & perms["rektor"]
    assert {"change_item", "change_role", "view_unit"} <= perms["verksamhetsutvecklare"]
    assert "change_assignment" not in perms["verksamhetsutvecklare"]
    assert all(codename.startswith("view_") for codename in perms["läsare"])
    assert {"view_review_status", "view_unit"} <= perms["IT-strateg"]
    assert all(codename.startswith("view_") for codename in perms["IT-strateg"])
    assert "change_unitreview" in perms["rektor"]
    assert "change_unitreview" not in perms["administratör"]


def test_grant_unit_command(django_user_model):
    unit, other = UnitFactory(slug="a"), UnitFactory(slug="b")
    user = django_user_model.objects.create_user("kim")
    call_command("grant_unit", "kim", "a", "--as", "rektor")
    user = django_user_model.objects.get(pk=user.pk)
    assert user.is_staff and user.groups.filter(name="rektor").exists()
    assert list(Unit.objects.restrict(user, "change")) == [unit]
    call_command("grant_unit", "kim", "b", "--as", "lasare")
    user = django_user_model.objects.get(pk=user.pk)
    assert set(Unit.objects.restrict(user)) == {unit, other}
    assert list(Unit.objects.restrict(user, "change")) == [unit]
    call_command("grant_unit", "kim", "a", "--revoke")
    user = django_user_model.objects.get(pk=user.pk)
    assert list(Unit.objects.restrict(user, "change")) == []


def test_grant_unit_command_names_a_missing_unit(django_user_model):
    UnitFactory(slug="a")
    django_user_model.objects.create_user("kim")
    with pytest.raises(CommandError, match="'nej' finns inte"):
        call_command("grant_unit", "kim", "nej")


def test_administrator_grants_units_with_the_admin_action(world, as_user, django_user_model):
    newcomer = django_user_model.objects.create_user("ny")
    client = as_user("administratör")
    url = reverse("admin:organisation_unit_changelist")
    selected = {"action": "grant_units", "_selected_action": [world.unit_b.pk]}
    form_page = client.post(url, selected)
    assert form_page.status_code == 200 and "form" in form_page.context
    response = client.post(url, {**selected, "user": newcomer.pk, "role": "rektor", "apply": "1"})
    assert response.status_code == 302
    newcomer = django_user_model.objects.get(pk=newcomer.pk)
    assert list(Unit.objects.restrict(newcomer, "change")) == [world.unit_b]


@pytest.mark.django_db
def test_administrators_may_edit_the_service_agreement_and_others_only_read_it():
    def codenames(name):
        return set(
            Group.objects.get(name=name)
            .permissions.filter(codename__endswith="_serviceagreement")
            .values_list("codename", flat=True)
        )

    assert codenames("administratör") == {
        "view_serviceagreement",
        "add_serviceagreement",
        "change_serviceagreement",
        "delete_serviceagreement",
    }
    assert codenames("rektor") == {"view_serviceagreement"}
