"""The blueprint pages' cache: changes show at once, no unit or user sees another's entry."""

import pytest
from django.urls import reverse
from django.utils import translation
from guardian.shortcuts import assign_perm

from organisation.models import Person, Unit
from registry.blueprint_file import blueprint_import
from registry.models import Assignment, Column, Item, Role
from registry.services import assignment_reassign
from tests.factories import AssignmentFactory, ItemFactory, PersonFactory, UnitFactory
from tests.spreadsheets.helpers import csv_with

pytestmark = pytest.mark.django_db

BLUEPRINT = reverse("registry:blueprint")
GRID = reverse("registry:blueprint_grid")


def page(response):
    assert response.status_code == 200
    return response.content.decode()


def test_admin_change_shows_on_the_next_request(seeded_client):
    assert "IT-samordnare" in page(seeded_client.get(BLUEPRINT))  # cached now
    role = Role.objects.get(code="ITS")
    response = seeded_client.post(
        reverse("admin:registry_role_change", args=[role.pk]),
        {
            "code": "ITS",
            "name": "IT-samordnare för skolan",
            "kind": role.kind,
            "position": role.position_id,
            "description": "",
            "order": role.order,
        },
    )
    assert response.status_code == 302
    html = page(seeded_client.get(BLUEPRINT))
    assert 'title="IT-samordnare för skolan">A.W · ITS' in html  # the chips
    assert '<abbr title="IT-samordnare för skolan">ITS</abbr>' in page(seeded_client.get(GRID))


def test_saved_item_name_shows_on_the_next_request(seeded_client):
    page(seeded_client.get(BLUEPRINT + "?area=hygien"))
    item = Item.objects.get(name="WiFi / Nätverk")
    item.name = "Trådlöst nätverk"
    item.save()
    html = page(seeded_client.get(BLUEPRINT + "?area=hygien", headers={"HX-Request": "true"}))
    assert "Trådlöst nätverk" in html and "WiFi / Nätverk" not in html


def test_reassign_service_shows_on_the_next_request(seeded_client, superuser):
    assert "A.W · ITS" in page(seeded_client.get(BLUEPRINT))
    arstaviken = Unit.objects.get(slug="arstaviken")
    newcomer = PersonFactory(organisation=arstaviken.organisation, initials="N.Y", name="Ny")
    assignment_reassign(
        from_person=Person.objects.get(initials="A.W"), to_person=newcomer, user=superuser
    )
    html = page(seeded_client.get(BLUEPRINT))
    assert "A.W · ITS" not in html and "N.Y · ITS" in html


def test_import_shows_on_the_next_request(seeded_client):
    assert "E.I · ITS" not in page(seeded_client.get(BLUEPRINT + "?q=wifi"))
    PersonFactory(
        organisation=Unit.objects.get(slug="arstaviken").organisation, initials="E.I", name="Ek"
    )
    content = csv_with(
        ["arstaviken", "HYGIEN", "Infrastruktur och resurser", "WiFi / Nätverk", "E.I ITS", ""]
    )
    result = blueprint_import(content=content, filename="blueprint.csv", replace=True)
    assert result.errors == [] and result.applied
    html = page(seeded_client.get(BLUEPRINT + "?q=wifi"))
    assert "E.I · ITS" in html and "A.W · ITS" not in html


def test_bulk_written_rows_without_history_still_change_the_page(seeded_client):
    # A write with bulk_create leaves no history rows.
    assert "Z.Z" not in page(seeded_client.get(BLUEPRINT))
    unit = Unit.objects.get(slug="arstaviken")
    person = Person.objects.bulk_create(
        [Person(organisation=unit.organisation, initials="Z.Z", name="Zelda")]
    )[0]
    Assignment.objects.bulk_create(
        [Assignment(item=Item.objects.get(name="WiFi / Nätverk"), unit=unit, person=person)]
    )
    assert "Z.Z" in page(seeded_client.get(BLUEPRINT))


def test_two_units_never_share_a_cached_fragment(client, superuser):
    first, second = UnitFactory(slug="forsta"), UnitFactory(slug="andra")
    item = AssignmentFactory(
        unit=first, person=PersonFactory(organisation=first.organisation, initials="F.F")
    ).item
    AssignmentFactory(
        item=item,
        unit=second,
        person=PersonFactory(organisation=second.organisation, initials="A.A"),
    )
    client.force_login(superuser)
    for url in (BLUEPRINT, GRID):
        assert "F.F" in page(client.get(url + "?unit=forsta"))
        html = page(client.get(url + "?unit=andra"))
        assert "A.A" in html and "F.F" not in html
        assert "F.F" in page(client.get(url + "?unit=forsta"))


def test_user_without_the_unit_never_gets_its_cached_fragment(client, seed, superuser):
    client.force_login(superuser)
    assert "A.W · ITS" in page(client.get(BLUEPRINT + "?unit=arstaviken"))  # cached now
    other = UnitFactory(slug="annan")
    reader = type(superuser).objects.create_user("annan-rektor", password="x")
    assign_perm("organisation.view_unit", reader, other)
    client.force_login(reader)
    for url in (BLUEPRINT, GRID):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url + "?unit=arstaviken", headers=headers)
            assert response.status_code == 404
            assert "A.W" not in response.content.decode()
        assert "A.W" not in page(client.get(url))  # their own unit


def test_fragment_holds_no_csrf_token_or_user(seeded_client, superuser, django_user_model):
    first = page(seeded_client.get(BLUEPRINT))
    reader = django_user_model.objects.create_user("zq-reader", password="x")
    assign_perm("organisation.view_unit", reader, Unit.objects.get(slug="arstaviken"))
    seeded_client.force_login(reader)
    html = page(seeded_client.get(BLUEPRINT, headers={"HX-Request": "true"}))
    assert "csrfmiddlewaretoken" not in html and "zq-reader" not in html
    assert html.count('class="chip ') == first.count('class="chip ')


def test_language_switch_gives_the_other_language(seeded_client):
    ItemFactory(column=Column.objects.first(), name="Utan ansvariga")
    swedish = page(seeded_client.get(BLUEPRINT))  # cached now
    assert "Ingen ansvarig" in swedish and ">Roller</h2>" in swedish
    response = seeded_client.post(reverse("set_language"), {"language": "en", "next": BLUEPRINT})
    assert response.status_code == 302
    with translation.override("en"):
        no_one, roles = translation.gettext("Ingen ansvarig"), translation.gettext("Roller")
    assert no_one != "Ingen ansvarig", "the English catalogue lacks the string"
    english = page(seeded_client.get(BLUEPRINT))
    assert no_one in english and f">{roles}</h2>" in english
    assert "Ingen ansvarig" not in english and ">Roller</h2>" not in english
    grid = page(seeded_client.get(GRID, headers={"HX-Request": "true"}))
    assert f">{roles}</h2>" in grid and ">Roller</h2>" not in grid


def test_search_ignores_case_of_swedish_letters(seeded_client):
    expected = page(seeded_client.get(BLUEPRINT + "?q=Nätverk"))
    assert "WiFi / Nätverk" in expected
    for text in ("NÄTVERK", "nätverk", "NäTvErK"):
        html = page(seeded_client.get(BLUEPRINT + f"?q={text}"))
        assert "WiFi / Nätverk" in html, text


def test_warm_cache_answers_with_fixed_queries(
    client, seed, django_user_model, django_assert_num_queries
):
    reader = django_user_model.objects.create_user("rektor", password="x")
    assign_perm("organisation.view_unit", reader, Unit.objects.get(slug="arstaviken"))
    client.force_login(reader)
    for url in (BLUEPRINT, GRID, BLUEPRINT + "?area=hygien&role=ITS"):
        page(client.get(url))
        # session, user, two permission lookups, units, data version
        with django_assert_num_queries(6):
            page(client.get(url))
