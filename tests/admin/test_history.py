"""History: the user of each change is recorded, a change can be reverted, per-unit list."""

import warnings

import pytest
from django.urls import reverse

from registry.models import AssignmentConfirmation
from tests.admin.forms import page_post_data
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def change_person(client, world, row, person):
    url = reverse("admin:registry_assignment_change", args=[row.pk])
    data = page_post_data(client.get(url))
    data["person"] = person.pk
    assert client.post(url, data).status_code == 302


def test_history_records_the_user_and_revert_restores_the_old_value(world, as_user):
    new_person = PersonFactory(initials="N.N", name="", organisation=world.unit_a.organisation)
    client = as_user("rektor_a")
    change_person(client, world, world.row_a, new_person)
    world.row_a.refresh_from_db()
    assert world.row_a.person == new_person
    changed = world.row_a.history.latest()
    assert changed.history_user == world.users["rektor_a"]
    assert changed.history_type == "~"

    # Revert as the administrator: open the version before the change and save it.
    before = changed.prev_record
    admin = as_user("administratör")
    url = reverse("admin:registry_assignment_simple_history", args=[world.row_a.pk, before.pk])
    form_page = admin.get(url)
    assert form_page.status_code == 200
    assert admin.post(url, page_post_data(form_page)).status_code == 302
    world.row_a.refresh_from_db()
    assert world.row_a.person == world.person_a
    reverted = world.row_a.history.latest()
    assert reverted.history_user == world.users["administratör"]
    assert [record.history_user for record in world.row_a.history.all()][:2] == [
        world.users["administratör"],
        world.users["rektor_a"],
    ]


def test_revert_restores_a_deleted_row(world, as_user):
    client = as_user("rektor_a")
    pk = world.row_a.pk
    client.post(reverse("admin:registry_assignment_delete", args=[pk]), {"post": "yes"})
    deleted = world.row_a.history.model.objects.filter(id=pk).latest()
    assert deleted.history_type == "-" and deleted.history_user == world.users["rektor_a"]
    url = reverse("admin:registry_assignment_simple_history", args=[pk, deleted.pk])
    assert client.post(url, page_post_data(client.get(url))).status_code == 302
    assert type(world.row_a).objects.get(pk=pk).person == world.person_a


def test_recent_changes_per_unit_show_who_changed_what(world, as_user):
    new_person = PersonFactory(initials="N.N", name="", organisation=world.unit_a.organisation)
    change_person(as_user("rektor_a"), world, world.row_a, new_person)
    client = as_user("administratör")
    page_a = client.get(reverse("admin:registry_assignment_recent_changes") + "?enhet=a")
    first = page_a.context["rows"][0]
    assert (first["user"], first["text"]) == (world.users["rektor_a"], "WiFi: N.N ITS")
    assert first["fields"] == ["person"]
    assert first["revert_url"]
    page_b = client.get(reverse("admin:registry_assignment_recent_changes") + "?enhet=b")
    assert all(row["unit"] == world.unit_b for row in page_b.context["rows"])
    assert "N.N" not in page_b.content.decode()


def test_history_of_a_model_without_foreign_keys_asks_no_deprecated_join(seeded_client):
    # simple_history's own page called select_related() with no field names
    # for such models, deprecated from Django 6.1.
    from registry.models import SearchWord

    word = SearchWord.objects.create(word="mailen", means="e-post")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = seeded_client.get(reverse("admin:registry_searchword_history", args=[word.pk]))
    assert response.status_code == 200
    assert not [w for w in caught if "select_related" in str(w.message)]


def test_recent_changes_list_answers_in_scope_without_revert(world, as_user):
    for row, person, comment in (
        (world.row_a, world.person_a, "Inte min uppgift."),
        (world.row_b, world.person_b, "Fel skola."),
    ):
        AssignmentConfirmation.objects.create(
            assignment=row,
            person=person,
            role=row.role,
            state="declined",
            comment=comment,
            decided_by=world.users["rektor_a"],
        )
    client = as_user("rektor_b")
    page = client.get(reverse("admin:registry_assignment_recent_changes"))
    (answer,) = [row for row in page.context["rows"] if row["action"] == "Svar: Avböjd"]
    assert (answer["text"], answer["unit"], answer["reason"]) == (
        "WiFi: B.B",
        world.unit_b,
        "Fel skola.",
    )
    assert answer["user"] == world.users["rektor_a"]  # who recorded it
    assert answer["revert_url"] == "" and answer["history_url"] == ""
    html = page.content.decode()
    assert "Fel skola." in html and "Inte min uppgift." not in html
    everything = as_user("administratör").get(reverse("admin:registry_assignment_recent_changes"))
    assert "Inte min uppgift." in everything.content.decode()
