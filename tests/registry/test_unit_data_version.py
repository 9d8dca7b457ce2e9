"""The pages' cache keyed by what a page reads: after every kind of write the next view of
every unit shows the register as it is, and a write at one unit leaves the other units'
cached pages in place."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from organisation.models import Organisation, Person, Position, ServiceAgreement, Unit
from registry.blueprint import page_cache
from registry.data_version import unit_data_version
from registry.models import Assignment, AssignmentConfirmation, Item, SearchWord
from registry.notify.services import assignment_answer
from tests.factories import AssignmentFactory, PersonFactory
from tests.plans import plan_text
from tests.registry import test_coverage_store as coverage_writes
from tests.registry.coverage_data import every_check_firing
from tests.registry.test_scale import build

pytestmark = pytest.mark.django_db

BLUEPRINT = reverse("registry:blueprint")
GRID = reverse("registry:blueprint_grid")
ANSWER = reverse("registry:search") + "?q=wifi"
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=|csrf-token" content=)"[^"]*"')


def rename_person():
    person = Person.objects.filter(assignments__unit__slug="u5-2").first()
    person.initials = "Q.Q"
    person.save()


def rename_unit():
    renamed = Unit.objects.get(slug="u5-3")
    renamed.name = "Omdöpt skola"
    renamed.save()


def rename_item():
    item = Item.objects.filter(assignments__unit__slug="u5-1").first()
    item.name = "Omdöpt ansvarsområde"
    item.save()


def rename_huvudman():
    north = Organisation.objects.get(slug="norr")
    north.name = "Nya Norrkommunen"
    north.save()


def rename_position():
    position = Position.objects.get(code=Position.Code.FIRST_LINE_CONTACT)
    position.name = "Första linjen"
    position.save()


def update_without_save():
    # QuerySet.update: no history, no signals.
    Assignment.objects.filter(unit__slug="u5-2", person__isnull=False).update(
        person=PersonFactory(organisation=Unit.objects.get(slug="u5-2").organisation)
    )


def raw_sql_delete():
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {Assignment._meta.db_table} WHERE unit_id = %s",
            [Unit.objects.get(slug="norr-1").pk],
        )


def revert_from_history():
    # The admin's "Återställ": an old version of the row saved again.
    assignment = Assignment.objects.filter(unit__slug="u5-4", person__isnull=False).first()
    AssignmentFactory(item=assignment.item, unit=assignment.unit, person=assignment.person)
    moved = Assignment.objects.filter(unit__slug="u5-4").last()
    moved.unit = Unit.objects.get(slug="u5-0")
    moved.save()
    moved.history.order_by("history_id").first().instance.save()


def add_search_word():
    SearchWord.objects.create(word="nätet", means="wifi")


def confirm_assignment():
    # The chip loses its "ej bekräftad" mark (registry.notify).
    assignment = Assignment.objects.filter(unit__slug="u5-1", person__isnull=False).first()
    assignment_answer(
        assignment=assignment,
        person=assignment.person,
        user=None,
        state=AssignmentConfirmation.State.CONFIRMED,
    )


def rename_it_unit():
    # The service agreement keeps no history: its triggers move the huvudman's version.
    organisation = Unit.objects.get(slug="u5-1").organisation
    ServiceAgreement.objects.update_or_create(
        organisation=organisation, defaults={"it_unit_name": "Digitala enheten"}
    )


WRITES = [
    *coverage_writes.WRITES,
    rename_person,
    rename_unit,
    rename_item,
    rename_huvudman,
    rename_position,
    update_without_save,
    raw_sql_delete,
    revert_from_history,
    add_search_word,
    confirm_assignment,
    rename_it_unit,
]


INVISIBLE_HERE = {
    "appoint_organisation_wide",
    "move_person_to_other_huvudman",
    "mark_item_as_needing_deputy",
    "rename_huvudman",
    "rename_position",
    "add_search_word",
}


def pages(client):
    """{(url, unit slug): the page's HTML without its CSRF token} of every unit's poster and
    grid, as served (from the cache when it holds them)."""
    found = {}
    for slug in Unit.objects.order_by("slug").values_list("slug", flat=True):
        for url in (BLUEPRINT, GRID, BLUEPRINT + "?q=wifi", ANSWER):
            # The unit added to the URL's own query (data= would replace it: ?q= lost).
            response = client.get(f"{url}{'&' if '?' in url else '?'}unit={slug}")
            assert response.status_code == 200
            found[url, slug] = CSRF.sub("", response.content.decode())
    return found


@pytest.mark.parametrize("write", WRITES, ids=[write.__name__ for write in WRITES])
def test_after_every_kind_of_write_every_units_next_page_shows_it(
    client, superuser, positions, write
):
    every_check_firing(positions)
    client.force_login(superuser)
    before = pages(client)  # cached now
    write()
    served = pages(client)
    cache.clear()
    page_cache.kept_clear()  # the catalogue, skeleton and chips this process keeps, too
    fresh = pages(client)
    assert served == fresh
    # These pages show neither appointments, deputy marks, huvudmän's and positions' names
    # nor the word list (the other pages read them through the same versions).
    shown = write.__name__ not in INVISIBLE_HERE
    assert (served != {key: html for key, html in before.items() if key in served}) == shown


def test_a_write_at_one_unit_leaves_the_other_units_pages_cached(
    client, superuser, monkeypatch, django_assert_num_queries
):
    (first, second, *_rest), role, item = build(3)
    client.force_login(superuser)
    rendered = []
    matrix = page_cache.blueprint_matrix
    monkeypatch.setattr(
        page_cache, "blueprint_matrix", lambda **kw: rendered.append(kw["unit"]) or matrix(**kw)
    )
    url = BLUEPRINT + f"?unit={second.slug}"
    assert "P.01" in client.get(url).content.decode()
    client.get(BLUEPRINT + f"?unit={first.slug}")
    assert rendered == [second, first]
    client.get(url)  # the session remembers the unit
    with django_assert_num_queries(4) as warm:
        client.get(url)
    version = unit_data_version(second)
    # Someone already in the register (a new person changes their huvudman's part).
    AssignmentFactory(item=item, unit=first, role=None, person=Person.objects.get(initials="P.02"))
    assert unit_data_version(second) == version
    rendered.clear()
    with django_assert_num_queries(len(warm)):
        assert "P.01" in client.get(url).content.decode()
    assert rendered == []  # served from the cache
    html = client.get(BLUEPRINT + f"?unit={first.slug}").content.decode()
    assert rendered == [first] and "P.02" in html


@pytest.mark.parametrize("count", [2, 200])
def test_the_blueprint_page_costs_the_same_queries_at_2_and_200_units(
    client, superuser, count, django_assert_num_queries
):
    units, _role, _item = build(count)
    client.force_login(superuser)
    url = BLUEPRINT + f"?unit={units[1].slug}"
    client.get(url)  # the session remembers the unit
    cache.clear()
    page_cache.kept_clear()
    with django_assert_num_queries(12):
        client.get(url)  # cold in a new process: + the catalogue's areas, items and roles
    cache.clear()
    with django_assert_num_queries(9):
        # Cold: the session, the user, the unit by its slug, the data versions, the first
        # units (the picker: listed, or the unit search beyond UNIT_LIST_LIMIT), the unit's
        # entries and the people they name, who holds the roles they name alone, the user's
        # person, the version in force.
        client.get(url)
    with django_assert_num_queries(4):
        # Warm: the session, the user, the unit by its slug, the data versions; no list of
        # units, whose picker is kept with the controls.
        client.get(url)


def test_a_rektors_coverage_reads_their_units_rows_by_index(positions, django_user_model):
    from guardian.shortcuts import assign_perm

    from registry.coverage import counts, statements

    every_check_firing(positions)
    rektor = django_user_model.objects.create_user("rektor-u5-1", password="x")
    assign_perm("organisation.view_unit", rektor, Unit.objects.get(slug="u5-1"))
    units = Unit.objects.restrict(rektor)
    sql, params = statements._overloaded_count(statements.units_sql(units), 1)
    # The scope as a list of its ids, not the permission subqueries.
    assert "guardian" not in sql and "userobjectpermission" not in sql.lower()
    assert Unit.objects.get(slug="u5-1").pk in params
    # The list must be served by the index on the assignments' unit.
    plan = plan_text(sql, params)
    # Every assignment read is found through an index on the unit, none by reading the table.
    assert "Seq Scan on registry_assignment" not in plan and "SCAN a" not in plan, plan
    assert "Index" in plan or "USING INDEX" in plan, plan
    subquery = units.order_by().values("pk").query.sql_with_params()
    counted = statements.rows(statements._overloaded_count((subquery[0], [*subquery[1]]), 1))
    assert counts.overloaded_count(units=units, max_assignments=1) == counted[0][0]


def test_a_rektors_coverage_summary_stays_cached_after_a_write_at_another_unit(
    positions, settings, monkeypatch
):
    from registry.coverage import coverage_counts
    from registry.coverage import store as coverage_store
    from registry.coverage.store import coverage_summary

    settings.DIGIANSVAR_COVERAGE_MAX_ASSIGNMENTS = 1
    every_check_firing(positions)
    theirs = Unit.objects.filter(slug="u5-1")
    first = coverage_summary(theirs)
    counted = []
    counts = coverage_store.coverage_store_counts
    monkeypatch.setattr(
        coverage_store,
        "coverage_store_counts",
        lambda **kw: counted.append(1) or counts(**kw),
    )
    coverage_writes.delete_assignment()  # at u5-2
    assert coverage_summary(theirs) == first and counted == []
    coverage_writes.add_responsible()  # at u5-1
    assert coverage_summary(theirs) == coverage_counts(units=theirs, max_assignments=1)
    assert counted == [1]


def test_the_blueprint_page_answers_304_while_nothing_it_shows_changed(client, superuser):
    (first, second, *_rest), _role, item = build(3)
    client.force_login(superuser)
    url = BLUEPRINT + f"?unit={second.slug}"
    client.get(url)  # the session remembers the unit
    response = client.get(url)
    etag = response.headers["ETag"]
    assert "private" in response.headers["Cache-Control"]
    assert "no-cache" in response.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag and "private" in again.headers["Cache-Control"]
    # A write at another unit: still the same page.
    AssignmentFactory(item=item, unit=first, role=None, person=Person.objects.get(initials="P.02"))
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    # Other parameters, the htmx partial: other pages.
    assert client.get(url + "&q=wifi", headers={"If-None-Match": etag}).status_code == 200
    partial = client.get(url, headers={"If-None-Match": etag, "HX-Request": "true"})
    assert partial.status_code == 200 and partial.headers["ETag"] != etag
    # A write at this unit: the new page.
    AssignmentFactory(item=item, unit=second, role=None, person=Person.objects.get(initials="P.02"))
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "P.02" in changed.content.decode()
    assert changed.headers["ETag"] != etag


def test_the_blueprint_pages_etag_follows_the_user_and_the_language(client, superuser):
    units, _role, _item = build(2)
    url = BLUEPRINT + f"?unit={units[0].slug}"
    client.force_login(superuser)
    client.get(url)
    etag = client.get(url).headers["ETag"]
    client.post(reverse("set_language"), {"language": "en", "next": url})
    english = client.get(url, headers={"If-None-Match": etag})
    assert english.status_code == 200 and english.headers["ETag"] != etag
    other = type(superuser).objects.create_superuser("other", "o@example.org", "x")
    client.force_login(other)
    client.get(url)
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200
