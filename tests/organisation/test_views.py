import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm

from organisation.models import Position
from registry.coverage.store import coverage_store_refresh
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
    assert [entry.unit for entry in response.context["entries"]] == [units[0]]
    summary = dict((check.key, count) for check, count in response.context["summary"])
    assert summary["missing_positions"] == 1  # Skola Alfa's IT-handledare, not Beta's
    assert "Skola Beta" not in response.content.decode()
    assert client.get(reverse("registry:coverage"), {"unit": "skola-b"}).status_code == 404
    export = client.get(reverse("registry:coverage_export"))
    content = b"".join(export.streaming_content)
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.values)
    assert {row[1] for row in rows[1:]} == {"Skola Alfa"}


def test_coverage_finding_disappears_when_the_position_is_filled(
    client, superuser, units, positions
):
    client.force_login(superuser)
    url = reverse("registry:coverage")
    (entry,) = client.get(url, {"unit": "skola-b"}).context["entries"]
    assert [f.subject for f in entry.findings["missing_positions"]] == ["IT-handledare"]
    AppointmentFactory(position=positions[Position.Code.IT_MENTOR], unit=units[1])
    (entry,) = client.get(url, {"unit": "skola-b"}).context["entries"]
    assert entry.findings["missing_positions"] == []


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


PAGES = [
    (reverse("registry:organisation_detail", args=["testkommunen"]), {}),
    (reverse("registry:unit_detail", args=["skola-a"]), {}),
    (reverse("registry:support_chain"), {"unit": "skola-a", "kind": "teknik"}),
    (reverse("registry:coverage"), {}),
    (reverse("registry:coverage_export"), {}),
]


def _query_counts(client):
    counts = []
    for url, params in PAGES:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
            assert response.status_code == 200
            if response.streaming:
                b"".join(response.streaming_content)
        counts.append(len(queries))
    return counts


def test_page_query_counts_do_not_depend_on_items_or_units(
    client, superuser, units, positions, settings
):
    # Every kind of name a finding shows is read in both runs.
    settings.DIGIANSVAR_COVERAGE_MAX_ASSIGNMENTS = 5
    ItemFactory(name="Utan ansvarig")
    client.force_login(superuser)
    _query_counts(client)  # Django's own caches (content types, sessions)
    _grow(units, 10)
    # The coverage store's refresh costs what the writes touched, not what the pages show
    # (pinned in tests/registry/test_coverage_store.py): done before counting the pages.
    coverage_store_refresh()
    small = _query_counts(client)
    _grow(units, 300)
    # 3 units → 12 units, each with an IT-handledare missing and items without responsible.
    for n in range(9):
        UnitFactory(slug=f"extra-{n}", name=f"Extra {n}", organisation=units[0].organisation)
    coverage_store_refresh()
    large = _query_counts(client)
    assert large == small
    organisation_page, unit_page, chain, coverage, export = large
    # The chain: agreement, appointments, the register's local support (issue 11).
    # The huvudman and unit pages read their few units' ids once more (issue 26: the coverage
    # statements get them as a list, which the planner reads by index). The check "Ansvar
    # hos person som slutat" (docs/scim.md) is one statement more on the pages that list findings.
    # The unit page: + its unconfirmed assignments with when they were assigned, one query
    # (registry.notify, issue 23), whatever the number of items. The checks "Ej bekräftat
    # sedan mer än N dagar" and "Avböjt" share the statement of "Ansvar hos person som slutat".
    # The huvudman page and the report: + the register's data version, the key of the page
    # kept for a user who sees every unit (registry/page_body.py, issue 26); the huvudman
    # page also its DataVersion row (its IT-råd keep no history). The report counts the
    # people above the limit in two parts: those of one huvudman, those of several.
    assert (organisation_page, unit_page, chain, coverage, export) == (26, 20, 7, 32, 19)
    # Until the next write the summary comes from the cache, without the store's ten
    # queries (its mark and what it follows, the catalogue, the sums, the loads' two parts):
    # another page of the report, which no kept page answers yet.
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("registry:coverage"), {"sida": 2}).status_code == 200
    assert len(queries) == coverage - 10
    # Asked again, it is the kept page: the session, the user, whether the user may change
    # any unit, the data version.
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("registry:coverage"), {"sida": 2}).status_code == 200
    assert len(queries) == 4


def test_organisation_page_shows_the_coverage_grid_with_words_and_links(client, principal_a, units):
    client.force_login(principal_a)
    page = client.get(reverse("registry:organisation_detail", args=["testkommunen"]))
    (entry,) = page.context["coverage_rows"]
    assert entry.unit == units[0]
    html = page.content.decode()
    assert "Brister per enhet och kontroll" in html and 'scope="col"' in html
    # Skola Alfa lacks an IT-handledare: "1 brist", linking to its findings; the rest "OK".
    assert "1 brist" in html and ">OK<" in html.replace("\n", "")
    assert "/organisation/tackning/?unit=skola-a#skola-a-missing_positions" in html
    # A reader sees the units but no coverage.


def test_organisation_page_grid_is_for_those_who_may_see_coverage(client, reader_a, units):
    client.force_login(reader_a)
    page = client.get(reverse("registry:organisation_detail", args=["testkommunen"]))
    assert page.context["coverage_rows"] == []
    assert "Brister per enhet och kontroll" not in page.content.decode()


def test_organisation_page_pages_its_units(client, superuser, units, monkeypatch):
    monkeypatch.setattr("registry.blueprint.detail_views.UNITS_PER_PAGE", 1)
    client.force_login(superuser)
    url = reverse("registry:organisation_detail", args=["testkommunen"])
    first = client.get(url)
    assert [unit for unit, _ in first.context["unit_rows"]] == [units[0]]
    assert [e.unit for e in first.context["coverage_rows"]] == [units[0]]
    second = client.get(url, {"sida": 2})
    assert [e.unit for e in second.context["coverage_rows"]] == [units[1]]
    assert "Enheterna 2–2 av 2" in second.content.decode()


def test_unit_page_opens_with_a_coverage_summary(client, principal_a, units):
    client.force_login(principal_a)
    html = client.get(reverse("registry:unit_detail", args=["skola-a"])).content.decode()
    summary = html.index("Täckning i korthet")
    assert summary < html.index("Personer efter befattning")
    assert 'href="#skola-a-missing_positions"' in html
    assert 'id="skola-a-missing_positions"' in html


def test_coverage_page_pages_units_and_counts_them_all(client, superuser, units, monkeypatch):
    monkeypatch.setattr("registry.coverage.views.UNITS_PER_PAGE", 1)
    ItemFactory(name="Första området")
    client.force_login(superuser)
    response = client.get(reverse("registry:coverage"))
    assert [entry.unit for entry in response.context["entries"]] == [units[0]]
    summary = dict((check.key, count) for check, count in response.context["summary"])
    # Both units lack a responsible for the item: counted over every unit, not the page.
    assert summary["items_without_responsible"] == 2
    second = client.get(reverse("registry:coverage"), {"sida": 2})
    assert [entry.unit for entry in second.context["entries"]] == [units[1]]
    export = client.get(reverse("registry:coverage_export"))
    content = b"".join(export.streaming_content)
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.values)
    assert {(row[1], row[2]) for row in rows} >= {
        ("Skola Alfa", "Första området"),
        ("Skola Beta", "Första området"),
    }
