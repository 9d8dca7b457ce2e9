"""Costs that follow what a page shows, not how many units the register holds.

A national register has ~10,000 units; these tests build a few dozen and
lower the limits (UNIT_LIST_LIMIT, units a page, the paginator's estimate
threshold) so the code paths of a large register run here.
"""

import re

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import organisation.admin_base
import registry.admin.catalogue
import registry.blueprint.detail_views
import registry.unit_picker
from digiansvar.paging import LargeTablePaginator
from organisation.models import Person, Unit
from registry.models import Assignment
from tests.factories import (
    AssignmentFactory,
    ItemFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

LIMIT = 5


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setattr(registry.unit_picker, "UNIT_LIST_LIMIT", LIMIT)
    monkeypatch.setattr(registry.blueprint.detail_views, "ROLE_UNITS_PER_PAGE", 3)
    monkeypatch.setattr(registry.blueprint.detail_views, "ITEM_UNITS_PER_PAGE", 3)
    monkeypatch.setattr(organisation.admin_base, "UNIT_LIST_LIMIT", LIMIT)
    monkeypatch.setattr(registry.admin.catalogue, "UNIT_LIST_LIMIT", LIMIT)


def build(count):
    """`count` units (Skola 00 …) of one huvudman, each with its own ITS person on one item."""
    organisation = OrganisationFactory()
    role, item = RoleFactory(code="ITS"), ItemFactory(name="Wifi")
    units = []
    for n in range(count):
        unit = UnitFactory(organisation=organisation, slug=f"skola-{n:02}", name=f"Skola {n:02}")
        person = PersonFactory(organisation=organisation, initials=f"P.{n:02}")
        AssignmentFactory(item=item, unit=unit, role=role, person=person)
        units.append(unit)
    return units, role, item


def queries_of(client, url):
    client.get(url)  # the session remembers the unit from now on
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, queries


@pytest.mark.parametrize("url_name", ["person", "role", "item", "blueprint"])
def test_superuser_pages_cost_the_same_for_few_and_many_units(
    client, superuser, small_limits, url_name
):
    # Same queries at 20 and 40 units (searched and paged), at most two more than
    # at 4 (listed), and no list of every unit id in any of them.
    client.force_login(superuser)
    counts = []
    for count in (LIMIT - 1, 20, 40):
        Assignment.objects.all().delete()
        Unit.objects.all().delete()
        Person.objects.all().delete()
        units, role, item = build(count)
        url = {
            "person": reverse("registry:person_detail", args=["P.00"]),
            "role": reverse("registry:role_detail", args=["ITS"]),
            "item": reverse("registry:item_detail", args=[item.pk]),
            "blueprint": reverse("registry:blueprint") + "?unit=skola-00",
        }[url_name]
        response, queries = queries_of(client, url)
        ids = {str(unit.pk) for unit in units}
        for query in queries.captured_queries:
            listed = re.findall(r"IN \(([^()]*)\)", query["sql"])
            assert not any(len(set(part.split(", ")) & ids) > 5 for part in listed), query["sql"]
        counts.append(len(queries))
    few, many, more = counts
    # Listed units come with the first query; paged ones add a count and a page
    # of units, a searched picker and the version header look up the chosen unit;
    # then nothing grows.
    assert many == more <= few + 3, counts


def test_many_units_get_a_unit_search_instead_of_a_list(client, superuser, small_limits):
    build(12)
    client.force_login(superuser)
    html = client.get(reverse("registry:blueprint") + "?unit=skola-03").content.decode()
    assert 'id="unit-select"' not in html
    assert 'id="unit-search"' in html and "Visar Skola 03." in html
    assert html.count("<option") < 12

    # Without JavaScript: the search page lists matching units as links.
    page = client.get(reverse("registry:unit_search"), {"q": "skola 1", "next": "x"})
    links = re.findall(r'href="(/\?unit=[^"]+)"', page.content.decode())
    assert links == ["/?unit=skola-10", "/?unit=skola-11"]  # an unknown next: the blueprint
    # With htmx: only the matches, for the list under the field.
    partial = client.get(
        reverse("registry:unit_search"),
        {"q": "skola 1", "next": "registry:blueprint_grid"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "<html" not in partial and "/rutnat/?unit=skola-10" in partial


def test_unit_search_finds_only_visible_units(client, django_user_model, small_limits):
    from guardian.shortcuts import assign_perm

    units, _role, _item = build(8)
    reader = django_user_model.objects.create_user("reader", password="x")
    assign_perm("organisation.view_unit", reader, units[2])
    client.force_login(reader)
    html = client.get(reverse("registry:unit_search"), {"q": "Skola"}).content.decode()
    assert "skola-02" in html and "skola-03" not in html


def test_role_page_pages_through_the_units_in_name_order(client, superuser, small_limits):
    build(7)
    client.force_login(superuser)
    url = reverse("registry:role_detail", args=["ITS"])
    first = client.get(url).content.decode()
    assert "Skola 00" in first and "Skola 02" in first and "Skola 03" not in first
    assert "Enheterna 1–3 av 7" in first
    last = client.get(url, {"sida": 3}).content.decode()
    assert "Skola 06" in last and "Skola 05" not in last


def test_item_page_pages_through_the_units(client, superuser, small_limits):
    _units, _role, item = build(7)
    client.force_login(superuser)
    html = client.get(reverse("registry:item_detail", args=[item.pk]), {"sida": 2}).content
    html = html.decode()
    assert "Skola 03" in html and "P.03" in html and "Skola 00" not in html


# ---- admin ------------------------------------------------------------------------------


def test_assignment_list_is_ordered_from_an_index_without_joins(client, superuser):
    build(3)
    client.force_login(superuser)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:registry_assignment_changelist"))
    assert response.status_code == 200
    listing = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "registry_assignment"."id"') and "ORDER BY" in q["sql"]
    ]
    order = listing[-1].rsplit("ORDER BY", 1)[1]
    assert '"unit_id" ASC' in order and "registry_item" not in order


def test_last_page_reads_from_the_end_and_matches_the_forward_order(superuser):
    build(9)
    rows = Assignment.objects.order_by("unit_id", "item_id", "order", "pk")
    paginator = LargeTablePaginator(rows, 2)
    forward = [a.pk for a in rows]
    pages = [[a.pk for a in paginator.page(n).object_list] for n in paginator.page_range]
    assert [pk for page in pages for pk in page] == forward
    with CaptureQueriesContext(connection) as queries:
        list(paginator.page(paginator.num_pages).object_list)
    assert "DESC" in queries.captured_queries[-1]["sql"]


def test_unit_filter_offers_a_search_when_there_are_many_units(client, superuser, small_limits):
    build(12)
    client.force_login(superuser)
    url = reverse("admin:registry_assignment_changelist")
    html = client.get(url).content.decode()
    assert 'id="unit-filter-enhet"' in html
    assert "?enhet=skola-07" not in html  # the units are not listed one by one
    # A slug picks one unit, a piece of a name every unit whose name holds it.
    one = client.get(url, {"enhet": "skola-07"})
    assert [a.unit.slug for a in one.context["cl"].result_list] == ["skola-07"]
    some = client.get(url, {"enhet": "Skola 1"})
    assert sorted(a.unit.slug for a in some.context["cl"].result_list) == ["skola-10", "skola-11"]


def test_assignment_search_finds_people_items_and_roles(client, superuser):
    build(4)
    client.force_login(superuser)
    url = reverse("admin:registry_assignment_changelist")
    by_person = client.get(url, {"q": "P.02"}).context["cl"].result_list
    assert [a.person.initials for a in by_person] == ["P.02"]
    assert len(client.get(url, {"q": "wifi"}).context["cl"].result_list) == 4
    assert len(client.get(url, {"q": "its"}).context["cl"].result_list) == 4


def test_item_list_links_to_the_units_instead_of_listing_them_all(
    client, superuser, small_limits, django_assert_max_num_queries
):
    _units, _role, item = build(12)
    client.force_login(superuser)
    with django_assert_max_num_queries(20):
        html = client.get(reverse("admin:registry_item_changelist")).content.decode()
    assert f"?item__id__exact={item.pk}" in html
    assert "Skola 07" not in html


def test_export_command_reads_assignments_through_a_chunked_iterator(tmp_path, monkeypatch):
    # On PostgreSQL .iterator() is a server-side cursor: rows arrive a chunk
    # at a time, so a 10,000-unit export never holds a batch's rows twice.
    from django.core.management import call_command
    from django.db.models.query import QuerySet

    from registry.blueprint_file.format import ASSIGNMENT_CHUNK

    chunks, real = [], QuerySet.iterator

    def spy(self, chunk_size=None):
        chunks.append((self.model.__name__, chunk_size))
        return real(self, chunk_size=chunk_size)

    monkeypatch.setattr(QuerySet, "iterator", spy)
    build(3)
    target = tmp_path / "alla.csv"
    call_command("export_blueprint", "-o", str(target), stderr=None)
    assert ("Assignment", ASSIGNMENT_CHUNK) in chunks
    assert target.read_text(encoding="utf-8").count("ITS") == 3


def test_huge_lists_take_their_count_from_the_planner_on_postgresql(monkeypatch, superuser):
    import digiansvar.paging

    build(9)
    monkeypatch.setattr(digiansvar.paging, "ESTIMATE_ABOVE", 3)
    rows = Assignment.objects.order_by("unit_id", "item_id", "order", "pk")
    paginator = LargeTablePaginator(rows, 2)
    if connection.vendor == "postgresql":
        assert paginator.count > 0 and paginator.estimated
    else:
        assert (paginator.count, paginator.estimated) == (9, False)
    last = list(paginator.page(paginator.num_pages).object_list)
    assert last and last[-1].pk == rows.last().pk


def test_a_stale_planner_estimate_on_a_small_table_still_gives_the_exact_count(monkeypatch):
    """PostgreSQL's statistics can say 'huge' for a table just emptied and refilled."""
    import digiansvar.paging

    build(9)
    monkeypatch.setattr(digiansvar.paging, "estimated_count", lambda queryset: 500_000)
    rows = Assignment.objects.order_by("unit_id", "item_id", "order", "pk")
    paginator = LargeTablePaginator(rows, 2)
    assert (paginator.count, paginator.estimated) == (9, False)
    pages = [[a.pk for a in paginator.page(n).object_list] for n in paginator.page_range]
    assert [pk for page in pages for pk in page] == [a.pk for a in rows]


def person_search(client, term):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:organisation_person_changelist"), {"q": term})
    assert response.status_code == 200
    return [p.initials for p in response.context["cl"].result_list], len(queries)


def test_person_search_costs_the_same_for_few_and_many_people(client, superuser):
    build(3)
    client.force_login(superuser)
    person_search(client, "P.01")  # the session and content types are read once
    few = person_search(client, "P.01")
    organisation = OrganisationFactory(slug="fler", name="Fler")
    for n in range(40):
        PersonFactory(organisation=organisation, initials=f"Q.{n:02}", name=f"Namn {n}")
    many = person_search(client, "P.01")
    assert few == many and few[0] == ["P.01"]
    # Unsearched: each person's count of responsibilities is read for the page only.
    listed, _count = person_search(client, "")
    assert len(listed) == 43


def test_person_search_is_served_by_trigram_indexes_on_postgresql(superuser, rf):
    build(3)
    PersonFactory(initials="E.M", name="Eva Mattsson", email="eva.mattsson@example.org")
    model_admin = admin.site.get_model_admin(Person)
    request = rf.get("/", {"q": "mattsson"})
    request.user = superuser
    found, _ = model_admin.get_search_results(request, Person.objects.all(), "mattsson")
    assert [p.initials for p in found] == ["E.M"]
    if connection.vendor == "postgresql":
        # With sequential and plain index scans ruled out, only a bitmap scan of
        # an index that matches the expression Django writes (UPPER(field::text)
        # LIKE …) can serve it: on a table this small the planner would otherwise
        # just read the table.
        sql, params = found.order_by().query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        for index in ("initials", "name", "title", "email"):
            index = f"person_{index}_trgm"
            assert index in plan, plan


def test_a_list_that_can_match_nothing_counts_zero(superuser):
    # The person autocomplete of a user who may place people nowhere filters
    # by an empty list of huvudmän; PostgreSQL's estimate must not choke on it.
    paginator = LargeTablePaginator(Person.objects.filter(organisation__in=[]).order_by("pk"), 10)
    assert (paginator.count, list(paginator.page(1).object_list)) == (0, [])


def test_support_chain_offers_the_unit_search_beyond_the_list_limit(
    client, superuser, small_limits
):
    client.force_login(superuser)
    url = reverse("registry:support_chain")
    counts = []
    for count in (LIMIT, 40):
        Assignment.objects.all().delete()
        Unit.objects.all().delete()
        Person.objects.all().delete()
        build(count)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url, {"unit": "skola-03", "kind": "teknik"}).content.decode()
        counts.append(len(queries))
        listed = count <= LIMIT
        assert ('<select name="unit"' in html) == listed and ('id="unit-search"' in html) == (
            not listed
        )
        assert html.count("Skola ") == (count + 1 if listed else 2)  # the chosen one: shown
    assert counts[1] <= counts[0] + 1, counts
    # The unit search leads back here, at the unit found.
    matches = client.get(
        reverse("registry:unit_search"), {"q": "Skola 07", "next": "registry:support_chain"}
    )
    assert f'href="{url}?unit=skola-07"' in matches.content.decode()
    html = client.get(url, {"unit": "skola-07"}).content.decode()
    assert 'name="unit" value="skola-07"' in html
