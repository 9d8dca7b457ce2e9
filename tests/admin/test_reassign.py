"""Flytta ansvar: exactly the chosen rows move, duplicates merge, all or nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from organisation.models import Appointment, Person, Position, Unit
from registry.models import Assignment, Role
from registry.services import assignment_reassign, assignment_reassign_preview
from tests.factories import (
    AreaFactory,
    AssignmentFactory,
    ColumnFactory,
    ItemFactory,
    PersonFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaving(world):
    """person_a leaves: rows at unit A in two areas, and one at unit B."""
    world.add(
        "person_c", PersonFactory(initials="C.C", name="", organisation=world.unit_a.organisation)
    )
    other_area = AreaFactory(name="PEDAGOGIK", slug="pedagogik")
    world.add("other_item", ItemFactory(name="Teams", column=ColumnFactory(area=other_area)))
    world.add(
        "row_a2",
        AssignmentFactory(
            item=world.other_item, unit=world.unit_a, role=world.role, person=world.person_a
        ),
    )
    world.add(
        "row_a_at_b",
        AssignmentFactory(
            item=world.other_item, unit=world.unit_b, role=world.role, person=world.person_a
        ),
    )
    world.other_area = other_area
    return world


def people_of(*rows):
    return [Assignment.objects.get(pk=row.pk).person.initials for row in rows]


def test_rektor_moves_only_rows_at_own_units(leaving):
    w = leaving
    result = assignment_reassign(
        from_person=w.person_a, to_person=w.person_c, user=w.users["rektor_a"]
    )
    assert {row.pk for row in result.moved} == {w.row_a.pk, w.row_a2.pk}
    assert people_of(w.row_a, w.row_a2, w.row_a_at_b) == ["C.C", "C.C", "A.A"]


def test_areas_narrow_the_move(leaving):
    w = leaving
    result = assignment_reassign(
        from_person=w.person_a,
        to_person=w.person_c,
        areas=[w.other_area],
        user=w.users["administratör"],
    )
    assert {row.pk for row in result.moved} == {w.row_a2.pk, w.row_a_at_b.pk}
    assert people_of(w.row_a, w.row_a2, w.row_a_at_b) == ["A.A", "C.C", "C.C"]


def test_units_narrow_the_move_and_must_be_editable(leaving):
    w = leaving
    assignment_reassign(
        from_person=w.person_a,
        to_person=w.person_c,
        units=[w.unit_b],
        user=w.users["administratör"],
    )
    assert people_of(w.row_a, w.row_a2, w.row_a_at_b) == ["A.A", "A.A", "C.C"]
    with pytest.raises(PermissionDenied):
        assignment_reassign(
            from_person=w.person_c, to_person=w.person_a, units=[w.unit_b], user=w.users["rektor_a"]
        )


def test_duplicate_at_target_is_merged_and_reported(leaving):
    w = leaving
    twin = AssignmentFactory(
        item=w.item,
        unit=w.unit_a,
        role=w.role,
        person=w.person_c,
        priority=Assignment.Priority.DEPUTY,
    )
    preview = assignment_reassign_preview(
        from_person=w.person_a, to_person=w.person_c, units=[w.unit_a], user=w.users["rektor_a"]
    )
    assert [(row.pk, kept.pk) for row, kept in preview.merged] == [(w.row_a.pk, twin.pk)]
    assert Assignment.objects.filter(pk=w.row_a.pk).exists()  # the preview changed nothing

    result = assignment_reassign(
        from_person=w.person_a, to_person=w.person_c, units=[w.unit_a], user=w.users["rektor_a"]
    )
    assert result.count == 2 and len(result.merged) == 1
    assert not Assignment.objects.filter(pk=w.row_a.pk).exists()
    twin.refresh_from_db()
    assert twin.priority == Assignment.Priority.PRIMARY  # the moved row was ordinarie


def test_failure_in_the_middle_leaves_everything_as_it_was(leaving, monkeypatch):
    w = leaving
    before = list(Assignment.objects.order_by("pk").values_list("pk", "person_id"))
    original_save = Assignment.save
    calls = []

    def failing_save(self, *args, **kwargs):
        calls.append(self.pk)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(Assignment, "save", failing_save)
    with pytest.raises(RuntimeError):
        assignment_reassign(
            from_person=w.person_a, to_person=w.person_c, user=w.users["administratör"]
        )
    assert len(calls) == 2  # the first row had been saved before the failure
    assert list(Assignment.objects.order_by("pk").values_list("pk", "person_id")) == before


def test_reassign_page_previews_then_moves(leaving, as_user):
    w = leaving
    client = as_user("rektor_a")
    # The action on people leads to the page with the person filled in.
    response = client.post(
        reverse("admin:organisation_person_changelist"),
        {"action": "reassign", "_selected_action": [w.person_a.pk]},
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.context["form"]["from_person"].value() == str(w.person_a.pk)

    url = reverse("admin:registry_assignment_reassign")
    data = {"from_person": w.person_a.pk, "to_person": w.person_c.pk}
    preview = client.post(url, {**data, "preview": "1"})
    assert preview.status_code == 200
    assert {row.pk for row in preview.context["preview"].moved} == {w.row_a.pk, w.row_a2.pk}
    assert people_of(w.row_a) == ["A.A"]

    # C.C holds ITS nowhere: the move waits for the administrator's choice.
    waiting = client.post(url, {**data, "confirm": "1"})
    assert waiting.status_code == 200
    assert "mismatch" in waiting.context["form"].errors
    assert people_of(w.row_a) == ["A.A"]

    done = client.post(url, {**data, "mismatch": "keep", "confirm": "1"})
    assert done.status_code == 302
    assert people_of(w.row_a, w.row_a2, w.row_a_at_b) == ["C.C", "C.C", "A.A"]
    latest = Assignment.objects.get(pk=w.row_a.pk).history.latest()
    assert latest.history_user == w.users["rektor_a"]
    assert "A.A" in latest.history_change_reason


def test_reassign_page_refuses_another_units_rows(leaving, as_user):
    w = leaving
    response = as_user("rektor_a").post(
        reverse("admin:registry_assignment_reassign"),
        {
            "from_person": w.person_a.pk,
            "to_person": w.person_c.pk,
            "units": [w.unit_b.pk],
            "confirm": "1",
        },
    )
    assert response.status_code == 200
    assert "units" in response.context["form"].errors
    assert people_of(w.row_a_at_b) == ["A.A"]


# --- The person taking over does not hold the role (issue 11) ---------------------------

CARETAKER_ITEMS = [
    "Säkerhetskåp / förvaring",
    "Brandlarm",
    "Frankeringsmaskin",
    "Inbrottslarm",
    "Övervakningskameror",
]


@pytest.fixture
def caretaker_leaves(seeded_client):
    """In the seed, E.M (VAKT at Årstaviken) leaves and A.W (ITS) is to take over."""
    people = {p.initials: p for p in Person.objects.filter(initials__in=["E.M", "A.W", "R.A"])}
    url = reverse("admin:registry_assignment_reassign")
    data = {"from_person": people["E.M"].pk, "to_person": people["A.W"].pk}
    return seeded_client, url, data, people


def rows_of(initials):
    return sorted(
        (row.item.name, row.role.code)
        for row in Assignment.objects.filter(person__initials=initials).select_related(
            "item", "role"
        )
    )


def test_moving_the_caretakers_items_to_the_it_coordinator_warns_naming_them(
    caretaker_leaves,
):
    client, url, data, _people = caretaker_leaves
    response = client.post(url, {**data, "preview": "1"})
    preview = response.context["preview"]
    assert sorted(row.item.name for row in preview.mismatched) == sorted(CARETAKER_ITEMS)
    assert {(row.unit.slug, row.role.code) for row in preview.mismatched} == {
        ("arstaviken", "VAKT")
    }
    assert [role.code for role in preview.held] == ["ITS"]
    html = response.content.decode()
    assert "Varning: rollen stämmer inte" in html
    assert "A.W har inte rollen på enheten för 5 ansvar" in html
    for name in CARETAKER_ITEMS:
        assert name in html
    # The roles A.W holds there are offered first.
    assert "Roller som mottagaren har på enheten" in html
    # Confirming without a choice moves nothing.
    waiting = client.post(url, {**data, "confirm": "1"})
    assert "mismatch" in waiting.context["form"].errors
    assert len(rows_of("E.M")) == 5


def test_keep_moves_the_caretakers_items_with_their_role(caretaker_leaves):
    client, url, data, _people = caretaker_leaves
    done = client.post(url, {**data, "mismatch": "keep", "confirm": "1"})
    assert done.status_code == 302
    assert rows_of("E.M") == []
    assert [row for row in rows_of("A.W") if row[1] == "VAKT"] == sorted(
        (name, "VAKT") for name in CARETAKER_ITEMS
    )
    moved = Assignment.objects.get(person__initials="A.W", item__name="Brandlarm")
    reason = moved.history.latest().history_change_reason
    assert reason == "Flyttat från E.M till A.W med rollen VAKT, som A.W inte har på enheten"


def test_change_role_moves_the_caretakers_items_as_the_role_the_person_holds(caretaker_leaves):
    client, url, data, _people = caretaker_leaves
    its = Role.objects.get(code="ITS")
    preview = client.post(url, {**data, "mismatch": "change", "new_role": its.pk, "preview": "1"})
    assert "VAKT → ITS" in preview.content.decode()
    assert len(rows_of("E.M")) == 5  # the preview changed nothing

    done = client.post(url, {**data, "mismatch": "change", "new_role": its.pk, "confirm": "1"})
    assert done.status_code == 302
    assert rows_of("E.M") == []
    assert not [row for row in rows_of("A.W") if row[1] == "VAKT"]
    assert {(name, "ITS") for name in CARETAKER_ITEMS} <= set(rows_of("A.W"))
    moved = Assignment.objects.get(person__initials="A.W", item__name="Brandlarm")
    assert moved.history.latest().history_change_reason == (
        "Flyttat från E.M till A.W, roll VAKT ändrad till ITS"
    )


def test_change_role_needs_a_role(caretaker_leaves):
    client, url, data, _people = caretaker_leaves
    response = client.post(url, {**data, "mismatch": "change", "confirm": "1"})
    assert "new_role" in response.context["form"].errors
    assert len(rows_of("E.M")) == 5


def test_change_role_merges_into_the_same_entry_the_person_already_has(caretaker_leaves):
    client, url, data, people = caretaker_leaves
    its = Role.objects.get(code="ITS")
    alarm = Assignment.objects.get(person=people["E.M"], item__name="Brandlarm")
    kept = AssignmentFactory(
        item=alarm.item,
        unit=alarm.unit,
        role=its,
        person=people["A.W"],
        priority=Assignment.Priority.DEPUTY,
    )
    done = client.post(url, {**data, "mismatch": "change", "new_role": its.pk, "confirm": "1"})
    assert done.status_code == 302
    assert not Assignment.objects.filter(pk=alarm.pk).exists()
    kept.refresh_from_db()
    assert kept.priority == Assignment.Priority.PRIMARY


def test_cancel_changes_nothing(caretaker_leaves):
    client, url, data, _people = caretaker_leaves
    before = list(Assignment.objects.order_by("pk").values_list("pk", "person_id", "role_id"))
    response = client.post(url, {**data, "mismatch": "keep", "cancel": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:registry_assignment_changelist")
    assert list(Assignment.objects.order_by("pk").values_list("pk", "person_id", "role_id")) == (
        before
    )


def test_no_warning_when_the_person_holds_the_role_at_the_unit(caretaker_leaves):
    client, url, data, people = caretaker_leaves
    # R.A becomes caretaker at Årstaviken too.
    Appointment.objects.create(
        person=people["R.A"],
        position=Position.objects.get(code="vaktmastare"),
        unit=Unit.objects.get(slug="arstaviken"),
    )
    response = client.post(url, {**data, "to_person": people["R.A"].pk, "preview": "1"})
    assert response.context["preview"].count == 5
    assert response.context["preview"].mismatched == []
    assert "Varning: rollen stämmer inte" not in response.content.decode()
    done = client.post(url, {**data, "to_person": people["R.A"].pk, "confirm": "1"})
    assert done.status_code == 302
    assert rows_of("R.A").count(("Brandlarm", "VAKT")) == 1


def test_entries_without_a_role_or_with_a_collective_role_give_no_warning(leaving):
    w = leaving
    teachers = RoleFactory(code="LÄR", kind=Role.Kind.COLLECTIVE)
    AssignmentFactory(item=w.item, unit=w.unit_a, role=teachers, person=w.person_a)
    AssignmentFactory(item=w.other_item, unit=w.unit_b, role=None, person=w.person_a)
    preview = assignment_reassign_preview(
        from_person=w.person_a, to_person=w.person_c, user=w.users["administratör"]
    )
    assert preview.count == 5
    # Only the ITS rows (individual; C.C is named with ITS nowhere) are warned about.
    assert {(row.role.code, row.unit.slug) for row in preview.mismatched} == {
        ("ITS", "a"),
        ("ITS", "b"),
    }
    assert len(preview.mismatched) == 3
