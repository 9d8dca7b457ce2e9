import io

import openpyxl
import pytest
from django.urls import reverse
from guardian.shortcuts import assign_perm

from organisation.models import Position
from registry.models import Assignment, Item
from tests.factories import (
    AppointmentFactory,
    ColumnFactory,
    ItemFactory,
    PersonFactory,
    PositionFactory,
    RoleFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

ORGANISATION_URLS = [
    reverse("organisation:organisation_list"),
    reverse("registry:organisation_detail", args=["testkommunen"]),
    reverse("registry:unit_detail", args=["skola-a"]),
    reverse("registry:support_chain"),
    reverse("registry:coverage"),
    reverse("registry:coverage_export"),
]


@pytest.fixture
def positions():
    return {
        code: PositionFactory(code=code, name=label, level=level)
        for code, label, level in [
            (Position.Code.IT_STRATEGIST, "IT-strateg", Position.Level.HUVUDMAN),
            (Position.Code.DEVELOPER, "Verksamhetsutvecklare", Position.Level.SHARED),
            (Position.Code.PRINCIPAL, "Rektor", Position.Level.UNIT),
            (Position.Code.IT_MENTOR, "IT-handledare", Position.Level.UNIT),
            (Position.Code.FIRST_LINE_CONTACT, "Hanteringsansvarig", Position.Level.UNIT),
        ]
    }


@pytest.fixture
def units(positions):
    unit_a = UnitFactory(slug="skola-a", name="Skola Alfa")
    unit_b = UnitFactory(slug="skola-b", name="Skola Beta")
    for unit, prefix in ((unit_a, "A"), (unit_b, "B")):
        AppointmentFactory(
            person=PersonFactory(initials=f"{prefix}.REK", name=f"Rektor {prefix}"),
            position=positions[Position.Code.PRINCIPAL],
            unit=unit,
        )
        AppointmentFactory(
            person=PersonFactory(
                initials=f"{prefix}.HAN", name=f"Hantering {prefix}", phone=f"054-{prefix}"
            ),
            position=positions[Position.Code.FIRST_LINE_CONTACT],
            unit=unit,
        )
    AppointmentFactory(
        person=PersonFactory(initials="S.T", name="Strateg Stina"),
        position=positions[Position.Code.IT_STRATEGIST],
        unit=None,
    )
    AppointmentFactory(
        person=PersonFactory(initials="V.T", name="Utvecklare Teknik"),
        position=positions[Position.Code.DEVELOPER],
        unit=None,
        focus="teknik",
    )
    return unit_a, unit_b


@pytest.fixture
def principal_a(django_user_model, units):
    user = django_user_model.objects.create_user("rektor-a")
    assign_perm("organisation.manage_unit", user, units[0])
    return user


@pytest.fixture
def reader_a(django_user_model, units):
    user = django_user_model.objects.create_user("reader-a")
    assign_perm("organisation.view_unit", user, units[0])
    return user


@pytest.mark.parametrize("url", ORGANISATION_URLS)
def test_anonymous_is_sent_to_login(client, units, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_organisation_page_shows_the_three_levels(client, superuser, units):
    client.force_login(superuser)
    response = client.get(reverse("organisation:organisation_list"), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Huvudmannanivå", "Gemensamma resurser", "Enhetsnivå", "25 %", "75 %"):
        assert text in page
    assert 'href="/person/S.T/"' in page
    assert "Utvecklare Teknik" in page
    # Skola Alfa has no IT-handledare: the table says so in words.
    assert "Saknas" in page


def test_organisation_page_lists_only_visible_units(client, reader_a, units):
    client.force_login(reader_a)
    response = client.get(reverse("registry:organisation_detail", args=["testkommunen"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Skola Alfa" in page and "Rektor A" in page
    assert "Skola Beta" not in page and "Rektor B" not in page


def test_user_without_units_sees_no_organisation(client, django_user_model, units):
    client.force_login(django_user_model.objects.create_user("nobody"))
    url = reverse("registry:organisation_detail", args=["testkommunen"])
    assert client.get(url).status_code == 404


def test_unit_page_shows_people_by_position_and_blueprint_link(client, reader_a, units):
    client.force_login(reader_a)
    response = client.get(reverse("registry:unit_detail", args=["skola-a"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hantering A" in page and "054-A" in page
    assert 'href="/?unit=skola-a"' in page
    # Readers get no coverage section; that is for principals and administrators.
    assert "Täckningsrapport för enheten" not in page


def test_unit_page_of_another_unit_is_not_found(client, reader_a, units):
    client.force_login(reader_a)
    assert client.get(reverse("registry:unit_detail", args=["skola-b"])).status_code == 404


def test_principal_sees_coverage_on_own_unit_page(client, principal_a, units):
    client.force_login(principal_a)
    page = client.get(reverse("registry:unit_detail", args=["skola-a"])).content.decode()
    assert "Täckningsrapport för enheten" in page
    assert "IT-handledare" in page


def test_support_chain_for_a_technical_problem(client, reader_a, units):
    client.force_login(reader_a)
    response = client.get(reverse("registry:support_chain"), {"unit": "skola-a", "kind": "teknik"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hantering A" in page and "054-A" in page
    assert "IT-enheten" in page


def test_support_chain_refuses_a_unit_the_user_cannot_see(client, reader_a, units):
    client.force_login(reader_a)
    response = client.get(reverse("registry:support_chain"), {"unit": "skola-b", "kind": "teknik"})
    assert response.status_code == 404
    assert "Hantering B" not in response.content.decode()


def test_support_chain_form_offers_only_visible_units(client, reader_a, units):
    client.force_login(reader_a)
    page = client.get(reverse("registry:support_chain")).content.decode()
    assert "Skola Alfa" in page and "Skola Beta" not in page


def test_coverage_is_forbidden_for_readers(client, reader_a, units):
    client.force_login(reader_a)
    assert client.get(reverse("registry:coverage")).status_code == 403
    assert client.get(reverse("registry:coverage_export")).status_code == 403


def test_principal_sees_coverage_of_own_unit_only(client, principal_a, units):
    client.force_login(principal_a)
    response = client.get(reverse("registry:coverage"))
    assert response.status_code == 200
    report = response.context["report"]
    assert report.units == [units[0]]
    assert {f.unit for f in report.missing_positions} == {units[0]}
    assert "Skola Beta" not in response.content.decode()
    assert client.get(reverse("registry:coverage"), {"unit": "skola-b"}).status_code == 404


def test_coverage_finding_disappears_when_the_position_is_filled(
    client, superuser, units, positions
):
    client.force_login(superuser)
    url = reverse("registry:coverage")
    report = client.get(url, {"unit": "skola-b"}).context["report"]
    assert [f.subject for f in report.missing_positions] == ["IT-handledare"]
    AppointmentFactory(position=positions[Position.Code.IT_MENTOR], unit=units[1])
    report = client.get(url, {"unit": "skola-b"}).context["report"]
    assert report.missing_positions == []


def test_coverage_exports_xlsx_with_admin_links(client, superuser, units):
    client.force_login(superuser)
    ItemFactory(name="WiFi / Nätverk")
    response = client.get(reverse("registry:coverage_export"), {"unit": "skola-a"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="tackning-skola-a.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Kategori", "Enhet", "Avser")
    subjects = {(row[1], row[2]) for row in rows[1:]}
    assert ("Skola Alfa", "IT-handledare") in subjects
    assert ("Skola Alfa", "WiFi / Nätverk") in subjects
    assert all(row[4].startswith("http://testserver/admin/") for row in rows[1:])


def _grow(units, count):
    """Add `count` items, each assigned at both units, with a deputy at the first."""
    role = RoleFactory(code="ITS")
    person, deputy = PersonFactory(), PersonFactory()
    column = ColumnFactory()
    items = Item.objects.bulk_create(
        [Item(column=column, name=f"Område {n}", order=n) for n in range(count)]
    )
    rows = [
        Assignment(item=item, unit=unit, role=role, person=person)
        for item in items
        for unit in units
    ]
    rows += [
        Assignment(
            item=item, unit=units[0], role=role, person=deputy, priority=Assignment.Priority.DEPUTY
        )
        for item in items
    ]
    Assignment.objects.bulk_create(rows)


@pytest.mark.parametrize("size", [10, 1000])
def test_page_query_counts_do_not_depend_on_size(
    client, principal_a, units, size, django_assert_max_num_queries
):
    _grow(units, size)
    client.force_login(principal_a)
    pages = [
        (reverse("registry:organisation_detail", args=["testkommunen"]), {}, 13),
        (reverse("registry:unit_detail", args=["skola-a"]), {}, 17),
        (reverse("registry:support_chain"), {"unit": "skola-a", "kind": "teknik"}, 11),
        (reverse("registry:coverage"), {}, 14),
        (reverse("registry:coverage_export"), {}, 13),
    ]
    for url, params, limit in pages:
        with django_assert_max_num_queries(limit):
            assert client.get(url, params).status_code == 200


def test_coverage_page_shows_the_first_findings_and_the_export_all(
    client, superuser, units, monkeypatch
):
    monkeypatch.setattr("registry.organisation_views.COVERAGE_PAGE_LIMIT", 1)
    ItemFactory(name="Första området")
    ItemFactory(name="Andra området")
    client.force_login(superuser)
    response = client.get(reverse("registry:coverage"), {"unit": "skola-a"})
    page = response.content.decode()
    assert "Första området" in page and "Andra området" not in page
    assert "Visar de 1 första av 2." in page
    export = client.get(reverse("registry:coverage_export"), {"unit": "skola-a"})
    content = b"".join(export.streaming_content)
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.values)
    assert {row[2] for row in rows} >= {"Första området", "Andra området"}
