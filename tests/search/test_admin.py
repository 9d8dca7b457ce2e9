"""Keywords are edited in admin by those who edit the catalogue, and the search follows at once."""

import pytest
from django.urls import reverse

from registry.models import Item
from registry.search import item_search
from tests.admin.forms import page_post_data

pytestmark = pytest.mark.django_db


def test_catalogue_editor_adds_a_keyword_and_the_search_finds_it(client, seed, superuser):
    client.force_login(superuser)
    item = Item.objects.get(name="Frankeringsmaskin")
    assert "Frankeringsmaskin" not in [hit.item.name for hit in item_search("kuvert")]
    url = reverse("admin:registry_item_change", args=[item.pk])
    data = page_post_data(client.get(url))
    data["keywords"] = item.keywords + ", kuvert"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert [hit.item.name for hit in item_search("kuverten")][0] == "Frankeringsmaskin"
    # The admin list's search box finds it by keyword too.
    listing = client.get(reverse("admin:registry_item_changelist"), {"q": "kuvert"})
    assert "Frankeringsmaskin" in listing.content.decode()


def test_rektor_sees_keywords_but_cannot_change_them(client, seed, django_user_model):
    from organisation.models import Unit
    from organisation.services import unit_grant

    rektor = django_user_model.objects.create_user("rektor", password="x")
    unit_grant(user=rektor, unit=Unit.objects.get(slug="arstaviken"), role="rektor")
    client.force_login(rektor)
    item = Item.objects.get(name="AD-Konton")
    url = reverse("admin:registry_item_change", args=[item.pk])
    html = client.get(url).content.decode()
    assert "lösenord, inloggning" in html  # shown
    assert 'name="keywords"' not in html  # but not as a field
    data = page_post_data(client.get(url))
    data["keywords"] = "något annat"
    client.post(url, data)
    item.refresh_from_db()
    assert item.keywords.startswith("lösenord, inloggning")
