"""Two huvudmän for the API tests: A with units A1 and A2, B with B1; a rektor of A1 and of B1."""

from dataclasses import dataclass

import pytest

from api.keys.services import token_create
from organisation.services import unit_grant
from tests.factories import (
    AssignmentFactory,
    ItemFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
    UnitFactory,
)


@dataclass
class World:
    org_a: object
    org_b: object
    unit_a1: object
    unit_a2: object
    unit_b1: object
    role: object
    item: object
    other_item: object
    aw: object
    arne: object
    bertil: object
    row_a1: object
    row_a2: object
    row_b1: object
    row_wide_a: object
    rektor_a: object
    rektor_b: object


@pytest.fixture
def world(db, django_user_model):
    org_a = OrganisationFactory(name="Hemmakommunen", slug="hemma")
    org_b = OrganisationFactory(name="Bortakommunen", slug="borta")
    unit_a1 = UnitFactory(organisation=org_a, name="Hemmaskolan", slug="hemmaskolan")
    unit_a2 = UnitFactory(organisation=org_a, name="Andrabyskolan", slug="andrabyskolan")
    unit_b1 = UnitFactory(organisation=org_b, name="Bortaskolan", slug="bortaskolan")
    role = RoleFactory(code="ITS", name="IT-samordnare")
    item = ItemFactory(name="Skolplattform | Betyg", keywords="betyg, skolplattform")
    other_item = ItemFactory(name="Skrivare", keywords="printer")
    aw = PersonFactory(organisation=org_a, initials="A.W", name="Alfhild Hemmasson")
    arne = PersonFactory(organisation=org_a, initials="A.ANDRA", name="Arne Andrasson")
    bertil = PersonFactory(
        organisation=org_b, initials="B.BORTA", name="Bertil Bortamannen", email="bertil@b.example"
    )
    rows = {
        "row_a1": AssignmentFactory(item=item, unit=unit_a1, role=role, person=aw),
        "row_a2": AssignmentFactory(item=item, unit=unit_a2, role=role, person=arne),
        "row_b1": AssignmentFactory(item=item, unit=unit_b1, role=role, person=bertil),
        "row_wide_a": AssignmentFactory(item=other_item, unit=None, role=role, person=aw),
    }
    rektor_a = django_user_model.objects.create_user("rektor-a")
    unit_grant(user=rektor_a, unit=unit_a1, role="rektor")
    rektor_b = django_user_model.objects.create_user("rektor-b")
    unit_grant(user=rektor_b, unit=unit_b1, role="rektor")
    return World(
        org_a=org_a,
        org_b=org_b,
        unit_a1=unit_a1,
        unit_a2=unit_a2,
        unit_b1=unit_b1,
        role=role,
        item=item,
        other_item=other_item,
        aw=aw,
        arne=arne,
        bertil=bertil,
        rektor_a=rektor_a,
        rektor_b=rektor_b,
        **rows,
    )


def key_for(user, *, read_only=True, days=30):
    return token_create(user=user, name="test", days=days, read_only=read_only)[1]


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


class Api:
    """The test client speaking JSON with a key."""

    def __init__(self, client, key):
        self.client, self.headers = client, bearer(key)

    def get(self, url, data=None, **extra):
        return self.client.get(url, data, **self.headers, **extra)

    def post(self, url, data=None):
        return self.client.post(url, data, content_type="application/json", **self.headers)

    def patch(self, url, data=None):
        return self.client.patch(url, data, content_type="application/json", **self.headers)

    def put(self, url, data=None):
        return self.client.put(url, data, content_type="application/json", **self.headers)

    def delete(self, url):
        return self.client.delete(url, **self.headers)


@pytest.fixture
def api_as():
    """api_as(user, read_only=False): a JSON client with a new key of the user."""
    from django.test import Client

    def make(user, *, read_only=False):
        return Api(Client(), key_for(user, read_only=read_only))

    return make
