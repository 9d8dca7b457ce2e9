"""SCIM provisioning (docs/scim.md): what the provider's calls do to Person and its user, a
token that reaches its own huvudman's people only, and a leaver flagged at once."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.services import SignInRefused, provider_sign_in
from organisation.models import Person
from provisioning.services import scim_token_create
from registry.models import Role
from tests.factories import AssignmentFactory, PersonFactory, RoleFactory, UnitFactory
from tests.oidc.conftest import oidc, oidc_provider, sign_in  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SCIM_JSON = "application/scim+json"


def provider(key):
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def create(client, **fields):
    body = {"schemas": [USER], "userName": "anna.wik@norr.se", "active": True, **fields}
    return client.post("/scim/v2/Users", json.dumps(body), content_type=SCIM_JSON)


def patch(client, pk, *operations):
    body = {"schemas": [PATCH], "Operations": list(operations)}
    return client.patch(f"/scim/v2/Users/{pk}", json.dumps(body), content_type=SCIM_JSON)


def test_a_created_user_fills_the_person_fields(huvudmän):
    (organisation, key), _other = huvudmän
    response = create(
        provider(key),
        externalId="e-1",
        displayName="Anna Wik",
        title="IT-samordnare",
        emails=[{"value": "other@norr.se"}, {"value": "anna.wik@norr.se", "primary": True}],
        phoneNumbers=[{"value": "070-123 45 67", "type": "work"}],
        **{ENTERPRISE: {"employeeNumber": "K-1"}},
    )
    assert response.status_code == 201, response.content
    person = Person.objects.get(pk=response.json()["id"])
    assert (person.organisation, person.user_name, person.external_id) == (
        organisation,
        "anna.wik@norr.se",
        "e-1",
    )
    assert (person.name, person.title, person.email, person.phone, person.employee_number) == (
        "Anna Wik",
        "IT-samordnare",
        "anna.wik@norr.se",
        "070-123 45 67",
        "K-1",
    )
    assert person.initials == "A.W" and person.active
    assert response["Location"].endswith(f"/scim/v2/Users/{person.pk}")
    # The same userName again, or another's employee number: 409, as RFC 7644 asks.
    assert create(provider(key)).status_code == 409
    clash = create(provider(key), userName="b@norr.se", **{ENTERPRISE: {"employeeNumber": "K-1"}})
    assert clash.status_code == 409
    too_long = create(provider(key), userName="c@norr.se", title="x" * 300)
    assert too_long.status_code == 400 and too_long.json()["scimType"] == "invalidValue"


def test_a_person_the_register_holds_is_taken_over_not_duplicated(huvudmän):
    (organisation, key), _other = huvudmän
    known = PersonFactory(organisation=organisation, initials="A.W", email="anna.wik@norr.se")
    response = create(provider(key), emails=[{"value": "anna.wik@norr.se"}])
    assert response.json()["id"] == str(known.pk)
    known.refresh_from_db()
    assert known.user_name == "anna.wik@norr.se" and known.initials == "A.W"
    assert Person.objects.filter(organisation=organisation).count() == 1


def test_put_replaces_and_patch_changes_one_attribute(huvudmän):
    (_organisation, key), _other = huvudmän
    client = provider(key)
    pk = create(client, displayName="Anna Wik", title="Lärare").json()["id"]
    body = {"schemas": [USER], "userName": "anna.wik@norr.se", "displayName": "Anna Berg"}
    response = client.put(f"/scim/v2/Users/{pk}", json.dumps(body), content_type=SCIM_JSON)
    assert response.status_code == 200
    person = Person.objects.get(pk=pk)
    assert (person.name, person.title) == ("Anna Berg", "")  # PUT replaces: no title
    response = patch(client, pk, {"op": "replace", "path": "title", "value": "Rektor"})
    assert response.json()["title"] == "Rektor"
    assert Person.objects.get(pk=pk).name == "Anna Berg"


def test_delete_deprovisions_but_keeps_the_person_and_their_history(huvudmän):
    (_organisation, key), _other = huvudmän
    client = provider(key)
    pk = create(client).json()["id"]
    assert client.delete(f"/scim/v2/Users/{pk}").status_code == 204
    assert client.get(f"/scim/v2/Users/{pk}").status_code == 404
    person = Person.objects.get(pk=pk)
    assert not person.active and person.user_name == "" and person.left_at
    assert person.history.first().history_change_reason == "SCIM"


def test_without_a_valid_token_nothing_is_answered(huvudmän):
    (organisation, key), _other = huvudmän
    token, revoked_key = scim_token_create(organisation=organisation, name="gammal")
    token.revoked = token.created
    token.save()
    for client in (Client(), provider("nope.nope"), provider(revoked_key), provider(key + "x")):
        assert client.get("/scim/v2/Users").status_code == 401
        assert create(client).status_code == 401
    assert not Person.objects.exists()


def test_a_token_reads_and_changes_only_its_own_huvudmans_people(huvudmän):
    (_first, first_key), (second, second_key) = huvudmän
    theirs = create(provider(second_key)).json()["id"]
    unprovisioned = PersonFactory(organisation=second, email="x@soder.se")
    mine = provider(first_key)
    # The same userName at another huvudman is another person.
    assert create(mine).status_code == 201
    listed = mine.get("/scim/v2/Users").json()
    assert [r["id"] for r in listed["Resources"]] != [theirs] and listed["totalResults"] == 1
    searched = mine.get("/scim/v2/Users", {"filter": 'userName eq "anna.wik@norr.se"'}).json()
    assert [r["id"] for r in searched["Resources"]] != [theirs]
    for pk in (theirs, unprovisioned.pk):
        url = f"/scim/v2/Users/{pk}"
        assert mine.get(url).status_code == 404
        leave = {"op": "replace", "path": "active", "value": False}
        assert patch(mine, pk, leave).status_code == 404
        body = json.dumps({"schemas": [USER], "userName": "x"})
        assert mine.put(url, body, content_type=SCIM_JSON).status_code == 404
        assert mine.delete(url).status_code == 404
    assert Person.objects.get(pk=theirs).active
    assert Person.objects.get(pk=theirs).user_name == "anna.wik@norr.se"


def test_a_leaver_is_flagged_at_once_and_cannot_sign_in(client, oidc, huvudmän):  # noqa: F811
    (organisation, key), _other = huvudmän
    unit = UnitFactory(organisation=organisation, name="Årstaviken", slug="arstaviken")
    its = RoleFactory(code="ITS", name="IT-samordnare", kind=Role.Kind.INDIVIDUAL)
    user = get_user_model().objects.create_user("awik", password="pw-awik-1")
    pk = create(provider(key), displayName="Anna Wik", emails=[{"value": "anna@norr.se"}]).json()[
        "id"
    ]
    person = Person.objects.get(pk=pk)
    person.user = user
    person.save()
    AssignmentFactory(unit=unit, role=its, person=person)
    admin = get_user_model().objects.create_superuser("root", password="pw-root-1")
    pages = Client()
    pages.force_login(admin)
    coverage_url = f"{reverse('registry:coverage')}?unit={unit.slug}"
    finding = "Har slutat men står på 1 ansvarsområden"
    assert finding not in pages.get(coverage_url).content.decode()

    # Entra ID sends active as the string "False".
    response = patch(provider(key), pk, {"op": "Replace", "path": "active", "value": "False"})
    assert response.status_code == 200 and response.json()["active"] is False

    person.refresh_from_db()
    user.refresh_from_db()
    assert not person.active and not user.is_active and person.left_at
    reassign = f"{reverse('admin:registry_assignment_reassign')}?from_person={person.pk}"
    report = pages.get(coverage_url).content.decode()
    assert finding in report and "Årstaviken" in report
    assert reassign.replace("&", "&amp;") in report
    unit_page = pages.get(reverse("registry:unit_detail", args=[unit.slug])).content.decode()
    assert finding in unit_page and str(person) in unit_page
    person_page = pages.get(reverse("registry:person_detail", args=[person.initials]))
    assert "Har slutat" in person_page.content.decode()
    assert reassign in person_page.content.decode()
    # The Flytta ansvar form opens with the person chosen.
    form = pages.get(reassign).context["form"]
    assert str(form["from_person"].value()) == str(person.pk)
    # Neither the password nor the provider signs them in; the history stays.
    password = Client()
    password.post(reverse("login"), {"username": "awik", "password": "pw-awik-1"})
    assert not password.get(reverse("registry:blueprint")).wsgi_request.user.is_authenticated
    oidc.accounts({"anna": {"email": "anna@norr.se", "email_verified": True}})
    response, _callback = sign_in(client, "anna")
    assert response.status_code == 403
    assert not client.get(reverse("registry:blueprint")).wsgi_request.user.is_authenticated
    assert person.history.filter(active=True).exists()


def test_a_first_sign_in_as_a_person_who_has_left_is_refused(huvudmän):
    """Without an account yet: the provider's claims find the person, who has left."""
    (organisation, key), _other = huvudmän
    pk = create(provider(key), emails=[{"value": "anna@norr.se"}]).json()["id"]
    patch(provider(key), pk, {"op": "replace", "path": "active", "value": False})
    with pytest.raises(SignInRefused):
        provider_sign_in(
            issuer="https://login.example",
            claims={"sub": "s-1", "email": "anna@norr.se", "email_verified": True},
            person_field="email",
            person_claim="email",
            verified_claim="email_verified",
            targets=[],
        )
    assert not get_user_model().objects.exists()


def test_admin_shows_the_provisioned_fields_but_never_changes_them(huvudmän, admin_client):
    # The provider finds a person by these; a changed external id in admin would point its
    # next call at someone else, and "active" there would not switch the account off.
    (_organisation, key), _other = huvudmän
    pk = create(provider(key), externalId="e-1").json()["id"]
    url = reverse("admin:organisation_person_change", args=[pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert not {"user_name", "external_id", "active", "left_at"} & set(form.fields)

    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {"external_id": "someone-else", "user_name": "x@y.se", "active": "", "name": "Ny"}
    data |= {"appointments-TOTAL_FORMS": 0, "appointments-INITIAL_FORMS": 0}
    admin_client.post(url, data)

    person = Person.objects.get(pk=pk)
    assert (person.external_id, person.user_name, person.active) == (
        "e-1",
        "anna.wik@norr.se",
        True,
    )
