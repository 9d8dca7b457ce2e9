"""API keys: made by their user in the site, shown once, stored hashed, expiring, revocable, and
never more than their user."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from registry.models import Assignment
from tests.api.conftest import Api, bearer, key_for

pytestmark = pytest.mark.django_db

KEYS = reverse("api_keys:token_list")


def make_key(client, **data):
    response = client.post(KEYS, {"name": "Helpdesk", "days": 90, **data})
    assert response.status_code == 200
    match = re.search(r"<code>([0-9a-f]{8}\.[\w-]+)</code>", response.content.decode())
    return response, match.group(1) if match else None


def test_a_user_makes_a_key_that_is_shown_once_and_stored_hashed(client, world):
    client.force_login(world.rektor_a)
    response, key = make_key(client)
    assert key is not None
    assert "Din nya nyckel visas bara nu" in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")  # never_cache
    token = ApiToken.objects.get()
    assert token.user == world.rektor_a and token.read_only  # reading only unless unticked
    assert token.prefix == key.split(".")[0]
    assert token.secret_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key.split(".")[1] not in str(ApiToken.objects.values_list().get())
    assert key not in client.get(KEYS).content.decode()  # never again
    assert 80 <= (token.expires - timezone.now()).days <= 90
    assert Api(Client(), key).get("/api/v1/units/").status_code == 200
    _response, writer = make_key(client, may_write="on")
    assert not ApiToken.objects.get(prefix=writer.split(".")[0]).read_only


def test_the_key_page_needs_a_login_and_csrf(world):
    assert Client().get(KEYS).status_code == 302
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.rektor_a)
    assert client.post(KEYS, {"name": "x", "days": 30}).status_code == 403
    assert not ApiToken.objects.exists()


def test_a_key_is_refused_once_revoked_or_expired(client, world):
    key = key_for(world.rektor_a)
    api = Api(Client(), key)
    assert api.get("/api/v1/units/").status_code == 200
    token = ApiToken.objects.get()
    client.force_login(world.rektor_a)
    assert client.get(reverse("api_keys:token_revoke", args=[token.pk])).status_code == 405
    response = client.post(reverse("api_keys:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    refused = api.get("/api/v1/units/")
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Ogiltig nyckel."}
    assert refused["WWW-Authenticate"].startswith("Bearer")
    expired = key_for(world.rektor_a)
    ApiToken.objects.filter(revoked__isnull=True).update(expires=timezone.now() - timedelta(1))
    assert Api(Client(), expired).get("/api/v1/units/").status_code == 401


def test_a_wrong_secret_with_a_real_prefix_is_refused(world):
    key = key_for(world.rektor_a)
    prefix = key.split(".")[0]
    assert Api(Client(), f"{prefix}.wrong").get("/api/v1/units/").status_code == 401
    assert Api(Client(), "nonsense").get("/api/v1/units/").status_code == 401


def test_a_user_sees_and_revokes_only_their_own_keys(client, world):
    key_for(world.rektor_b)
    other = ApiToken.objects.get()
    client.force_login(world.rektor_a)
    page = client.get(KEYS).content.decode()
    assert other.prefix not in page
    assert client.post(reverse("api_keys:token_revoke", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.revoked is None


def test_a_read_only_key_cannot_write(world):
    api = Api(Client(), key_for(world.rektor_a, read_only=True))
    url = f"/api/v1/assignments/{world.row_a1.pk}/"
    response = api.patch(url, {"priority": "deputy"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Nyckeln får bara läsa."}
    assert api.delete(url).status_code == 403
    assert Assignment.objects.filter(pk=world.row_a1.pk, priority="primary").exists()


def test_a_key_never_sees_more_than_its_user(world):
    # A key of the rektor of A1 reads what that rektor reads in the site: not B.
    api = Api(Client(), key_for(world.rektor_a))
    units = [unit["slug"] for unit in api.get("/api/v1/units/").json()["results"]]
    assert units == ["hemmaskolan"]
    people = {person["initials"] for person in api.get("/api/v1/people/").json()["results"]}
    assert "B.BORTA" not in people and "A.W" in people
    rows = {row["id"] for row in api.get("/api/v1/assignments/").json()["results"]}
    assert rows == {world.row_a1.pk, world.row_wide_a.pk}
    assert api.get(f"/api/v1/assignments/{world.row_b1.pk}/").status_code == 404
    assert api.get(f"/api/v1/people/{world.bertil.pk}/").status_code == 404
    assert api.get("/api/v1/units/bortaskolan/").status_code == 404


def test_a_key_of_an_inactive_user_is_refused(world):
    key = key_for(world.rektor_a)
    world.rektor_a.is_active = False
    world.rektor_a.save()
    assert Client().get("/api/v1/units/", **bearer(key)).status_code == 401


def test_keys_are_their_users_own_rows_whatever_their_groups(world, superuser):
    from organisation.permissions import allows

    key_for(world.rektor_a)
    key_for(world.rektor_b)
    mine = ApiToken.objects.get(user=world.rektor_a)
    for action in ("view", "change", "delete"):
        assert list(ApiToken.objects.restrict(world.rektor_a, action)) == [mine]
        assert allows(world.rektor_a, action, mine)  # no group permission needed
        assert not allows(world.rektor_b, action, mine)
        # Not even a superuser reads another user's keys.
        assert not ApiToken.objects.restrict(superuser, action).exists()
