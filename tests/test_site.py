import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_swedish_and_open_to_anonymous_visitors(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert '<html lang="sv">' in response.content.decode()
    assert "Logga in" in response.content.decode()


@pytest.mark.parametrize("accept", ["en-US,en;q=0.9", "de-DE,de;q=0.9,en;q=0.8", "en,sv;q=0.5"])
def test_login_page_is_swedish_whatever_language_the_browser_asks_for(client, accept):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=accept)
    assert '<html lang="sv">' in page.content.decode()
    assert page["Content-Language"] == "sv"


def test_english_is_available_through_the_language_switch(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/konto/login/"})
    assert response.status_code == 302
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in page
    assert "Log in" in page


def test_admin_lists_the_150_seed_items_after_login(client, seed, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:registry_item_changelist"))
    assert response.status_code == 200
    assert "150 ansvarsområden" in response.content.decode()


def test_admin_item_page_shows_its_assignments(client, seed, superuser):
    from registry.models import Item

    client.force_login(superuser)
    item = Item.objects.get(name="Budget")
    page = client.get(reverse("admin:registry_item_change", args=[item.pk])).content.decode()
    assert "V.G" in page and "K.E" in page


def test_settings_are_those_the_issue_asks_for():
    assert settings.LANGUAGE_CODE == "sv"
    assert settings.TIME_ZONE == "Europe/Stockholm"
    assert "guardian.backends.ObjectPermissionBackend" in settings.AUTHENTICATION_BACKENDS
