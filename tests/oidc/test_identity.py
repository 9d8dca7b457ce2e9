"""The identity rule: whom a first sign-in through the provider is, and who confirms a link.

docs/permissions.md#identity-rule. A sign-in is found by the provider's
subject alone; a first one takes over a person's account only when the
provider vouches for the claim, the field compared is one only
administrators change, and the account holds no rights. Otherwise the new
user waits to be linked ("väntar på koppling") until the account's password
or an administrator confirms it.
"""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts.models import ClaimGrant, ProviderAccount
from organisation.models import Person, Unit
from organisation.services import unit_grant
from tests.admin.forms import page_post_data
from tests.factories import PersonFactory, UnitFactory
from tests.oidc.conftest import sign_in

USERS_PAGE = "/admin/auth/user/"


@pytest.fixture
def school(db):
    """Two units with a rektor each, and an administrator; each has a person in the register.

    The administrator's person holds no position, so (before the rule) the
    rektor of Årstaviken could edit them.
    """
    User = get_user_model()
    arstaviken = UnitFactory(slug="arstaviken", name="Årstaviken")
    berget = UnitFactory(slug="berget", organisation=arstaviken.organisation)
    rektor = User.objects.create_user("rektor", password="pw-rektor-1")
    unit_grant(user=rektor, unit=arstaviken, role="rektor")
    other_rektor = User.objects.create_user("rektor-berget", password="pw-rektor-2")
    unit_grant(user=other_rektor, unit=berget, role="rektor")
    administrator = User.objects.create_user("admin", password="pw-admin-1", is_staff=True)
    administrator.groups.add(Group.objects.get(name="administratör"))
    organisation = arstaviken.organisation
    return SimpleNamespace(
        arstaviken=arstaviken,
        berget=berget,
        rektor=rektor,
        other_rektor=other_rektor,
        administrator=administrator,
        administrator_person=PersonFactory(
            organisation=organisation, email="it-strateg@example.org", user=administrator
        ),
        rektor_person=PersonFactory(
            organisation=organisation, email="rektor@example.org", user=rektor
        ),
        other_rektor_person=PersonFactory(
            organisation=organisation, email="rektor.berget@example.org", user=other_rektor
        ),
    )


def signed_in_user(client):
    return client.get(reverse("login")).wsgi_request.user


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


# Who may set what a sign-in links by ----------------------------------------------


def test_a_rektor_cannot_change_the_email_a_sign_in_links_by(school):
    client = as_user(school.rektor)
    url = reverse("admin:organisation_person_change", args=[school.administrator_person.pk])
    page = client.get(url)
    assert page.context["has_change_permission"]  # the rest of the record is theirs to edit
    data = {**page_post_data(page), "email": "rektor@example.org", "name": "Nytt namn"}
    assert client.post(url, data).status_code == 302
    person = Person.objects.get(pk=school.administrator_person.pk)
    assert person.name == "Nytt namn"
    assert person.email == "it-strateg@example.org"


def test_a_rektor_cannot_bring_back_an_old_email_by_reverting_a_person(school):
    person = school.administrator_person
    person.email = "it-strateg.ny@example.org"
    person.save()
    before = person.history.latest().prev_record
    client = as_user(school.rektor)
    url = reverse("admin:organisation_person_simple_history", args=[person.pk, before.pk])
    data = {**page_post_data(client.get(url)), "name": "Återställd"}
    assert client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert person.name == "Återställd"
    assert person.email == "it-strateg.ny@example.org"


def test_an_administrator_changes_the_email_a_sign_in_links_by(school):
    client = as_user(school.administrator)
    url = reverse("admin:organisation_person_change", args=[school.rektor_person.pk])
    data = {**page_post_data(client.get(url)), "email": "karin.ek@example.org"}
    assert client.post(url, data).status_code == 302
    assert Person.objects.get(pk=school.rektor_person.pk).email == "karin.ek@example.org"


# First sign-ins that must not take over an account ----------------------------------


@pytest.mark.parametrize("whose", ["administrator", "other_rektor"])
def test_an_email_set_to_a_rektors_address_does_not_hand_over_an_account_with_rights(
    client, oidc, school, whose
):
    # As a rektor could before the rule: the colleague's e-mail is the rektor's
    # address at the provider, and the rektor has not signed in through it yet.
    person = getattr(school, f"{whose}_person")
    Person.objects.filter(pk=school.rektor_person.pk).update(email="")
    Person.objects.filter(pk=person.pk).update(email="rektor@example.org")
    oidc.accounts({"rektor": {"email": "rektor@example.org", "email_verified": True}})
    response, _callback = sign_in(client, "rektor")

    user = signed_in_user(client)
    assert user.is_authenticated
    assert user not in (school.administrator, school.other_rektor)
    assert client.get(USERS_PAGE).status_code == 302  # admin sends a non-staff user away
    assert list(Unit.objects.visible_to(user)) == []
    # It waits for a link, offered to whoever knows the account's password.
    assert response["Location"].startswith(reverse("oidc_connect"))
    account = ProviderAccount.objects.get(subject="rektor")
    assert (account.user, account.pending_person) == (user, person)


@pytest.mark.parametrize("verified", ["false", "true", 1, None])
def test_an_email_verified_claim_other_than_json_true_links_nobody(client, oidc, school, verified):
    person = PersonFactory(email="anna@example.org")
    claims = {"email": "anna@example.org"}
    if verified is not None:
        claims["email_verified"] = verified
    oidc.accounts({"anna": claims})
    sign_in(client, "anna")
    person.refresh_from_db()
    assert person.user is None
    user = signed_in_user(client)
    assert ProviderAccount.objects.get(user=user).pending_person == person
    # The register shows the link waiting for an administrator.
    changelist = reverse("admin:accounts_provideraccount_changelist")
    page = as_user(school.administrator).get(changelist, {"koppling": "vantar"})
    assert f"väntar på koppling till {person}" in page.content.decode()


# Confirming the link ----------------------------------------------------------------


def test_the_existing_account_is_connected_by_its_password_and_a_wrong_one_is_refused(
    client, oidc, school
):
    oidc.accounts(
        {
            "it-strateg": {
                "email": "it-strateg@example.org",
                "email_verified": True,
                "groups": ["digiansvar-lasare"],
            }
        }
    )
    response, _callback = sign_in(client, "it-strateg", next_path="/organisation/")
    connect = response["Location"]
    assert connect == reverse("oidc_connect") + "?next=%2Forganisation%2F"
    stand_in = signed_in_user(client)
    assert stand_in != school.administrator
    page = client.get(connect).content.decode()
    assert "Koppla ditt befintliga konto" in page
    assert "<strong>admin</strong>" in page

    wrong = client.post(connect, {"password": "fel", "next": "/organisation/"})
    assert wrong.status_code == 400
    assert "Fel lösenord" in wrong.content.decode()
    assert signed_in_user(client) == stand_in
    assert ProviderAccount.objects.get(subject="it-strateg").user == stand_in

    right = client.post(connect, {"password": "pw-admin-1", "next": "/organisation/"})
    assert right["Location"] == "/organisation/"
    assert signed_in_user(client) == school.administrator
    assert client.get(USERS_PAGE).status_code == 200
    assert "oidc_id_token" in client.session  # logging out still ends the provider's session
    # The rights the claims gave went with the provider account.
    assert ClaimGrant.objects.filter(user=school.administrator, group__name="läsare").exists()
    stand_in.refresh_from_db()
    assert not stand_in.is_active and not stand_in.claim_grants.exists()

    # From now on the provider account is the administrator's, with no question asked.
    client.post(reverse("logout"))
    response, _callback = sign_in(client, "it-strateg")
    assert response["Location"] == "/"
    assert signed_in_user(client) == school.administrator


def test_wrong_passwords_at_the_connect_step_lock_it_as_they_lock_the_login(
    client, oidc, school, settings
):
    oidc.accounts({"it-strateg": {"email": "it-strateg@example.org", "email_verified": True}})
    response, _callback = sign_in(client, "it-strateg")
    connect = response["Location"]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(connect, {"password": "fel"})
    locked = client.post(connect, {"password": "pw-admin-1"})
    assert locked.status_code == 429
    assert signed_in_user(client) != school.administrator
    assert ProviderAccount.objects.get(subject="it-strateg").pending_person is not None


def test_an_administrator_confirms_a_pending_link(client, oidc, school):
    # The provider does not say the address is verified: the link waits.
    oidc.accounts({"karin": {"email": "rektor@example.org"}})
    sign_in(client, "karin")
    assert signed_in_user(client) != school.rektor
    account = ProviderAccount.objects.get(subject="karin")
    assert account.pending_person == school.rektor_person

    changelist = reverse("admin:accounts_provideraccount_changelist")
    action = {"action": "confirm_links", "_selected_action": [account.pk]}
    # A rektor cannot; an administrator can.
    assert as_user(school.other_rektor).post(changelist, action).status_code == 403
    confirmed = as_user(school.administrator).post(changelist, action, follow=True)
    assert "1 koppling bekräftad" in confirmed.content.decode()
    account.refresh_from_db()
    assert (account.user, account.pending_person) == (school.rektor, None)

    # The session of the stand-in ends; the next sign-in is the rektor's.
    assert not signed_in_user(client).is_authenticated
    sign_in(client, "karin")
    assert signed_in_user(client) == school.rektor
    assert signed_in_user(client).has_perm("organisation.manage_unit", school.arstaviken)


def test_only_a_superuser_confirms_a_link_to_a_superusers_account(client, oidc, school):
    superuser = get_user_model().objects.create_superuser("root", password="pw-root-1")
    PersonFactory(email="root@example.org", user=superuser)
    oidc.accounts({"root": {"email": "root@example.org"}})
    sign_in(client, "root")
    account = ProviderAccount.objects.get(subject="root")
    changelist = reverse("admin:accounts_provideraccount_changelist")
    action = {"action": "confirm_links", "_selected_action": [account.pk]}

    refused = as_user(school.administrator).post(changelist, action, follow=True)
    assert "bara en superanvändare kopplar till det kontot" in refused.content.decode()
    account.refresh_from_db()
    assert account.user != superuser

    as_user(superuser).post(changelist, action)
    account.refresh_from_db()
    assert account.user == superuser
