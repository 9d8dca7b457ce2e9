"""Flytta ansvar: exactly the chosen rows move, duplicates merge, all or nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from registry.models import Assignment
from registry.services import assignment_reassign, assignment_reassign_preview
from tests.factories import (
    AreaFactory,
    AssignmentFactory,
    ColumnFactory,
    ItemFactory,
    PersonFactory,
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

    done = client.post(url, {**data, "confirm": "1"})
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
