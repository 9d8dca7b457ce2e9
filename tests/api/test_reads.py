"""Reading the register through the API: endpoints, filters, pages, ETag, throttle, errors."""

import gzip
import json
import re

import pytest
from django.test import Client

from organisation.models import Unit
from organisation.services import unit_grant
from registry.models import Assignment
from tests.api.conftest import Api, key_for
from tests.factories import AssignmentFactory, ItemFactory, PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_api(world, superuser):
    return Api(Client(), key_for(superuser))


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_the_catalogue_reads_with_keywords_and_role_kinds(world, admin_api):
    item = admin_api.get(f"/api/v1/items/{world.item.pk}/").json()
    assert item["keywords"] == ["betyg", "skolplattform"]
    assert item["group"] == "Skolplattform"
    role = admin_api.get("/api/v1/roles/ITS/").json()
    assert role["kind"] == "individuell"
    areas = admin_api.get("/api/v1/areas/").json()["results"]
    assert areas and admin_api.get(f"/api/v1/areas/{areas[0]['slug']}/").status_code == 200


def test_assignments_filter_by_unit_with_the_organisation_wide_rows(world, admin_api):
    url = "/api/v1/assignments/"
    assert ids(admin_api.get(url, {"unit": "hemmaskolan"})) == [
        world.row_a1.pk,
        world.row_wide_a.pk,
    ]
    only_unit = admin_api.get(url, {"unit": "hemmaskolan", "organisation_wide": "false"})
    assert ids(only_unit) == [world.row_a1.pk]
    assert ids(admin_api.get(url, {"organisation_wide": "true"})) == [world.row_wide_a.pk]
    assert set(ids(admin_api.get(url, {"item": world.item.pk}))) == {
        world.row_a1.pk,
        world.row_a2.pk,
        world.row_b1.pk,
    }
    assert ids(admin_api.get(url, {"person": world.bertil.pk})) == [world.row_b1.pk]
    assert len(ids(admin_api.get(url, {"role": "ITS"}))) == 4
    area = world.other_item.column.area.slug
    assert world.row_wide_a.pk in ids(admin_api.get(url, {"area": area}))


def test_an_unknown_or_unseen_unit_is_a_swedish_error(world, api_as):
    api = api_as(world.rektor_a)
    response = api.get("/api/v1/assignments/", {"unit": "bortaskolan"})
    assert response.status_code == 400
    assert response.json() == {"unit": ["Enheten finns inte."]}
    assert response.json() == api.get("/api/v1/assignments/", {"unit": "finns-ej"}).json()
    missing = api.get("/api/v1/units/bortaskolan/")
    assert missing.status_code == 404 and missing.json() == {"detail": "Hittades inte."}
    bad = api.get("/api/v1/support-chain/", {"unit": "hemmaskolan", "kind": "fel"})
    assert bad.status_code == 400 and "giltigt val" in bad.json()["kind"][0]
    assert Client().get("/api/v1/units/").json() == {
        "detail": "Autentiseringsuppgifter ej tillhandahållna."
    }


def test_lists_are_paged_by_cursor(world, admin_api):
    first = admin_api.get("/api/v1/assignments/", {"page_size": 3}).json()
    assert len(first["results"]) == 3 and first["previous"] is None
    second = admin_api.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    seen = [row["id"] for row in first["results"] + second["results"]]
    assert seen == sorted(Assignment.objects.values_list("pk", flat=True))


def test_a_read_has_an_etag_and_an_unchanged_one_answers_304(world, admin_api):
    url = "/api/v1/assignments/"
    response = admin_api.get(url)
    etag = response["ETag"]
    assert "Authorization" in response["Vary"]
    again = admin_api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    AssignmentFactory(item=world.other_item, unit=world.unit_a2, role=world.role)
    assert admin_api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_client_that_accepts_gzip_gets_it_and_its_weak_etag_still_answers_304(world, admin_api):
    url = "/api/v1/assignments/"
    response = admin_api.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content)) == admin_api.get(url).json()
    etag = response["ETag"]
    assert etag.startswith('W/"')
    again = admin_api.get(url, HTTP_IF_NONE_MATCH=etag, HTTP_ACCEPT_ENCODING="gzip")
    assert again.status_code == 304


def test_requests_are_throttled_per_key(world, admin_api, settings):
    settings.DIGIANSVAR_API_RATE = "3/min"
    for _ in range(3):
        assert admin_api.get("/api/v1/roles/").status_code == 200
    refused = admin_api.get("/api/v1/roles/")
    assert refused.status_code == 429
    assert re.fullmatch(
        r"För många förfrågningar\. Försök igen om \d+ sekunder\.", refused.json()["detail"]
    )
    assert "Retry-After" in refused
    other = Api(Client(), key_for(world.rektor_a))  # another key has its own count
    assert other.get("/api/v1/roles/").status_code == 200


def test_the_support_chain_and_versions_read_through_the_scope(world, api_as):
    api = api_as(world.rektor_a)
    chain = api.get("/api/v1/support-chain/", {"unit": "hemmaskolan", "kind": "teknik"})
    assert chain.status_code == 200 and chain.json()["steps"][0]["kind"] == "pedagog"
    assert (
        api.get("/api/v1/support-chain/", {"unit": "bortaskolan", "kind": "teknik"}).status_code
        == 404
    )


def test_versions_and_their_comparison(world, superuser, api_as):
    from datetime import date

    from registry import versions

    first = versions.blueprint_publish(
        organisation=world.org_a, version="1", published=date(2026, 8, 1), title="Hemma"
    )
    AssignmentFactory(item=world.other_item, unit=world.unit_a1, role=world.role, person=world.aw)
    versions.blueprint_publish(
        organisation=world.org_b, version="1", published=date(2026, 8, 1), title="Borta"
    )
    api = api_as(world.rektor_a)
    listed = api.get("/api/v1/versions/").json()["results"]
    assert [v["title"] for v in listed] == ["Hemma"]
    diff = api.get("/api/v1/versions/compare/", {"before": first.pk}).json()
    assert [(c["kind"], c["unit_name"], c["after"]) for c in diff["changes"]] == [
        ("responsible_added", "Hemmaskolan", "A.W · ITS")
    ]
    other = api_as(world.rektor_b).get("/api/v1/versions/compare/", {"before": first.pk})
    assert other.status_code == 404


def test_search_answers_who_is_responsible_at_the_unit(world, api_as):
    api = api_as(world.rektor_a)
    answer = api.get("/api/v1/search/", {"q": "skolplattform betyg", "unit": "hemmaskolan"})
    assert answer.status_code == 200, answer.content
    best = answer.json()["results"][0]
    assert best["item"]["id"] == world.item.pk
    assert [(r["person"]["initials"], r["role"]["code"]) for r in best["responsible"]] == [
        ("A.W", "ITS")
    ]
    assert api.get("/api/v1/search/", {"q": "betyg", "unit": "bortaskolan"}).status_code == 404
    assert api.get("/api/v1/search/").status_code == 400


# Queries of one page, at 2 and at 20 rows (and units): the key with its user,
# then for owned rows the user's groups' permissions and unit grants, then the
# page (a filter by unit reads the unit first; assignments: the page's ids, then
# its rows). Rektor A: a scope of listed units.
LIST_QUERIES = {
    "/api/v1/assignments/": 6,
    "/api/v1/assignments/?unit=hemmaskolan": 7,
    "/api/v1/people/": 5,
    "/api/v1/units/": 4,
    "/api/v1/items/": 2,
    "/api/v1/roles/": 2,
    "/api/v1/areas/": 2,
    "/api/v1/versions/": 4,
}


@pytest.mark.parametrize("url", LIST_QUERIES)
def test_list_queries_do_not_grow_with_rows(world, url, django_assert_max_num_queries):
    def grow(count):
        while Assignment.objects.filter(unit=world.unit_a1).count() < count:
            n = Assignment.objects.count()
            person = PersonFactory(organisation=world.org_a, initials=f"P{n}")
            AssignmentFactory(
                item=ItemFactory(), unit=world.unit_a1, role=world.role, person=person
            )
            UnitFactory(organisation=world.org_a, name=f"Skola {n}", slug=f"skola-{n}")

    for rows in (2, 20):
        grow(rows)
        for unit in Unit.objects.filter(organisation=world.org_a).exclude(pk=world.unit_a2.pk):
            unit_grant(user=world.rektor_a, unit=unit, role="rektor")
        api = Api(Client(), key_for(world.rektor_a))
        api.get(url)  # the process's caches (content types) filled once
        api = Api(Client(), key_for(world.rektor_a))
        with django_assert_max_num_queries(LIST_QUERIES[url]):
            response = api.get(url)
        assert response.status_code == 200
        if "assignments" in url:
            assert len(response.json()["results"]) >= rows
