"""An API write shows on the next view of its unit's pages and leaves other units' cached
(registry.data_version: the database's triggers see every write path)."""

import pytest
from django.test import Client
from django.urls import reverse

from registry.blueprint import page_cache

pytestmark = pytest.mark.django_db


def test_an_api_write_shows_at_its_unit_and_leaves_the_other_units_cached(
    world, api_as, superuser, monkeypatch
):
    pages = Client()
    pages.force_login(superuser)
    poster = reverse("registry:blueprint")
    at_a1, at_a2 = f"{poster}?unit=hemmaskolan", f"{poster}?unit=andrabyskolan"
    assert "A.ANDRA" not in pages.get(at_a1).content.decode()
    pages.get(at_a2)
    rendered = []
    matrix = page_cache.blueprint_matrix
    monkeypatch.setattr(
        page_cache, "blueprint_matrix", lambda **kw: rendered.append(kw["unit"]) or matrix(**kw)
    )
    created = api_as(world.rektor_a).post(
        "/api/v1/assignments/",
        {
            "item": world.other_item.pk,
            "unit": "hemmaskolan",
            "role": "ITS",
            "person": world.arne.pk,
            "reason": "Ny IT-samordnare",
        },
    )
    assert created.status_code == 201, created.content
    pages.get(at_a2)
    assert rendered == []  # another unit: served from the cache
    assert "A.ANDRA" in pages.get(at_a1).content.decode()
    assert rendered == [world.unit_a1]
