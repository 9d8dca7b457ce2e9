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


def test_administrator_sees_the_weeks_unanswered_questions_and_adds_a_word_at_once(
    client, seed, django_user_model
):
    from datetime import timedelta

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from registry.models import SearchWord, UnansweredSearch
    from registry.search import unanswered_log

    administrator = django_user_model.objects.create_user("admin2", is_staff=True)
    administrator.groups.add(Group.objects.get(name="administratör"))
    client.force_login(administrator)
    SearchWord.objects.filter(word="passerbricka").delete()  # the seed's entry
    unanswered_log("vem ansvarar för passerbrickan")
    UnansweredSearch.objects.create(
        day=timezone.localdate() - timedelta(days=30), text="förra månaden"
    )
    assert item_search("passerbrickan") == []

    listing = client.get(reverse("admin:registry_unansweredsearch_changelist"))
    html = listing.content.decode()
    assert "passerbrickan" in html and "förra månaden" not in html
    add = reverse("admin:registry_searchword_add")
    assert f'href="{add}?word=passerbrickan"' in html
    assert (
        "förra månaden"
        in client.get(
            reverse("admin:registry_unansweredsearch_changelist"), {"period": "alla"}
        ).content.decode()
    )

    form = client.get(f"{add}?word=passerbrickan").content.decode()
    assert 'value="passerbrickan"' in form
    response = client.post(add, {"word": "Passerbricka", "means": "passerkort", "note": ""})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert SearchWord.objects.filter(word="passerbricka", means="passerkort").exists()
    assert [hit.item.name for hit in item_search("passerbrickan")][0] == (
        "Tjänstekortsadministratör"
    )


def test_the_word_list_is_exported_and_imported_as_a_spreadsheet(client, seed, superuser):
    from registry.admin.resources import SearchWordResource
    from registry.models import SearchWord

    client.force_login(superuser)
    exported = SearchWordResource().export()
    assert exported.headers == ["Ord", "Betyder", "Anteckning"]
    assert ["tystnadsplikt", "sekretess", ""] in [list(row) for row in exported]
    dataset = exported
    dataset.append(["Skrivarkö", "skrivare", "från obesvarade"])
    result = SearchWordResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert SearchWord.objects.get(word="skrivarkö").means == "skrivare"
