"""Editing how a role is filled and an item's marks (local support, deputy) in admin."""

import pytest
from django.urls import reverse

from registry.models import Item, Role
from tests.admin.forms import page_post_data

pytestmark = pytest.mark.django_db


def role_url(world):
    return reverse("admin:registry_role_change", args=[world.role.pk])


def test_catalogue_editor_sets_role_kind_and_deputy(world, as_user):
    client = as_user("verksamhetsutvecklare")
    page = client.get(role_url(world))
    html = page.content.decode()
    assert "Kollektiv: alla med funktionen på enheten" in html  # the help text
    data = page_post_data(page)
    data.update(kind=Role.Kind.COLLECTIVE, needs_deputy="on")
    assert client.post(role_url(world), data).status_code == 302
    world.role.refresh_from_db()
    assert (world.role.kind, world.role.needs_deputy) == (Role.Kind.COLLECTIVE, True)


def test_role_changelist_shows_and_filters_by_kind(world, as_user):
    Role.objects.create(code="LÄR", name="Lärare", kind=Role.Kind.COLLECTIVE)
    client = as_user("verksamhetsutvecklare")
    url = reverse("admin:registry_role_changelist")
    html = client.get(url).content.decode()
    assert "Enskild (namngivna personer på enheten)" in html
    assert "Kollektiv (alla med funktionen på enheten)" in html
    filtered = client.get(url, {"kind__exact": Role.Kind.COLLECTIVE})
    assert [role.code for role in filtered.context["cl"].result_list] == ["LÄR"]


@pytest.mark.parametrize("user", ["rektor_a", "läsare"])
def test_role_kind_cannot_be_changed_without_permission(world, as_user, user):
    client = as_user(user)
    response = client.post(
        role_url(world), {"code": "ITS", "name": "IT-samordnare", "kind": "kollektiv", "order": 0}
    )
    assert response.status_code in (302, 403)
    if response.status_code == 302:  # not staff: to the admin login, never saved
        assert "/login/" in response["Location"]
    world.role.refresh_from_db()
    assert world.role.kind == Role.Kind.INDIVIDUAL


def test_catalogue_editor_marks_an_item_rektor_cannot(world, as_user):
    url = reverse("admin:registry_item_change", args=[world.item.pk])
    client = as_user("verksamhetsutvecklare")
    data = page_post_data(client.get(url))
    data.update(support_kind="teknik", needs_deputy="on")
    assert client.post(url, data).status_code == 302
    world.item.refresh_from_db()
    assert (world.item.support_kind, world.item.needs_deputy) == ("teknik", True)

    client = as_user("rektor_a")
    page = client.get(url)
    data = page_post_data(page)
    assert "support_kind" not in data and "needs_deputy" not in data  # read-only for a rektor
    data.update(support_kind="pedagogik")
    client.post(url, data)
    assert Item.objects.get(pk=world.item.pk).support_kind == "teknik"
