"""Forged requests: another unit's ids in URLs and POST data change nothing."""

import pytest
from django.urls import reverse

from organisation.models import Appointment
from registry.models import Assignment
from tests.admin.forms import add_inline_row, page_post_data

pytestmark = pytest.mark.django_db


def item_page(client, world):
    url = reverse("admin:registry_item_change", args=[world.item.pk])
    return url, client.get(url)


def test_rektor_cannot_claim_another_units_row_in_the_item_inline(world, as_user):
    client = as_user("rektor_a")
    url, page = item_page(client, world)
    data = page_post_data(page)
    data["assignments-INITIAL_FORMS"] = "2"
    add_inline_row(
        data,
        "assignments",
        id=world.row_b.pk,
        item=world.item.pk,
        unit=world.unit_a.pk,
        person=world.person_a.pk,
        role=world.role.pk,
        kind="R",
        priority="primary",
        order=0,
    )
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with an error
    world.row_b.refresh_from_db()
    assert (world.row_b.unit, world.row_b.person) == (world.unit_b, world.person_b)


def test_rektor_cannot_delete_another_units_row_through_the_inline(world, as_user):
    client = as_user("rektor_a")
    url, page = item_page(client, world)
    data = page_post_data(page)
    data["assignments-INITIAL_FORMS"] = "2"
    add_inline_row(data, "assignments", id=world.row_b.pk, item=world.item.pk, DELETE="on")
    client.post(url, data)
    assert Assignment.objects.filter(pk=world.row_b.pk).exists()


def test_rektor_cannot_add_a_row_at_another_unit(world, as_user):
    client = as_user("rektor_a")
    url, page = item_page(client, world)
    data = page_post_data(page)
    add_inline_row(
        data,
        "assignments",
        item=world.item.pk,
        unit=world.unit_b.pk,
        role=world.role.pk,
        person=world.person_a.pk,
        kind="C",
        priority="primary",
        order=0,
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "unit" in response.context["inline_admin_formsets"][0].formset.forms[-1].errors
    assert not Assignment.objects.filter(kind="C").exists()


def test_rektor_saves_own_rows_through_the_item_page(world, as_user):
    client = as_user("rektor_a")
    url, page = item_page(client, world)
    data = page_post_data(page)
    add_inline_row(
        data,
        "assignments",
        item=world.item.pk,
        unit=world.unit_a.pk,
        role=world.role.pk,
        kind="C",
        priority="primary",
        order=1,
    )
    response = client.post(url, data)
    assert response.status_code == 302
    assert Assignment.objects.filter(kind="C", unit=world.unit_a).count() == 1
    world.item.refresh_from_db()
    assert world.item.name == "WiFi"


def test_rektor_cannot_move_own_row_to_another_unit(world, as_user):
    client = as_user("rektor_a")
    url = reverse("admin:registry_assignment_change", args=[world.row_a.pk])
    data = page_post_data(client.get(url))
    data["unit"] = world.unit_b.pk
    response = client.post(url, data)
    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors
    world.row_a.refresh_from_db()
    assert world.row_a.unit == world.unit_a


def test_rektor_cannot_post_to_another_units_row(world, as_user):
    client = as_user("rektor_a")
    url = reverse("admin:registry_assignment_change", args=[world.row_b.pk])
    response = client.post(url, {"item": world.item.pk, "unit": world.unit_a.pk, "kind": "R"})
    assert response.status_code == 302
    world.row_b.refresh_from_db()
    assert world.row_b.unit == world.unit_b


def test_reader_cannot_post_a_change(world, as_user):
    client = as_user("läsare")
    url = reverse("admin:registry_assignment_change", args=[world.row_a.pk])
    response = client.post(url, {"item": world.item.pk, "unit": world.unit_b.pk, "kind": "R"})
    assert response.status_code == 403


def test_delete_action_skips_rows_outside_the_scope(world, as_user):
    client = as_user("rektor_a")
    response = client.post(
        reverse("admin:registry_assignment_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [world.row_a.pk, world.row_b.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Assignment.objects.filter(pk=world.row_a.pk).exists()
    assert Assignment.objects.filter(pk=world.row_b.pk).exists()


def test_delete_action_refuses_visible_rows_the_user_may_not_delete(world, as_user):
    client = as_user("rektor_a")
    response = client.post(
        reverse("admin:registry_assignment_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [world.row_a.pk, world.row_org.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 403
    assert Assignment.objects.filter(pk__in=[world.row_a.pk, world.row_org.pk]).count() == 2


def test_rektor_cannot_revert_another_units_row(world, as_user):
    version = world.row_b.history.earliest()
    response = as_user("rektor_a").post(
        reverse("admin:registry_assignment_simple_history", args=[world.row_b.pk, version.pk]),
        {
            "item": world.item.pk,
            "unit": world.unit_b.pk,
            "role": world.role.pk,
            "kind": "R",
            "priority": "primary",
            "order": 0,
        },
    )
    assert response.status_code in (403, 404)


def test_reader_cannot_revert_although_history_is_readable(world, as_user):
    version = world.row_a.history.earliest()
    url = reverse("admin:registry_assignment_simple_history", args=[world.row_a.pk, version.pk])
    client = as_user("läsare")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "item": world.item.pk,
            "unit": world.unit_a.pk,
            "role": world.role.pk,
            "kind": "A",
            "priority": "primary",
            "order": 0,
        },
    )
    assert response.status_code == 403
    world.row_a.refresh_from_db()
    assert world.row_a.kind == "R"


def test_rektor_cannot_add_an_appointment_at_another_unit(world, as_user):
    client = as_user("rektor_a")
    response = client.post(
        reverse("admin:organisation_appointment_add"),
        {
            "person": world.person_a.pk,
            "position": world.appointment_a.position.pk,
            "unit": world.unit_b.pk,
            "focus": "",
        },
    )
    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors
    assert not Appointment.objects.filter(unit=world.unit_b, person=world.person_a).exists()


def test_rektor_cannot_use_the_grant_action(world, as_user):
    client = as_user("rektor_a")
    client.post(
        reverse("admin:organisation_unit_changelist"),
        {
            "action": "grant_units",
            "_selected_action": [world.unit_a.pk],
            "user": world.users["rektor_a"].pk,
            "role": "rektor",
            "apply": "1",
        },
    )
    user = world.users["rektor_a"]
    assert not user.has_perm("organisation.manage_unit", world.unit_b)
    assert list(user.groups.values_list("name", flat=True)) == ["rektor"]
