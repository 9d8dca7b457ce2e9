import pytest
from django.contrib.auth.models import Permission
from guardian.shortcuts import assign_perm

from organisation.models import Unit
from organisation.permissions import allows
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return UnitFactory(slug="a", name="A"), UnitFactory(slug="b", name="B")


def test_user_without_grants_sees_no_unit(django_user_model, units):
    user = django_user_model.objects.create_user("nobody")
    assert list(Unit.objects.restrict(user)) == []
    assert not allows(user, "view", units[0])


def test_unit_grant_shows_only_that_unit(django_user_model, units):
    user = django_user_model.objects.create_user("rektor-a")
    assign_perm("organisation.manage_unit", user, units[0])
    assert list(Unit.objects.restrict(user)) == [units[0]]
    assert list(Unit.objects.restrict(user, "change")) == [units[0]]
    assert allows(user, "change", units[0]) and not allows(user, "change", units[1])


def test_view_grant_does_not_allow_editing(django_user_model, units):
    user = django_user_model.objects.create_user("reader-b")
    assign_perm("organisation.view_unit", user, units[1])
    assert list(Unit.objects.restrict(user)) == [units[1]]
    assert list(Unit.objects.restrict(user, "change")) == []


def test_model_level_view_shows_every_unit(django_user_model, units):
    user = django_user_model.objects.create_user("reader-all")
    user.user_permissions.add(Permission.objects.get(codename="view_unit"))
    assert set(Unit.objects.restrict(user)) == set(units)
    assert not allows(user, "change", units[0])
