"""Bad input answers 400, never 500 (digiansvar/bad_input.py).

A NUL byte is fine for SQLite but PostgreSQL text refuses it: before the
middleware, each of the URLs below answered 500 on PostgreSQL. The suite runs
on both (DATABASE_URL), so on PostgreSQL these tests show the database never
sees such a value.
"""

import pytest
from django.test import RequestFactory

from digiansvar.bad_input import BadInput, request_input_check

SWEDISH = "Adressen eller formuläret innehöll något som webbplatsen inte kan använda"
ENGLISH = "The address or form held something the site cannot use"
AUTOCOMPLETE = "/admin/autocomplete/?app_label=registry&model_name=assignment&field_name="

# Each place that answered 500 on PostgreSQL for a NUL byte, with a good value beside it.
PLACES = [
    ("/enheter/?q={}", "Års"),
    ("/person/{}/", "A.W"),
    ("/roll/{}/", "ITS"),
    ("/organisation/tackning/?unit={}", "arstaviken"),
    ("/admin/registry/item/?enhet={}", "arstaviken"),
    ("/admin/registry/item/?utan_ansvarig={}", "arstaviken"),
    ("/admin/registry/item/?roll={}", "ITS"),
    ("/admin/registry/assignment/?enhet={}", "arstaviken"),
    ("/admin/organisation/appointment/?enhet={}", "arstaviken"),
    ("/admin/registry/assignment/andringar/?enhet={}", "arstaviken"),
    (AUTOCOMPLETE + "person&term={}", "A"),
    (AUTOCOMPLETE + "unit&term={}", "Års"),
]


@pytest.mark.parametrize(("url", "good"), PLACES, ids=[url for url, _good in PLACES])
def test_a_nul_byte_answers_400_with_the_swedish_page_where_it_answered_500(
    seeded_client, url, good
):
    response = seeded_client.get(url.format("ab%00c"))
    assert response.status_code == 400
    assert response.templates[0].name == "400.html"
    assert SWEDISH in response.text
    assert '<html lang="sv">' in response.text


@pytest.mark.parametrize(("url", "good"), PLACES, ids=[url for url, _good in PLACES])
def test_the_same_places_answer_200_to_a_good_value(seeded_client, url, good):
    assert seeded_client.get(url.format(good)).status_code == 200


def test_a_nul_byte_in_a_parameters_name_answers_400(seeded_client):
    assert seeded_client.get("/enheter/?q%00=x").status_code == 400


def test_a_query_value_over_the_limit_answers_400_and_one_at_it_200(seeded_client, settings):
    limit = settings.DIGIANSVAR_MAX_QUERY_VALUE_LENGTH
    assert limit == 1000
    assert seeded_client.get("/enheter/", {"q": "x" * limit}).status_code == 200
    response = seeded_client.get("/enheter/", {"q": "x" * (limit + 1)})
    assert response.status_code == 400
    assert SWEDISH in response.text
    assert seeded_client.get("/enheter/", {"x" * (limit + 1): "1"}).status_code == 400


def test_the_limit_is_a_setting(seeded_client, settings):
    settings.DIGIANSVAR_MAX_QUERY_VALUE_LENGTH = 10
    assert seeded_client.get("/enheter/", {"q": "x" * 11}).status_code == 400


def test_the_sign_in_callback_takes_a_long_authorization_code(client, settings):
    # Microsoft Entra ID's codes often pass 1,000 characters.
    settings.DIGIANSVAR_OIDC_ISSUER = "https://idp.example.org"
    settings.OIDC_RP_CLIENT_ID = "digiansvar"
    response = client.get("/oidc/callback/", {"code": "c" * 2000, "state": "unknown"})
    # Past the middleware to the view, which knows no such state.
    assert response.templates[0].name == "registration/sign_in_failed.html"
    response = client.get("/oidc/callback/?code=a%00b&state=x")
    assert response.status_code == 400
    assert response.templates[0].name == "400.html"


def test_a_nul_byte_in_a_form_field_answers_400(client, superuser):
    response = client.post("/konto/login/", {"username": "ad\x00min", "password": "pw-admin-1"})
    assert response.status_code == 400
    assert SWEDISH in response.text


def test_long_form_fields_are_not_capped(client, superuser):
    # Admin texts and imports post more than a query value may hold.
    response = client.post("/konto/login/", {"username": "admin", "password": "p" * 5000})
    assert response.status_code == 200  # the form again: a wrong password, not a refusal
    response = client.post("/konto/login/", {"username": "admin", "password": "pw-admin-1"})
    assert response.status_code == 302


def test_a_malformed_multipart_form_answers_400(seeded_client):
    response = seeded_client.generic(
        "POST", "/admin/registry/item/", b"garbage", content_type="multipart/form-data"
    )
    assert response.status_code == 400


def test_a_nul_byte_in_the_session_cookie_answers_400(client, db):
    # The session key is looked up in the database.
    client.cookies["sessionid"] = "\x00" + "k" * 31
    assert client.get("/").status_code == 400


def test_lone_surrogates_are_refused_too():
    request = RequestFactory().get("/enheter/")
    request.GET = request.GET.copy()
    request.GET["q"] = "\ud800"
    with pytest.raises(BadInput):
        request_input_check(request)


def test_the_400_page_speaks_the_visitors_language(seeded_client):
    seeded_client.cookies["django_language"] = "en"
    response = seeded_client.get("/enheter/?q=%00")
    assert response.status_code == 400
    assert ENGLISH in response.text
    assert '<html lang="en">' in response.text


def test_the_400_page_never_echoes_the_input_and_its_language_form_goes_home(seeded_client):
    response = seeded_client.get("/enheter/?q=hemligt%00")
    assert "hemligt" not in response.text
    assert '<input type="hidden" name="next" value="/">' in response.text
    assert 'name="csrfmiddlewaretoken"' in response.text
