"""Sign-in through a real OpenID provider (tests/oidc/provider.mjs), driven over HTTP."""

import logging
import re
from urllib.parse import parse_qs, urljoin, urlsplit, urlunsplit

import jwt
import pytest
import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.test import Client
from django.urls import reverse

from accounts.backend import OIDCBackend
from accounts.models import ClaimGrant, ProviderAccount
from accounts.provider import provider_metadata
from accounts.rights_map import claim_targets, rights_map_parse
from organisation.models import Person, Unit
from organisation.services import unit_grant
from tests.factories import PersonFactory, UnitFactory
from tests.oidc.conftest import RIGHTS_MAP, follow, free_port, provider_login, sign_in

MANAGE = "organisation.manage_unit"
VIEW = "organisation.view_unit"


@pytest.fixture
def units(db):
    return UnitFactory(slug="arstaviken", name="Årstaviken"), UnitFactory(slug="berget")


def fresh(user):
    """The user as the database has it now, without cached permissions."""
    return get_user_model().objects.get(pk=user.pk)


def signed_in_user(client):
    return client.get(reverse("registry:blueprint")).wsgi_request.user


# The login page -------------------------------------------------------------


def test_login_page_offers_the_provider_and_the_password_form(client, oidc):
    page = client.get(reverse("login") + "?next=/organisation/").content.decode()
    assert "Logga in med Testkommunen" in page
    assert f"{reverse('oidc_authentication_init')}?next=/organisation/" in page
    assert 'name="password"' in page


def test_login_page_without_a_provider_has_no_provider_button(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "Logga in med" not in page
    assert 'name="password"' in page
    assert client.get(reverse("oidc_authentication_init")).status_code == 404


def test_local_login_switched_off_leaves_only_the_provider(
    client, oidc, settings, django_user_model
):
    settings.DIGIANSVAR_LOCAL_LOGIN = False
    django_user_model.objects.create_superuser("admin", password="pw-admin-1")
    page = client.get(reverse("login")).content.decode()
    assert "Logga in med Testkommunen" in page
    assert 'name="password"' not in page
    response = client.post(reverse("login"), {"username": "admin", "password": "pw-admin-1"})
    assert response.status_code == 403
    assert "Inloggning med lösenord är avstängd" in response.content.decode()
    assert not signed_in_user(client).is_authenticated


def test_local_login_cannot_be_switched_off_without_a_provider(client, settings, db):
    settings.DIGIANSVAR_LOCAL_LOGIN = False
    assert 'name="password"' in client.get(reverse("login")).content.decode()


def test_admin_login_is_the_site_login_page(client, oidc):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=%2Fadmin%2F"


# Signing in -------------------------------------------------------------------


def test_first_sign_in_creates_a_user_without_rights(client, oidc, units):
    oidc.accounts({"ny": {"email": "ny@example.org", "given_name": "Nina", "family_name": "Ny"}})
    response, _callback = sign_in(client, "ny", next_path="/organisation/")
    assert response.status_code == 302
    assert response["Location"] == "/organisation/"
    user = signed_in_user(client)
    assert user.is_authenticated
    assert (user.email, user.first_name, user.last_name) == ("ny@example.org", "Nina", "Ny")
    assert not user.has_usable_password()
    assert not user.is_staff and not user.groups.exists()
    assert list(Unit.objects.restrict(user)) == []
    assert ProviderAccount.objects.get(user=user).issuer == oidc.issuer
    # Without a unit the blueprint page says so instead of showing one.
    assert client.get(reverse("registry:blueprint")).status_code == 403


def test_first_sign_in_links_the_person_with_that_email(client, oidc, units):
    person = PersonFactory(initials="A.W", name="Anna Wik", email="Anna.Wik@example.org")
    oidc.accounts({"anna": {"email": "anna.wik@example.org", "email_verified": True}})
    sign_in(client, "anna")
    person.refresh_from_db()
    assert person.user == signed_in_user(client)
    page = client.get(reverse("organisation:organisation_list")).content.decode()
    assert "Mina ansvarsområden" in page


def test_an_unverified_email_links_nobody(client, oidc, units):
    person = PersonFactory(email="anna@example.org")
    oidc.accounts({"anna": {"email": "anna@example.org", "email_verified": False}})
    sign_in(client, "anna")
    person.refresh_from_db()
    assert person.user is None
    assert signed_in_user(client).is_authenticated


def test_first_sign_in_links_by_employee_number_when_configured(client, oidc, units, settings):
    settings.DIGIANSVAR_OIDC_PERSON_CLAIM = "employee_number"
    settings.DIGIANSVAR_OIDC_PERSON_FIELD = "employee_number"
    # Mapped from the directory, which only its administrators change.
    settings.DIGIANSVAR_OIDC_PERSON_CLAIM_VERIFIED = ""
    person = PersonFactory(employee_number="K-1234", email="")
    PersonFactory(employee_number="K-9999", email="anna@example.org")
    oidc.accounts({"anna": {"email": "anna@example.org", "employee_number": "K-1234"}})
    sign_in(client, "anna")
    person.refresh_from_db()
    assert person.user == signed_in_user(client)


def test_the_person_account_already_linked_signs_in_as_itself(
    client, oidc, units, django_user_model
):
    existing = django_user_model.objects.create_user("awik", password="pw-anna-1")
    PersonFactory(email="anna@example.org", user=existing)
    oidc.accounts({"anna": {"email": "anna@example.org", "email_verified": True}})
    sign_in(client, "anna")
    assert signed_in_user(client) == existing
    assert django_user_model.objects.count() == 1


def test_a_later_sign_in_finds_the_user_by_subject_when_the_email_changed(client, oidc, units):
    oidc.accounts({"anna": {"email": "anna@example.org"}})
    sign_in(client, "anna")
    first = signed_in_user(client)
    client.logout()
    oidc.accounts({"anna": {"email": "anna.gift@example.org"}})
    sign_in(client, "anna")
    again = signed_in_user(client)
    assert again == first
    assert again.email == "anna.gift@example.org"


# Rights from claims -------------------------------------------------------------


def test_claims_give_groups_and_unit_grants(client, oidc, units):
    arstaviken, berget = units
    oidc.accounts(
        {"rektor": {"email": "r@example.org", "groups": ["rektor-arstaviken", "okänd-grupp"]}}
    )
    sign_in(client, "rektor")
    user = fresh(signed_in_user(client))
    assert user.is_staff
    assert set(user.groups.values_list("name", flat=True)) == {"rektor"}
    assert user.has_perm(MANAGE, arstaviken)
    assert not user.has_perm(MANAGE, berget)
    assert list(Unit.objects.restrict(user, "change")) == [arstaviken]
    # The blueprint page opens on the granted unit.
    assert client.get(reverse("registry:blueprint")).status_code == 200


def test_a_claim_for_every_unit_and_a_plain_group(client, oidc, units):
    oidc.accounts(
        {"v": {"email": "v@example.org", "groups": ["digiansvar-lasare", "digiansvar-utvecklare"]}}
    )
    sign_in(client, "v")
    user = fresh(signed_in_user(client))
    assert set(user.groups.values_list("name", flat=True)) == {"läsare", "verksamhetsutvecklare"}
    assert user.has_perm(VIEW)
    assert set(Unit.objects.restrict(user)) == set(units)


def test_rights_go_when_the_claim_goes_and_manual_grants_stay(client, oidc, units):
    arstaviken, berget = units
    oidc.accounts({"r": {"email": "r@example.org", "groups": ["rektor-arstaviken"]}})
    sign_in(client, "r")
    user = fresh(signed_in_user(client))
    # An administrator grants a reader's right at Berget by hand.
    unit_grant(user=user, unit=berget, role="läsare")
    client.logout()

    oidc.accounts({"r": {"email": "r@example.org", "groups": []}})
    sign_in(client, "r")
    user = fresh(user)
    assert not user.has_perm(MANAGE, arstaviken)
    assert set(user.groups.values_list("name", flat=True)) == {"läsare"}
    assert user.has_perm(VIEW, berget)
    assert user.is_staff  # the manual grant still needs admin
    assert not ClaimGrant.objects.filter(user=user).exists()


def test_a_right_granted_by_hand_before_the_claim_survives_the_claim(client, oidc, units):
    arstaviken, _berget = units
    oidc.accounts({"r": {"email": "r@example.org", "groups": ["rektor-arstaviken"]}})
    sign_in(client, "r")
    user = fresh(signed_in_user(client))
    client.logout()
    # Start again: the same right given by hand first, then by the claim.
    ClaimGrant.objects.filter(user=user).delete()
    user.groups.clear()
    unit_grant(user=user, unit=arstaviken, role="rektor")
    sign_in(client, "r")
    assert not ClaimGrant.objects.filter(user=user, kind=ClaimGrant.Kind.UNIT).exists()
    client.logout()

    oidc.accounts({"r": {"email": "r@example.org"}})
    sign_in(client, "r")
    assert fresh(user).has_perm(MANAGE, arstaviken)


def test_all_rights_from_claims_go_including_staff(client, oidc, units):
    oidc.accounts({"a": {"email": "a@example.org", "groups": ["digiansvar-admin"]}})
    sign_in(client, "a")
    user = fresh(signed_in_user(client))
    assert user.is_staff and user.has_perm("registry.change_item")
    client.logout()
    oidc.accounts({"a": {"email": "a@example.org", "groups": ["något-annat"]}})
    sign_in(client, "a")
    user = fresh(user)
    assert not user.is_staff
    assert not user.groups.exists()
    assert not user.has_perm("registry.change_item")


def test_rights_are_refreshed_at_each_sign_in(client, oidc, units):
    arstaviken, berget = units
    oidc.accounts({"r": {"email": "r@example.org", "groups": ["rektor-arstaviken"]}})
    sign_in(client, "r")
    user = signed_in_user(client)
    client.logout()
    oidc.accounts({"r": {"email": "r@example.org", "groups": ["rektor-berget"]}})
    sign_in(client, "r")
    user = fresh(user)
    assert not user.has_perm(MANAGE, arstaviken)
    assert user.has_perm(MANAGE, berget)
    assert set(user.groups.values_list("name", flat=True)) == {"rektor"}


# Refused and broken sign-ins ------------------------------------------------------


def test_a_disabled_account_cannot_sign_in(client, oidc, units, django_user_model):
    disabled = django_user_model.objects.create_user("awik", is_active=False)
    PersonFactory(email="anna@example.org", user=disabled)
    oidc.accounts({"anna": {"email": "anna@example.org", "groups": ["digiansvar-admin"]}})
    response, _callback = sign_in(client, "anna")
    assert response.status_code == 403
    assert "Ditt konto i digiansvar är avstängt" in response.content.decode()
    assert not signed_in_user(client).is_authenticated
    disabled.refresh_from_db()
    assert not disabled.groups.exists() and not disabled.is_staff


def test_an_account_disabled_after_sign_in_loses_its_session(client, oidc, units):
    oidc.accounts({"anna": {"email": "anna@example.org"}})
    sign_in(client, "anna")
    user = signed_in_user(client)
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert not signed_in_user(client).is_authenticated


def test_a_replayed_callback_is_refused(client, oidc, units):
    oidc.accounts({"anna": {"email": "anna@example.org"}})
    _response, callback = sign_in(client, "anna")
    parts = urlsplit(callback)
    # The same browser again, and an attacker's browser with the stolen URL.
    again = client.get(f"{parts.path}?{parts.query}")
    assert again.status_code == 400
    assert "redan använts" in again.content.decode()
    attacker = Client()
    replay = attacker.get(f"{parts.path}?{parts.query}")
    assert replay.status_code == 400
    assert not signed_in_user(attacker).is_authenticated


def test_a_callback_with_a_forged_state_is_refused(client, oidc, units):
    oidc.accounts({"anna": {"email": "anna@example.org"}})
    _response, callback = sign_in(client, "anna")
    client.logout()
    query = parse_qs(urlsplit(callback).query)
    response = client.get(reverse("oidc_authentication_callback"), {**query, "state": "forged"})
    assert response.status_code == 400
    assert not signed_in_user(client).is_authenticated


def test_a_provider_with_another_issuer_is_refused(client, oidc, settings):
    # The same provider under another name: its discovery document names 127.0.0.1.
    settings.DIGIANSVAR_OIDC_ISSUER = oidc.issuer.replace("127.0.0.1", "localhost")
    response = client.get(reverse("oidc_authentication_init"))
    assert response.status_code == 502
    assert "Inloggningstjänsten svarar inte som digiansvar" in response.content.decode()


def test_a_response_naming_another_issuer_is_refused(client, oidc, units):
    oidc.accounts({"anna": {"email": "anna@example.org"}})
    start = client.get(reverse("oidc_authentication_init"))
    callback = provider_login(requests.Session(), start["Location"], "anna", "http://testserver/")
    parts = urlsplit(callback)
    query = parse_qs(parts.query)
    assert query["iss"] == [oidc.issuer]  # RFC 9207: the provider names itself
    query["iss"] = ["https://idp.example.org"]
    response = client.get(parts.path, {key: value[0] for key, value in query.items()})
    assert response.status_code == 400
    assert not signed_in_user(client).is_authenticated
    # The state is spent: the genuine response cannot be used after the forged one.
    assert client.get(f"{parts.path}?{parts.query}").status_code == 400


def test_an_id_token_from_another_issuer_or_for_another_client_is_refused(
    client, oidc, units, settings
):
    oidc.accounts({"anna": {"email": "anna@example.org"}})
    sign_in(client, "anna")
    id_token = client.session["oidc_id_token"]
    nonce = jwt.decode(id_token, options={"verify_signature": False})["nonce"]
    backend = OIDCBackend()
    backend.OIDC_OP_JWKS_ENDPOINT = provider_metadata()["jwks_uri"]
    backend.OIDC_RP_SIGN_ALGO = "RS256"
    backend.OIDC_RP_IDP_SIGN_KEY = None
    assert backend.verify_token(id_token, nonce=nonce)["sub"] == "anna"
    settings.DIGIANSVAR_OIDC_ISSUER = "https://idp.example.org"
    with pytest.raises(SuspiciousOperation, match="another issuer"):
        backend.verify_token(id_token, nonce=nonce)
    settings.DIGIANSVAR_OIDC_ISSUER = oidc.issuer
    settings.OIDC_RP_CLIENT_ID = "another-client"
    with pytest.raises(SuspiciousOperation, match="another client"):
        backend.verify_token(id_token, nonce=nonce)


def test_a_sign_in_the_person_aborts_at_the_provider_is_refused(client, oidc, units):
    oidc.accounts({"anna": {"email": "anna@example.org"}})
    start = client.get(reverse("oidc_authentication_init"))
    browser = requests.Session()
    form = follow(browser, browser.get(start["Location"], allow_redirects=False), "http://x/")
    uid = urlsplit(form.url).path.rstrip("/").split("/")[-1]
    aborted = browser.get(f"{oidc.issuer}/interaction/{uid}/abort", allow_redirects=False)
    callback = follow(browser, aborted, "http://testserver/")
    assert "error=access_denied" in callback
    parts = urlsplit(callback)
    response = client.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 403
    assert "godkände inte inloggningen" in response.content.decode()


def with_id_token(monkeypatch, make):
    """The provider's token response, its ID token replaced by make(the real token's claims)."""
    original = OIDCBackend.get_token

    def get_token(self, payload):
        response = original(self, payload)
        claims = jwt.decode(response["id_token"], options={"verify_signature": False})
        return {**response, "id_token": make(claims)}

    monkeypatch.setattr(OIDCBackend, "get_token", get_token)


def assert_refused_without_the_token(client, response, caplog, token):
    assert response.status_code == 400
    assert "Svaret från inloggningstjänsten kunde inte godkännas" in response.content.decode()
    assert not signed_in_user(client).is_authenticated
    assert "OpenID Connect sign-in refused" in caplog.text
    if isinstance(token, str):
        assert token not in caplog.text


def test_an_id_token_without_a_key_id_gives_the_error_page(
    client, oidc, units, monkeypatch, caplog
):
    oidc.accounts({"anna": {"email": "anna@example.org"}})
    made = []
    with_id_token(monkeypatch, lambda claims: made.append(oidc.sign(claims, kid=None)) or made[0])
    with caplog.at_level(logging.DEBUG):
        response, _callback = sign_in(client, "anna")
    assert "kid" not in jwt.get_unverified_header(made[0])
    assert_refused_without_the_token(client, response, caplog, made[0])


def test_an_expired_id_token_gives_the_error_page(client, oidc, units, monkeypatch, caplog):
    oidc.accounts({"anna": {"email": "anna@example.org"}})
    made = []

    def expired(claims):
        made.append(oidc.sign({**claims, "iat": claims["iat"] - 7200, "exp": claims["iat"] - 3600}))
        return made[0]

    with_id_token(monkeypatch, expired)
    with caplog.at_level(logging.DEBUG):
        response, _callback = sign_in(client, "anna")
    assert_refused_without_the_token(client, response, caplog, made[0])


@pytest.mark.parametrize("token", ["not-a-token", "a.b.c", None, 42, {"sub": "anna"}])
def test_an_id_token_that_is_no_token_gives_the_error_page(
    client, oidc, units, monkeypatch, caplog, token
):
    oidc.accounts({"anna": {"email": "anna@example.org"}})
    with_id_token(monkeypatch, lambda claims: token)
    with caplog.at_level(logging.DEBUG):
        response, _callback = sign_in(client, "anna")
    assert_refused_without_the_token(client, response, caplog, token)


def test_an_error_at_the_callback_leaves_a_signed_in_session_alone(client, oidc, units):
    oidc.accounts({"anna": {"email": "anna@example.org"}})
    sign_in(client, "anna")
    user = signed_in_user(client)
    # A link on another site: the provider's error, without a state this session started.
    response = client.get(reverse("oidc_authentication_callback"), {"error": "access_denied"})
    assert response.status_code == 403
    assert "godkände inte inloggningen" in response.content.decode()
    assert signed_in_user(client) == user
    assert "oidc_id_token" in client.session


def test_an_unreachable_provider_gives_a_swedish_page(client, oidc, settings):
    settings.DIGIANSVAR_OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"
    response = client.get(reverse("oidc_authentication_init"))
    assert response.status_code == 503
    assert "svarar inte just nu" in response.content.decode()


def test_the_error_page_has_an_english_translation(client, oidc, units):
    oidc.accounts({"anna": {"email": "anna@example.org"}})
    client.cookies["django_language"] = "en"
    response = client.get(reverse("oidc_authentication_callback"), {"code": "x", "state": "y"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Sign-in failed" in page
    assert "Inloggningen misslyckades" not in page


def test_tokens_are_never_logged(client, oidc, units, caplog):
    oidc.accounts({"anna": {"email": "anna@example.org", "groups": ["rektor-arstaviken"]}})
    with caplog.at_level(logging.DEBUG):
        _response, callback = sign_in(client, "anna")
        id_token = client.session["oidc_id_token"]
        client.post(reverse("logout"))
    code = parse_qs(urlsplit(callback).query)["code"][0]
    assert caplog.records  # requests and Django did log at DEBUG
    assert id_token not in caplog.text
    assert code not in caplog.text


# Logging out -------------------------------------------------------------------


def test_logout_ends_the_session_and_the_providers(client, oidc, units):
    oidc.accounts({"anna": {"email": "anna@example.org"}})
    browser = requests.Session()
    sign_in(client, "anna", browser=browser)
    id_token = client.session["oidc_id_token"]
    response = client.post(reverse("logout"))
    assert not signed_in_user(client).is_authenticated
    end_session = urlsplit(response["Location"])
    assert urlunsplit(end_session[:3] + ("", "")) == provider_metadata()["end_session_endpoint"]
    query = parse_qs(end_session.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://testserver/konto/login/"]

    # At the provider: its confirmation form, then back to our login page.
    confirm = browser.get(response["Location"])
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', confirm.text))
    action = re.search(r'<form[^>]*action="([^"]+)"', confirm.text).group(1)
    done = browser.post(
        urljoin(confirm.url, action),
        data={**form, "logout": "yes"},
        allow_redirects=False,
    )
    assert follow(browser, done, "http://testserver/") == "http://testserver/konto/login/"

    # The provider forgot the person: signing in again asks for the login form.
    start = client.get(reverse("oidc_authentication_init"))
    again = follow(browser, browser.get(start["Location"], allow_redirects=False), "http://t/")
    assert 'name="login"' in again.text


def test_logout_by_get_is_refused_and_the_session_stays(client, oidc, units):
    oidc.accounts({"anna": {"email": "anna@example.org"}})
    sign_in(client, "anna")
    user = signed_in_user(client)
    # A link or an image on another site cannot log anyone out.
    assert client.get(reverse("logout")).status_code == 405
    assert signed_in_user(client) == user


def test_logout_of_a_password_login_stays_on_the_site(client, oidc, django_user_model):
    user = django_user_model.objects.create_user("lokal", password="pw-lokal-1")
    client.force_login(user)
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert not signed_in_user(client).is_authenticated


# Configuration ----------------------------------------------------------------------


def test_the_rights_map_reads_patterns_units_and_plain_groups(units):
    arstaviken, _berget = units
    rules = rights_map_parse(RIGHTS_MAP + "\n 5f0c-guid = rektor@arstaviken, läsare@* ")
    targets = claim_targets(["rektor-arstaviken", "rektor-okand", "5f0c-guid", "x"], rules)
    assert {(t.group, t.unit, t.all_units) for t in targets} == {
        ("rektor", arstaviken, False),
        ("läsare", None, True),
    }
    admin = claim_targets(["digiansvar-admin"], rules)
    assert [(t.group, t.unit, t.all_units) for t in admin] == [("administratör", None, False)]
    # A pattern matches the whole value only.
    assert claim_targets(["xrektor-arstaviken", "rektor-arstaviken-x"], rules) == []


@pytest.mark.parametrize(
    "text",
    [
        "no-equals-sign",
        "a=",
        "a=administratör@arstaviken",
        "a=rektor@{unit}",
        "{unit}-{unit}=rektor@{unit}",
    ],
)
def test_a_wrong_rights_map_is_refused_naming_the_entry(text):
    with pytest.raises(ImproperlyConfigured, match="DIGIANSVAR_OIDC_RIGHTS_MAP"):
        rights_map_parse(text)


def test_manage_check_reports_a_wrong_configuration(settings):
    from accounts.checks import configuration_check

    settings.DIGIANSVAR_OIDC_RIGHTS_MAP = "a=administratör@x"
    settings.DIGIANSVAR_OIDC_PERSON_FIELD = "phone"
    settings.DIGIANSVAR_OIDC_ISSUER = "https://idp.example.org"
    settings.OIDC_RP_CLIENT_ID = ""
    ids = {problem.id for problem in configuration_check()}
    assert ids == {"accounts.E001", "accounts.E002", "accounts.E003"}


def test_groups_named_in_the_test_map_exist(db):
    names = set(Group.objects.values_list("name", flat=True))
    assert {"administratör", "rektor", "läsare", "verksamhetsutvecklare"} <= names


def test_person_employee_numbers_are_unique_per_organisation(db):
    from django.db import IntegrityError, transaction

    PersonFactory(employee_number="K-1")
    PersonFactory(employee_number="")
    PersonFactory(employee_number="")
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(employee_number="K-1")
    assert Person.objects.filter(employee_number="").count() == 2


def test_a_next_address_on_another_site_is_not_followed(client, oidc, units):
    oidc.accounts({"anna": {"email": "anna@example.org"}})
    response, _callback = sign_in(client, "anna", next_path="https://evil.example.org/")
    assert response.status_code == 302
    assert response["Location"] == "/"


# Queries ------------------------------------------------------------------------------


def test_the_login_page_makes_no_query(client, oidc, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        assert client.get(reverse("login")).status_code == 200


def resign_in_queries(client, oidc, login, groups):
    """Queries of a second sign-in with the same claims (the first grants the rights)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    oidc.accounts({login: {"email": f"{login}@example.org", "groups": groups}})
    sign_in(client, login)
    client.logout()
    with CaptureQueriesContext(connection) as queries:
        sign_in(client, login)
    client.logout()
    return len(queries)


def test_signing_in_again_costs_the_same_queries_for_one_unit_or_ten(client, oidc, units):
    more = [UnitFactory(slug=f"skola-{n}") for n in range(10)]
    one = resign_in_queries(client, oidc, "en", ["digiansvar-admin", "rektor-arstaviken"])
    ten = resign_in_queries(
        client, oidc, "tio", ["digiansvar-admin", *[f"rektor-{unit.slug}" for unit in more]]
    )
    assert one == ten
    assert ten <= 45
    assert ClaimGrant.objects.filter(kind=ClaimGrant.Kind.UNIT).count() == 11


def test_a_first_sign_in_costs_a_few_queries_per_unit_granted(
    client, oidc, units, django_assert_max_num_queries
):
    # unit_grant (the one grant mechanism) takes ~11 queries a unit; a sign-in
    # grants only what is new, so this is paid once.
    more = [UnitFactory(slug=f"skola-{n}") for n in range(10)]
    groups = ["digiansvar-admin", *[f"rektor-{unit.slug}" for unit in more]]
    oidc.accounts({"r": {"email": "r@example.org", "groups": groups}})
    with django_assert_max_num_queries(40 + 12 * len(more)):
        sign_in(client, "r")
