"""The coverage summary's stored counts: after every kind of write they agree with counting
everything again, and one write counts only the units it touched."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisation.models import Appointment, Organisation, Person, Position, Unit
from registry.coverage import coverage_counts
from registry.coverage import store as coverage_store
from registry.coverage.store import coverage_store_counts, coverage_store_refresh, coverage_summary
from registry.models import Assignment, CoverageMark, Item, Role
from tests.factories import (
    AppointmentFactory,
    AssignmentFactory,
    ItemFactory,
    OrganisationFactory,
    PersonFactory,
    UnitFactory,
)
from tests.registry.coverage_data import every_check_firing

pytestmark = pytest.mark.django_db


def scopes():
    north = Organisation.objects.get(slug="norr")
    return {
        "all": Unit.objects.all(),
        "one huvudman": Unit.objects.filter(organisation=north),
        "other huvudman": Unit.objects.exclude(organisation=north),
        "some units": Unit.objects.filter(slug__in=["u5-0", "u5-3", "norr-1"]),
    }


def assert_stored_counts_agree():
    for name, units in scopes().items():
        stored = coverage_store_counts(units=units, max_assignments=1)
        assert stored == coverage_counts(units=units, max_assignments=1), name


def unit(slug):
    return Unit.objects.get(slug=slug)


def add_responsible():
    at = unit("u5-1")
    AssignmentFactory(
        item=Item.objects.last(),
        unit=at,
        role=None,
        person=PersonFactory(organisation=at.organisation),
    )


def delete_assignment():
    Assignment.objects.filter(unit=unit("u5-2")).first().delete()


def move_assignment():
    moved = Assignment.objects.filter(unit=unit("u5-2"), person__isnull=False).first()
    moved.unit = unit("u5-4")
    moved.save()


def appoint_first_line():
    position = Position.objects.get(code=Position.Code.FIRST_LINE_CONTACT)
    Appointment.objects.filter(unit=unit("u5-0"), position=position).delete()
    AppointmentFactory(position=position, unit=unit("norr-0"))


def appoint_organisation_wide():
    AppointmentFactory(
        position=Position.objects.get(code=Position.Code.IT_MENTOR),
        unit=None,
        person=PersonFactory(organisation=Organisation.objects.get(slug="norr")),
    )


def assign_person_organisation_wide():
    north = Organisation.objects.get(slug="norr")
    AssignmentFactory(
        item=Item.objects.first(), unit=None, role=None, person=PersonFactory(organisation=north)
    )


def assign_role_everywhere():
    AssignmentFactory(item=Item.objects.first(), unit=None, role=Role.objects.get(code="ITS"))


def move_person_to_other_huvudman():
    person = Person.objects.filter(assignments__unit__isnull=True).distinct().first()
    person.organisation = Organisation.objects.exclude(pk=person.organisation_id).first()
    person.save()


def move_unit_to_other_huvudman():
    moved = unit("u5-3")
    moved.organisation = Organisation.objects.get(slug="norr")
    moved.save()


def delete_unit():
    unit("u5-1").delete()


def add_unit():
    UnitFactory(slug="ny", name="Ny", organisation=Organisation.objects.get(slug="norr"))


def mark_item_as_needing_deputy():
    item = Item.objects.first()
    item.needs_deputy = not item.needs_deputy
    item.save()


def make_role_collective():
    role = Role.objects.get(code="ITS")
    role.kind = Role.Kind.COLLECTIVE
    role.save()


def bulk_create_without_history():
    person = PersonFactory(organisation=unit("u5-2").organisation)
    Assignment.objects.bulk_create(
        Assignment(item=item, unit=unit("u5-2"), person=person, kind=Assignment.Kind.RESPONSIBLE)
        for item in Item.objects.all()
    )


def give_someone_many_assignments():
    person = Person.objects.filter(assignments__unit=unit("u5-4")).first()
    for item in Item.objects.all()[:3]:
        AssignmentFactory(item=item, unit=unit("u5-0"), role=None, person=person)


def give_someone_work_in_another_huvudman():
    north = Organisation.objects.get(slug="norr")
    person = PersonFactory(organisation=north)
    AssignmentFactory(item=Item.objects.first(), unit=unit("norr-0"), role=None, person=person)
    coverage_store_refresh()
    AssignmentFactory(item=Item.objects.first(), unit=unit("u5-0"), role=None, person=person)


WRITES = [
    add_responsible,
    delete_assignment,
    move_assignment,
    appoint_first_line,
    appoint_organisation_wide,
    assign_person_organisation_wide,
    assign_role_everywhere,
    move_person_to_other_huvudman,
    move_unit_to_other_huvudman,
    delete_unit,
    add_unit,
    mark_item_as_needing_deputy,
    make_role_collective,
    bulk_create_without_history,
    give_someone_many_assignments,
    give_someone_work_in_another_huvudman,
]


@pytest.mark.parametrize("write", WRITES, ids=[write.__name__ for write in WRITES])
def test_the_stored_counts_agree_with_counting_again_after_every_kind_of_write(positions, write):
    every_check_firing(positions)
    assert_stored_counts_agree()
    write()
    assert_stored_counts_agree()


def test_a_person_above_the_limit_only_over_two_huvudmen_counts_where_both_are_in_scope(
    positions,
):
    every_check_firing(positions)
    person = PersonFactory(organisation=Organisation.objects.get(slug="norr"))
    AssignmentFactory(item=Item.objects.first(), unit=unit("norr-0"), role=None, person=person)

    def overloaded():
        return {
            name: coverage_store_counts(units=units, max_assignments=1)["overloaded_people"]
            for name, units in scopes().items()
            if name != "some units"  # part of a huvudman: counted live, not from the loads
        }

    before = overloaded()
    AssignmentFactory(item=Item.objects.first(), unit=unit("u5-0"), role=None, person=person)
    # One assignment in each huvudman: above the limit of 1 only where both are counted.
    assert overloaded() == before | {"all": before["all"] + 1}
    assert_stored_counts_agree()


def test_a_write_at_one_unit_counts_only_the_units_it_touched(positions):
    every_check_firing(positions)
    assert coverage_store_refresh() == Unit.objects.count()  # the first time: everything
    assert coverage_store_refresh() == 0  # nothing changed
    add_responsible()
    assert coverage_store_refresh() == 1
    added = Assignment.objects.get(unit=unit("u5-1"), item=Item.objects.last())
    added.unit = unit("u5-4")
    added.save()
    assert coverage_store_refresh() == 2  # where it was and where it is
    # The newest row: the largest id goes down. Counted again: every unit it has been at.
    added.delete()
    assert coverage_store_refresh() == 2
    # Written in bulk, without history: where it was is unknown, so everything.
    move_assignment()
    assert coverage_store_refresh() == Unit.objects.count()
    assign_person_organisation_wide()
    assert coverage_store_refresh() == Unit.objects.filter(organisation__slug="norr").count()
    # Many units at once: counting everything costs the same.
    mark_item_as_needing_deputy()
    assert coverage_store_refresh() == Unit.objects.count()


def test_a_refresh_after_one_write_counts_no_table(positions):
    every_check_firing(positions)
    coverage_store_refresh()
    add_responsible()
    with CaptureQueriesContext(connection) as queries:
        assert coverage_store_refresh() == 1
    # Whether more than a quarter of the units or people were touched is asked only when
    # more than a batch were: one unit and one person are never that many.
    counted = [
        query["sql"]
        for query in queries.captured_queries
        if 'COUNT(*) AS "__count"' in query["sql"]
    ]
    assert not [
        sql for sql in counted if "organisation_person" in sql or "organisation_unit" in sql
    ]


def test_while_other_writes_run_the_mark_stays_so_their_rows_are_read_later(positions, monkeypatch):
    every_check_firing(positions)
    coverage_store_refresh()
    before = CoverageMark.objects.get().read_up_to
    parts = coverage_store.data_version_parts
    monkeypatch.setattr(
        coverage_store, "data_version_parts", lambda: parts() | {"writes running": "4711"}
    )
    add_responsible()
    assert coverage_store_refresh() == 1  # counted, but another write may commit below
    assert CoverageMark.objects.get().read_up_to == before
    monkeypatch.undo()
    assert coverage_store_refresh() == 1  # read again, then the mark moves
    assert coverage_store_refresh() == 0
    assert_stored_counts_agree()


def test_a_new_huvudman_without_entries_counts_as_whole(positions):
    every_check_firing(positions)
    empty = OrganisationFactory(slug="tom")
    UnitFactory(slug="tom-0", organisation=empty)
    assert_stored_counts_agree()
    assert coverage_store_counts(units=Unit.objects.filter(organisation=empty)) == coverage_counts(
        units=Unit.objects.filter(organisation=empty)
    )


@pytest.mark.parametrize(
    "marks, counted_again",
    [
        ({}, ["items_without_responsible"]),
        ({"needs_deputy": True}, ["items_without_responsible", "missing_deputies"]),
        ({"support_kind": "teknik"}, ["items_without_responsible", "disagreements"]),
    ],
)
def test_a_new_item_counts_again_at_every_unit_only_the_checks_it_concerns(
    positions, monkeypatch, marks, counted_again
):
    every_check_firing(positions)
    coverage_store_refresh()
    asked = []
    counts_by_unit = coverage_store.counts_by_unit

    def spy(unit_ids=None, checks=None):
        asked.append((unit_ids, checks))
        return counts_by_unit(unit_ids, checks)

    monkeypatch.setattr(coverage_store, "counts_by_unit", spy)
    ItemFactory(**marks)
    assert coverage_store_refresh() == Unit.objects.count()
    assert asked == [(None, counted_again)]  # every unit, those checks only
    assert_stored_counts_agree()


def test_a_changed_position_shows_in_the_cached_summary_at_once(positions, settings):
    settings.DIGIANSVAR_COVERAGE_MAX_ASSIGNMENTS = 1
    every_check_firing(positions)
    units = Unit.objects.all()
    first = coverage_summary(units)
    # IT-handledare recoded: no unit lacks one any more (the decision's code is gone).
    mentor = positions[Position.Code.IT_MENTOR]
    mentor.code = "it-handledare-tidigare"
    mentor.save()
    second = coverage_summary(units)
    assert second["missing_positions"] < first["missing_positions"]
    assert second == coverage_counts(units=units, max_assignments=1)


def test_the_summary_after_a_write_costs_the_same_queries_however_many_units_it_touched(
    positions,
):
    every_check_firing(positions)
    units = Unit.objects.all()
    coverage_store_refresh()

    def queries_after_writes_at(slugs):
        for slug in slugs:
            at = unit(slug)
            AssignmentFactory(
                item=Item.objects.last(),
                unit=at,
                role=None,
                person=PersonFactory(organisation=at.organisation),
            )
        with CaptureQueriesContext(connection) as queries:
            coverage_store_counts(units=units)
        return len(queries)

    assert queries_after_writes_at(["u5-0"]) == queries_after_writes_at(["u5-1", "u5-2", "u5-3"])


def test_coverage_refresh_counts_everything_once_then_only_what_changed(positions):
    every_check_firing(positions)
    out = io.StringIO()
    call_command("coverage_refresh", stdout=out)
    assert f"{Unit.objects.count()} enheter räknades om" in out.getvalue()
    add_responsible()
    out = io.StringIO()
    call_command("coverage_refresh", stdout=out)
    assert "1 enhet räknades om" in out.getvalue()
    assert_stored_counts_agree()
