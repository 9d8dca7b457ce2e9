"""Validation in Swedish, at form level and by the database."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from registry.models import Assignment
from tests.admin.forms import add_inline_row, page_post_data

pytestmark = pytest.mark.django_db


def add_assignment(client, world, **fields):
    data = {
        "item": world.item.pk,
        "unit": world.unit_a.pk,
        "kind": "R",
        "priority": "primary",
        "order": 0,
        **fields,
    }
    return client.post(reverse("admin:registry_assignment_add"), data)


def errors_of(response):
    form = response.context["adminform"].form
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


def test_duplicate_assignment_is_refused_in_swedish(world, as_user):
    response = add_assignment(
        as_user("rektor_a"), world, role=world.role.pk, person=world.person_a.pk
    )
    assert response.status_code == 200
    assert "Den här ansvarsfördelningen finns redan." in errors_of(response)


def test_role_or_person_is_required(world, as_user):
    response = add_assignment(as_user("rektor_a"), world)
    assert "Ange en roll, en person eller båda." in errors_of(response)


def test_deputy_needs_a_primary(world, as_user):
    client = as_user("rektor_a")
    response = add_assignment(
        client, world, person=world.person_b.pk, priority="deputy", item=_empty_item(world).pk
    )
    assert "En ersättare behöver en ordinarie" in errors_of(response)
    # Beside the existing ordinarie at the same item and unit a deputy is fine.
    assert (
        add_assignment(client, world, person=world.person_b.pk, priority="deputy").status_code
        == 302
    )


def _empty_item(world):
    from tests.factories import ItemFactory

    return ItemFactory(name="Tom", column=world.item.column)


def test_inline_refuses_duplicate_rows_and_lone_deputies(world, as_user):
    client = as_user("rektor_a")
    url = reverse("admin:registry_item_change", args=[world.item.pk])
    page = client.get(url)
    data = page_post_data(page)
    add_inline_row(
        data,
        "assignments",
        item=world.item.pk,
        unit=world.unit_a.pk,
        person=world.person_b.pk,
        kind="I",
        priority="primary",
        order=1,
    )
    add_inline_row(
        data,
        "assignments",
        item=world.item.pk,
        unit=world.unit_a.pk,
        person=world.person_b.pk,
        kind="I",
        priority="primary",
        order=2,
    )
    response = client.post(url, data)
    assert "Rad 3 är samma ansvarsfördelning som rad 2." in str(
        response.context["inline_admin_formsets"][0].formset.non_form_errors()
    )

    data = page_post_data(page)
    data["assignments-0-priority"] = "deputy"
    response = client.post(url, data)
    assert "En ersättare behöver en ordinarie" in str(
        response.context["inline_admin_formsets"][0].formset.non_form_errors()
    )
    assert Assignment.objects.get(pk=world.row_a.pk).priority == "primary"


def test_database_refuses_what_forms_would(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            item=world.item, unit=world.unit_a, role=world.role, person=world.person_a
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(item=world.item, unit=world.unit_a)
