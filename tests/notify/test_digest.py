"""Told when it changes: the daily e-mail (registry.notify.digest and services)."""

from datetime import date, timedelta

import pytest

from registry.models import Assignment
from registry.notify.services import responsibility_digest_send
from registry.services import assignment_reassign

pytestmark = pytest.mark.django_db


def reassign(register, source, target, user=None):
    return assignment_reassign(from_person=source, to_person=target, user=user or register.admin)


def test_a_reassign_of_five_items_tells_the_new_and_the_old_person_once(started, mailoutbox):
    r = started
    reassign(r, r.em, r.aw)
    result = responsibility_digest_send()
    assert result.sent == 2
    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert set(by_recipient) == {"aw@hem.example", "em@hem.example"}
    for address, kind in (("aw@hem.example", "Nytt"), ("em@hem.example", "Borttaget")):
        message = by_recipient[address]
        assert message.subject == "Ditt ansvar har ändrats"
        for item in r.items:
            assert f"{kind}: {item.name}" in message.body
        assert message.body.count("Enhet: Hemskolan") == 5
        assert "Roll: ITS IT-samordnare" in message.body
        assert "Ändrat av: Ada Admin" in message.body
        assert "Anledning: Flyttat från E.M till A.W" in message.body
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html"
        assert all(item.name in html for item in r.items)
        assert '<html lang="sv">' in html
    assert "http://localhost:8000/person/A.W/" in by_recipient["aw@hem.example"].body
    # Only what they hold now can be confirmed: links for the new person, none for the old.
    assert by_recipient["aw@hem.example"].body.count("/bekrafta/") == 5
    assert "/bekrafta/" not in by_recipient["em@hem.example"].body
    assert "Länkarna fungerar" not in by_recipient["em@hem.example"].body
    assert "Länkarna fungerar en gång och i 14 dagar." in by_recipient["aw@hem.example"].body


def test_a_second_run_sends_nothing(started, mailoutbox):
    reassign(started, started.em, started.aw)
    assert responsibility_digest_send().sent == 2
    assert responsibility_digest_send().sent == 0
    assert len(mailoutbox) == 2


def test_an_undo_within_the_day_sends_nothing(started, mailoutbox):
    r = started
    reassign(r, r.em, r.aw)
    reassign(r, r.aw, r.em)
    result = responsibility_digest_send()
    assert result.sent == 0
    assert mailoutbox == []


def test_a_change_by_the_person_themselves_is_left_out(started, mailoutbox):
    r = started
    row = r.assignments[0]
    row.person = r.aw
    row._history_user = r.aw.user
    row.save()
    responsibility_digest_send()
    # A.W moved it to themselves: only E.M, who lost it, hears of it.
    assert [message.to for message in mailoutbox] == [["em@hem.example"]]
    assert "Ändrat av: aw" in mailoutbox[0].body


def test_one_email_a_day_newer_changes_wait_for_tomorrow(started, mailoutbox):
    r = started
    today = date(2026, 12, 4)
    r.assignments[0].person = r.aw
    r.assignments[0].save()
    assert responsibility_digest_send(today=today).sent == 2
    r.assignments[1].person = r.aw
    r.assignments[1].save()
    later = responsibility_digest_send(today=today)
    assert (later.sent, later.deferred) == (0, 2)
    tomorrow = responsibility_digest_send(today=today + timedelta(days=1))
    assert tomorrow.sent == 2
    assert r.items[1].name in mailoutbox[-1].body
    assert r.items[0].name not in mailoutbox[-1].body


def test_a_deleted_assignment_is_lost_and_a_new_one_gained(started, mailoutbox):
    r = started
    r.assignments[0].delete()
    Assignment.objects.create(item=r.items[0], unit=r.other_unit, role=r.collective, person=r.aw)
    responsibility_digest_send()
    bodies = {message.to[0]: message.body for message in mailoutbox}
    assert f"Borttaget: {r.items[0].name}" in bodies["em@hem.example"]
    assert f"Nytt: {r.items[0].name}" in bodies["aw@hem.example"]
    assert "Enhet: Grannskolan" in bodies["aw@hem.example"]


def test_the_command_reports_what_it_sent(started, mailoutbox):
    from django.core.management import call_command

    reassign(started, started.em, started.aw)
    call_command("responsibility_digest", "--site-url", "https://ansvar.example")
    assert len(mailoutbox) == 2
    assert "https://ansvar.example/bekrafta/" in mailoutbox[0].body + mailoutbox[1].body


def test_an_api_write_is_told_with_its_user_and_reason(started, client, mailoutbox):
    from tests.api.conftest import Api, key_for

    r = started
    api = Api(client, key_for(r.admin, read_only=False))
    data = {
        "item": r.items[0].pk,
        "unit": "hemskolan",
        "role": "ITS",
        "person": r.aw.pk,
        "reason": "Ny via API",
    }
    created = api.post("/api/v1/assignments/", data)
    assert created.status_code == 201, created.content
    responsibility_digest_send()
    (message,) = mailoutbox
    assert message.to == ["aw@hem.example"]
    assert f"Nytt: {r.items[0].name}" in message.body
    assert "Ändrat av: Ada Admin" in message.body
    assert "Anledning: Ny via API" in message.body
