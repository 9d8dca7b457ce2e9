"""The coverage report: each check, the seed's short list, and costs that do not grow with units."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisation.models import Position, Unit
from registry.coverage import CHECK_KEYS, coverage_by_unit, coverage_counts, coverage_findings
from registry.coverage.store import coverage_summary
from registry.models import Assignment, Item, Role
from tests.factories import (
    AppointmentFactory,
    AssignmentFactory,
    ItemFactory,
    PersonFactory,
    PositionFactory,
    RoleFactory,
    UnitFactory,
)
from tests.registry.coverage_data import build, every_check_firing

pytestmark = pytest.mark.django_db


def staffed_unit(positions, slug):
    unit = UnitFactory(slug=slug, name=slug.title())
    for code in (Position.Code.IT_MENTOR, Position.Code.FIRST_LINE_CONTACT):
        AppointmentFactory(position=positions[code], unit=unit)
    return unit


def findings(unit, check, **kwargs):
    (entry,) = coverage_by_unit(units=[unit], scope=Unit.objects.filter(pk=unit.pk), **kwargs)
    return entry.findings[check]


def test_the_seeds_report_is_short_and_each_finding_is_explained(seed):
    units = Unit.objects.all()
    counts = coverage_counts(units=units)
    assert counts == {
        "unfilled_roles": 1,  # SPE: used, nobody appointed specialpedagog
        "items_without_responsible": 0,
        "missing_positions": 2,  # Årstaviken: no IT-handledare, no hanteringsansvarig
        "overloaded_people": 2,  # R.A 42, J.S 26 (limit 25)
        "missing_deputies": 6,  # the six items marked as needing one
        "disagreements": 0,
        "departed_people": 0,
        "unconfirmed": 0,  # every assignment is new: unconfirmed today, not for 14 days
        "declined": 0,
    }
    assert sum(counts.values()) == 11
    (entry,) = coverage_by_unit(units=units, scope=units, organisation_wide=True)
    subjects = {key: [f.subject for f in found] for key, found in entry.findings.items()}
    assert subjects["unfilled_roles"] == ["SPE – Specialpedagog"]
    assert sorted(subjects["missing_positions"]) == ["Hanteringsansvarig", "IT-handledare"]
    assert subjects["overloaded_people"] == ["R.A", "J.S"]
    # The six the seed's blueprint file marks (tests/spreadsheets/test_import.py).
    marked = set(Item.objects.filter(needs_deputy=True).values_list("name", flat=True))
    assert {s.split(" (")[0] for s in subjects["missing_deputies"]} == marked
    # Collective and relative roles never count as held by nobody.
    assert not any(code in " ".join(subjects["unfilled_roles"]) for code in ("LÄR", "MEN", "HÄL"))
    assert len(list(coverage_findings(units=units))) == 11


def test_a_collective_or_relative_role_is_never_unfilled(positions):
    unit = staffed_unit(positions, "norra")
    for code, kind in (("LÄR", Role.Kind.COLLECTIVE), ("Resp chef", Role.Kind.RELATIVE)):
        AssignmentFactory(item=ItemFactory(), unit=unit, role=RoleFactory(code=code, kind=kind))
    assert findings(unit, "unfilled_roles") == []


def test_an_individual_role_is_unfilled_until_someone_holds_its_position(positions):
    unit = staffed_unit(positions, "norra")
    specialist = PositionFactory(code="specialpedagog", name="Specialpedagog")
    role = RoleFactory(code="SPE", name="Specialpedagog", position=specialist)
    AssignmentFactory(item=ItemFactory(), unit=unit, role=role)
    (finding,) = findings(unit, "unfilled_roles")
    assert finding.subject == "SPE – Specialpedagog"
    assert f"position={specialist.pk}" in finding.admin_url
    assert f"unit={unit.pk}" in finding.admin_url

    AppointmentFactory(position=specialist, unit=unit)
    assert findings(unit, "unfilled_roles") == []


def test_an_organisation_wide_appointment_holds_the_role_at_every_unit(positions):
    unit = staffed_unit(positions, "norra")
    strategist = PositionFactory(code="it-strateg", name="IT-strateg")
    role = RoleFactory(code="IT-strateg", position=strategist)
    AssignmentFactory(item=ItemFactory(), unit=None, role=role)
    # Organisation-wide entries put the role in use at every unit.
    assert [f.subject for f in findings(unit, "unfilled_roles")] == [str(role)]
    AppointmentFactory(
        position=strategist, unit=None, person=PersonFactory(organisation=unit.organisation)
    )
    assert findings(unit, "unfilled_roles") == []


def test_an_individual_role_without_position_is_held_by_whoever_is_named_with_it(positions):
    unit = staffed_unit(positions, "norra")
    role = RoleFactory(code="NY")
    AssignmentFactory(item=ItemFactory(), unit=unit, role=role)
    assert len(findings(unit, "unfilled_roles")) == 1
    AssignmentFactory(item=ItemFactory(), unit=unit, role=role, person=PersonFactory())
    assert findings(unit, "unfilled_roles") == []


def test_item_without_responsible_is_reported_until_someone_is_assigned(positions):
    unit = staffed_unit(positions, "norra")
    item = ItemFactory(name="WiFi / Nätverk")
    assert [f.subject.split(" (")[0] for f in findings(unit, "items_without_responsible")] == [
        "WiFi / Nätverk"
    ]
    AssignmentFactory(item=item, unit=unit, role=RoleFactory(code="ITS"))
    assert findings(unit, "items_without_responsible") == []


def test_organisation_wide_assignment_covers_every_unit(positions):
    units = staffed_unit(positions, "norra"), staffed_unit(positions, "sodra")
    AssignmentFactory(item=ItemFactory(), unit=None, role=RoleFactory(code="IT-strateg"))
    counts = coverage_counts(units=Unit.objects.filter(pk__in=[u.pk for u in units]))
    assert counts["items_without_responsible"] == 0


def test_unit_without_first_line_contact_is_reported_until_one_is_appointed(positions):
    unit = UnitFactory(slug="norra", name="Norra")
    AppointmentFactory(position=positions[Position.Code.IT_MENTOR], unit=unit)
    assert [f.subject for f in findings(unit, "missing_positions")] == ["Hanteringsansvarig"]
    AppointmentFactory(position=positions[Position.Code.FIRST_LINE_CONTACT], unit=unit)
    assert findings(unit, "missing_positions") == []


def test_people_over_the_limit_are_reported(positions, settings):
    settings.DIGIANSVAR_COVERAGE_MAX_ASSIGNMENTS = 2
    unit = staffed_unit(positions, "norra")
    busy, calm = PersonFactory(initials="B.U"), PersonFactory(initials="C.A")
    for _ in range(3):
        AssignmentFactory(item=ItemFactory(), unit=unit, role=None, person=busy)
    AssignmentFactory(item=ItemFactory(), unit=unit, role=None, person=calm)
    (finding,) = findings(unit, "overloaded_people")
    assert finding.subject == str(busy) and "3 uppdrag" in finding.detail
    assert f"/{busy.pk}/" in finding.admin_url
    assert findings(unit, "overloaded_people", max_assignments=3) == []


def test_a_deputy_is_missing_only_where_the_item_or_the_role_needs_one(positions):
    unit = staffed_unit(positions, "norra")
    plain, alarm = ItemFactory(name="Schema"), ItemFactory(name="Brandlarm", needs_deputy=True)
    caretaker = RoleFactory(code="VAKT")
    for item in (plain, alarm):
        AssignmentFactory(item=item, unit=unit, role=caretaker, person=PersonFactory())
    assert [f.subject.split(" (")[0] for f in findings(unit, "missing_deputies")] == ["Brandlarm"]

    Role.objects.filter(pk=caretaker.pk).update(needs_deputy=True)
    assert len(findings(unit, "missing_deputies")) == 2

    for item in (plain, alarm):
        AssignmentFactory(
            item=item,
            unit=unit,
            role=caretaker,
            person=PersonFactory(),
            priority=Assignment.Priority.DEPUTY,
        )
    assert findings(unit, "missing_deputies") == []


def test_a_person_named_with_a_role_they_hold_no_appointment_for_is_a_disagreement(positions):
    unit = staffed_unit(positions, "norra")
    coordinator = PositionFactory(code="it-samordnare", name="IT-samordnare")
    role = RoleFactory(code="ITS", name="IT-samordnare", position=coordinator)
    caretaker = PersonFactory(initials="E.M")
    AppointmentFactory(position=coordinator, unit=unit)  # someone else holds ITS
    for _ in range(2):
        AssignmentFactory(item=ItemFactory(), unit=unit, role=role, person=caretaker)
    (finding,) = findings(unit, "disagreements")
    assert finding.subject == f"{caretaker} – ITS"
    assert "2 ansvarsområden" in finding.detail
    assert f"person={caretaker.pk}" in finding.admin_url

    AppointmentFactory(position=coordinator, unit=unit, person=caretaker)
    assert findings(unit, "disagreements") == []


def test_local_support_and_the_first_line_naming_different_people_is_a_disagreement(positions):
    unit = UnitFactory(slug="norra", name="Norra")
    coordinator = PositionFactory(code="it-samordnare", name="IT-samordnare")
    its = RoleFactory(code="ITS", position=coordinator)
    support = ItemFactory(name="Support lokalt", support_kind="teknik")
    aw, other = PersonFactory(initials="A.W"), PersonFactory(initials="H.A")
    AppointmentFactory(position=coordinator, unit=unit, person=aw)
    # Role-only entry: resolved through the role's holders (A.W).
    AssignmentFactory(item=support, unit=unit, role=its)
    # No hanteringsansvarig yet: nothing to compare with.
    assert findings(unit, "disagreements") == []

    AppointmentFactory(
        position=positions[Position.Code.FIRST_LINE_CONTACT], unit=unit, person=other
    )
    (finding,) = findings(unit, "disagreements")
    assert finding.subject == "Tekniskt problem"
    assert "A.W" in finding.detail and "hanteringsansvarig" in finding.detail

    AppointmentFactory(position=positions[Position.Code.FIRST_LINE_CONTACT], unit=unit, person=aw)
    assert findings(unit, "disagreements") == []


def test_findings_cover_only_the_given_units(positions):
    unit_a, unit_b = UnitFactory(slug="a", name="A"), UnitFactory(slug="b", name="B")
    ItemFactory()
    AssignmentFactory(item=ItemFactory(), unit=unit_b, role=None, person=PersonFactory())
    only_a = Unit.objects.filter(pk=unit_a.pk)
    assert {f.unit for f in coverage_findings(units=only_a)} == {unit_a}


def test_the_export_computes_findings_batch_by_batch(positions):
    units = [UnitFactory(slug=f"u{n}", name=f"U {n:02}") for n in range(5)]
    everything = list(coverage_findings(units=Unit.objects.all()))
    batched = list(coverage_findings(units=Unit.objects.all(), batch=2))
    assert batched == everything
    # Every unit lacks both positions: by name, whole batches at a time.
    assert [f.unit for f in batched if f.category == "missing_positions"] == [
        unit for unit in units for _ in range(2)
    ]


def test_query_counts_do_not_grow_with_units(positions):
    build(positions, units=3, items=3)
    scope = Unit.objects.all()
    coverage_by_unit(units=list(scope), scope=scope)  # fills Django's own caches
    with CaptureQueriesContext(connection) as small:
        coverage_counts(units=scope, max_assignments=1)
        small_page = coverage_by_unit(units=list(scope), scope=scope, max_assignments=1)
    build(positions, units=12, items=3)
    with CaptureQueriesContext(connection) as large:
        coverage_counts(units=scope, max_assignments=1)
        large_page = coverage_by_unit(units=list(scope), scope=scope, max_assignments=1)
    assert sum(e.total for e in large_page) > sum(e.total for e in small_page)
    assert {k for e in large_page for k in CHECK_KEYS if e.findings[k]} >= {
        "unfilled_roles",
        "items_without_responsible",
        "missing_positions",
        "overloaded_people",
        "missing_deputies",
        "disagreements",
    }
    # 21: a statement a check per page and per summary (departed_people the newest).
    assert len(large.captured_queries) == len(small.captured_queries) <= 21
    # No statement lists every unit id: the scope is a subquery.
    ids = ", ".join(str(pk) for pk in scope.values_list("pk", flat=True))
    assert not any(ids in query["sql"] for query in large.captured_queries[:7])


def test_every_finding_links_to_a_working_admin_page(client, superuser, positions, settings):
    settings.DIGIANSVAR_COVERAGE_MAX_ASSIGNMENTS = 1
    unit = UnitFactory(slug="norra", name="Norra")
    AppointmentFactory(position=positions[Position.Code.IT_MENTOR], unit=unit)
    ItemFactory(name="Utan ansvarig")
    coordinator = PositionFactory(code="it-samordnare", name="IT-samordnare")
    its = RoleFactory(code="ITS", position=coordinator)
    person = PersonFactory(initials="E.N", organisation=unit.organisation)
    AssignmentFactory(item=ItemFactory(needs_deputy=True), unit=unit, role=its, person=person)
    AssignmentFactory(item=ItemFactory(), unit=unit, role=None, person=person)
    found = list(coverage_findings(units=Unit.objects.all()))
    assert {f.category for f in found} >= {
        "unfilled_roles",
        "items_without_responsible",
        "missing_positions",
        "overloaded_people",
        "missing_deputies",
        "disagreements",
    }
    client.force_login(superuser)
    for finding in found:
        # 200, not a redirect: admin answers an unknown list filter with ?e=1.
        assert client.get(finding.admin_url).status_code == 200, finding


@pytest.mark.parametrize("scope_kind", ["all", "one huvudman", "some units"])
def test_the_summary_counts_what_the_pages_list(positions, scope_kind):
    north = every_check_firing(positions)
    scope = {
        "all": Unit.objects.all(),
        "one huvudman": Unit.objects.filter(organisation=north),
        "some units": Unit.objects.filter(slug__in=["u5-0", "u5-3", "norr-1"]),
    }[scope_kind]
    counts = coverage_counts(units=scope, max_assignments=1)
    entries = []
    ordered = list(scope.order_by("name", "pk"))
    for start in range(0, len(ordered), 2):  # pages of two units
        entries += coverage_by_unit(
            units=ordered[start : start + 2],
            scope=scope,
            max_assignments=1,
            organisation_wide=start == 0,
        )
    listed = {key: [f for e in entries for f in e.findings[key]] for key in CHECK_KEYS}
    # A person above the limit is listed at each of their units, counted once.
    assert counts["overloaded_people"] == len({f.subject for f in listed["overloaded_people"]})
    assert counts == {
        key: len({f.subject for f in found}) if key == "overloaded_people" else len(found)
        for key, found in listed.items()
    }
    if scope_kind == "all":
        assert all(counts.values()), counts
    exported = list(coverage_findings(units=scope, max_assignments=1, batch=3))
    assert sorted(map(repr, exported)) == sorted(
        repr(f) for found in listed.values() for f in found
    )


def test_the_summary_is_cached_until_the_next_write(positions, settings):
    settings.DIGIANSVAR_COVERAGE_MAX_ASSIGNMENTS = 1
    every_check_firing(positions)
    units = Unit.objects.all()
    first = coverage_summary(units)
    assert first == coverage_counts(units=units, max_assignments=1)
    with CaptureQueriesContext(connection) as queries:
        assert coverage_summary(units) == first
    assert len(queries) == 1  # the data version
    # A write changes the version: the next view counts again. A new item with a
    # responsible from Testkommunen: missing at Norrkommunen's two units.
    AssignmentFactory(item=ItemFactory(), unit=None, role=None, person=PersonFactory())
    assert coverage_summary(units)["items_without_responsible"] == (
        first["items_without_responsible"] + 2
    )
    # Another scope is another entry.
    some = Unit.objects.filter(slug="u5-0")
    assert coverage_summary(some) == coverage_counts(units=some, max_assignments=1)
