"""Writing assignments through the API: admin's validation, history with user and reason, and
nothing outside the key's user's change scope (forged writes change no row)."""

import pytest
from django.test import Client

from registry.models import Assignment
from tests.api.conftest import Api, key_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/assignments/"


def detail(row):
    return f"{URL}{row.pk}/"


def table():
    return sorted(
        Assignment.objects.values_list("pk", "item", "unit", "role", "person", "kind", "priority")
    )


def test_a_rektor_creates_changes_and_deletes_at_their_unit_with_history(world, api_as):
    api = api_as(world.rektor_a)
    data = {
        "item": world.other_item.pk,
        "unit": "hemmaskolan",
        "role": "ITS",
        "person": world.arne.pk,
        "reason": "Ny IT-samordnare",
    }
    created = api.post(URL, data)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["unit"]["slug"] == "hemmaskolan" and body["person"]["initials"] == "A.ANDRA"
    row = Assignment.objects.get(pk=body["id"])
    record = row.history.get()
    assert record.history_user == world.rektor_a
    assert record.history_change_reason == "Ny IT-samordnare"

    changed = api.patch(detail(row), {"priority": "deputy", "reason": "Blir ersättare"})
    assert changed.status_code == 400  # a deputy needs an ordinarie, as in admin
    assert changed.json() == {
        "priority": [
            "En ersättare behöver en ordinarie ansvarig för samma ansvarsområde och enhet."
        ]
    }
    changed = api.patch(detail(world.row_a1), {"order": 3, "reason": "Ordning"})
    assert changed.status_code == 200, changed.content
    latest = world.row_a1.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (world.rektor_a, "Ordning")

    deleted = api.delete(f"{detail(row)}?reason=Slutat")
    assert deleted.status_code == 204
    gone = Assignment.history.filter(id=row.pk).latest()
    assert gone.history_type == "-"
    assert (gone.history_user, gone.history_change_reason) == (world.rektor_a, "Slutat")


def test_writes_are_validated_as_in_admin(world, superuser, api_as):
    api = api_as(superuser)
    neither = api.post(URL, {"item": world.item.pk, "unit": "hemmaskolan"})
    assert neither.status_code == 400
    assert neither.json() == {"non_field_errors": ["Ange en roll, en person eller båda."]}
    twice = api.post(
        URL, {"item": world.item.pk, "unit": "hemmaskolan", "role": "ITS", "person": world.aw.pk}
    )
    assert twice.json() == {"non_field_errors": ["Den här ansvarsfördelningen finns redan."]}
    elsewhere = api.post(
        URL, {"item": world.item.pk, "unit": "hemmaskolan", "person": world.bertil.pk}
    )
    assert elsewhere.json() == {"person": ["Personen hör till en annan huvudman än enheten."]}
    assert api.post(URL, {"item": world.item.pk, "kind": "X", "role": "ITS"}).status_code == 400
    # Text PostgreSQL cannot store is refused before any lookup reads it.
    for text in ("hemma\x00skolan", "\ud800"):
        unstorable = api.post(URL, {"item": world.item.pk, "unit": text, "role": "ITS"})
        assert unstorable.status_code == 400
        assert unstorable.json() == {"detail": "Innehållet har tecken som inte kan sparas."}
    # A create names its unit: a forgotten one does not make the row organisation-wide.
    forgotten = api.post(URL, {"item": world.other_item.pk, "role": "ITS"})
    assert forgotten.status_code == 400 and list(forgotten.json()) == ["unit"]


def test_a_forged_write_outside_the_scope_changes_nothing(world, api_as):
    api = api_as(world.rektor_a)
    before = table()
    # Another huvudman's row and another unit's row: not seen, so not found.
    for row in (world.row_b1, world.row_a2):
        assert api.patch(detail(row), {"priority": "deputy"}).status_code == 404
        assert api.put(detail(row), {"item": world.item.pk, "role": "ITS"}).status_code == 404
        assert api.delete(detail(row)).status_code == 404
    # An organisation-wide row: seen but changed only by organisation-wide managers.
    assert api.patch(detail(world.row_wide_a), {"order": 5}).status_code == 403
    assert api.delete(detail(world.row_wide_a)).status_code == 403
    # Placing a row at another unit, moving the home row there, or organisation-wide.
    for unit in ("bortaskolan", "andrabyskolan"):
        created = api.post(URL, {"item": world.other_item.pk, "unit": unit, "role": "ITS"})
        assert created.status_code == 400
        assert created.json() == {"unit": ["Objekt med slug=" + unit + " finns inte."]}
        assert api.patch(detail(world.row_a1), {"unit": unit}).status_code == 400
    wide = api.post(URL, {"item": world.other_item.pk, "unit": None, "role": "ITS"})
    assert wide.status_code == 403
    # Naming another huvudman's person.
    named = api.post(
        URL, {"item": world.other_item.pk, "unit": "hemmaskolan", "person": world.bertil.pk}
    )
    assert named.status_code == 400 and list(named.json()) == ["person"]
    assert table() == before


def test_a_user_without_the_model_permission_cannot_write_with_any_key(world, django_user_model):
    from organisation.services import unit_grant

    reader = django_user_model.objects.create_user("lasare")
    unit_grant(user=reader, unit=world.unit_a1, role="läsare")
    api = Api(Client(), key_for(reader, read_only=False))
    before = table()
    assert api.get(detail(world.row_a1)).status_code == 200
    assert api.patch(detail(world.row_a1), {"order": 2}).status_code == 403
    assert api.delete(detail(world.row_a1)).status_code == 403
    assert (
        api.post(URL, {"item": world.item.pk, "unit": "hemmaskolan", "role": "ITS"}).status_code
        == 403
    )
    assert table() == before


def test_reassign_moves_a_persons_rows_as_flytta_ansvar_does(world, api_as):
    api = api_as(world.rektor_a)
    data = {"from_person": world.aw.pk, "to_person": world.arne.pk}
    before = table()
    preview = api.post(f"{URL}reassign/", {**data, "preview": True})
    assert preview.status_code == 200, preview.content
    # Only the row the rektor may change moves: not the organisation-wide one.
    assert preview.json()["count"] == 1
    assert [line["assignment"]["id"] for line in preview.json()["lines"]] == [world.row_a1.pk]
    assert table() == before
    done = api.post(f"{URL}reassign/", data)
    assert done.status_code == 200 and done.json()["preview"] is False
    world.row_a1.refresh_from_db()
    assert world.row_a1.person == world.arne
    record = world.row_a1.history.latest()
    assert record.history_user == world.rektor_a
    # The service's reason: arne does not hold ITS at the unit, the row keeps it.
    assert record.history_change_reason == (
        "Flyttat från A.W till A.ANDRA med rollen ITS, som A.ANDRA inte har på enheten"
    )
    assert done.json()["role_mismatches"] == [world.row_a1.pk]


def test_reassign_refuses_what_the_user_may_not_touch(world, api_as):
    api = api_as(world.rektor_a)
    before = table()
    outsider = api.post(
        f"{URL}reassign/", {"from_person": world.bertil.pk, "to_person": world.aw.pk}
    )
    assert outsider.status_code == 400 and list(outsider.json()) == ["from_person"]
    other_unit = api.post(
        f"{URL}reassign/",
        {"from_person": world.arne.pk, "to_person": world.aw.pk, "units": ["andrabyskolan"]},
    )
    assert other_unit.status_code == 400 and list(other_unit.json()) == ["units"]
    same = api.post(f"{URL}reassign/", {"from_person": world.aw.pk, "to_person": world.aw.pk})
    assert same.json() == {"non_field_errors": ["Välj två olika personer."]}
    read_only = api_as(world.rektor_a, read_only=True)
    data = {"from_person": world.aw.pk, "to_person": world.arne.pk}
    assert read_only.post(f"{URL}reassign/", data).status_code == 403
    assert table() == before
