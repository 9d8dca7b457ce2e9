"""The item changelist and change page cost the same number of queries for 10 or 1,000 items."""

import pytest
from django.urls import reverse

from registry.models import Assignment, Item
from tests.factories import ColumnFactory

pytestmark = pytest.mark.django_db

# Measured: session, user, permissions, scope, filters' choices, count, page,
# prefetch of the visible assignments.
CHANGELIST_QUERIES = 20
CHANGE_PAGE_QUERIES = 30


def add_items(world, count):
    column = ColumnFactory()
    items = Item.objects.bulk_create(
        Item(column=column, name=f"Område {n}", order=n) for n in range(count)
    )
    Assignment.objects.bulk_create(
        Assignment(item=item, unit=unit, role=world.role, person=person)
        for item in items
        for unit, person in ((world.unit_a, world.person_a), (world.unit_b, world.person_b))
    )


@pytest.mark.parametrize("count", [10, 1000])
@pytest.mark.parametrize("user", ["rektor_a", "administratör"])
def test_item_changelist_queries_do_not_grow(
    world, as_user, django_assert_max_num_queries, count, user
):
    add_items(world, count)
    client = as_user(user)
    with django_assert_max_num_queries(CHANGELIST_QUERIES):
        response = client.get(reverse("admin:registry_item_changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == min(count + 1, 100)


@pytest.mark.parametrize("count", [10, 1000])
@pytest.mark.parametrize("user", ["rektor_a", "administratör"])
def test_item_change_page_queries_do_not_grow(
    world, as_user, django_assert_max_num_queries, count, user
):
    add_items(world, count)
    client = as_user(user)
    with django_assert_max_num_queries(CHANGE_PAGE_QUERIES):
        response = client.get(reverse("admin:registry_item_change", args=[world.item.pk]))
    assert response.status_code == 200
