"""Confirmed in one click, and seen by the rektor: the link, the person page, the decline, the
chips' marks."""

import re
import time

import pytest
from django.core import signing
from django.urls import reverse

from registry.models import AssignmentConfirmation, UsedConfirmationLink
from registry.notify.services import responsibility_digest_send
from registry.notify.tokens import confirmation_token
from registry.services import assignment_reassign

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/bekrafta/[^\s]+/)")


def links_for(mailoutbox, address):
    (message,) = [message for message in mailoutbox if message.to == [address]]
    return LINK.findall(message.body)


@pytest.fixture
def told(started, mailoutbox):
    """A.W was given E.M's five items and told by e-mail."""
    assignment_reassign(from_person=started.em, to_person=started.aw, user=started.admin)
    responsibility_digest_send()
    return started


def test_the_link_confirms_once_for_its_person(told, client, mailoutbox):
    r = told
    link = links_for(mailoutbox, "aw@hem.example")[0]
    client.force_login(r.aw.user)
    page = client.get(link)
    assert page.status_code == 200
    assert "Bekräfta ansvar" in page.content.decode()
    assert AssignmentConfirmation.objects.count() == 0  # a GET writes nothing
    answer = client.post(link, {"state": "confirmed"})
    assert answer.status_code == 302
    assert answer["Location"] == reverse("registry:person_detail", args=["A.W"])
    (confirmation,) = AssignmentConfirmation.objects.all()
    assert (confirmation.person, confirmation.state) == (r.aw, "confirmed")
    assert confirmation.history.get().history_user == r.aw.user  # who confirmed, in history
    again = client.post(link, {"state": "declined", "comment": "Nej"})
    assert again.status_code == 410
    assert "redan använd" in again.content.decode()
    assert client.get(link).status_code == 410
    assert AssignmentConfirmation.objects.get().state == "confirmed"


def test_the_link_does_not_work_for_anyone_else(told, client, mailoutbox):
    r = told
    link = links_for(mailoutbox, "aw@hem.example")[0]
    for someone in (r.em, r.rektor, r.other_rektor):
        client.force_login(someone.user)
        assert client.get(link).status_code == 403
        assert client.post(link, {"state": "confirmed"}).status_code == 403
    client.force_login(r.admin)
    assert client.post(link, {"state": "confirmed"}).status_code == 403
    assert AssignmentConfirmation.objects.count() == 0
    assert UsedConfirmationLink.objects.count() == 0


def test_a_forged_or_altered_link_is_not_found(told, client, mailoutbox):
    link = links_for(mailoutbox, "aw@hem.example")[0]
    client.force_login(told.aw.user)
    assert client.get(link.replace("/bekrafta/", "/bekrafta/x")).status_code == 404
    forged = signing.TimestampSigner(salt="another").sign_object({"a": 1, "p": 1})
    assert client.get(f"/bekrafta/{forged}/").status_code == 404


def test_the_link_expires(told, client, monkeypatch, settings):
    r = told
    assignment = r.assignments[0]
    fortnight_ago = int(time.time()) - (settings.DIGIANSVAR_CONFIRMATION_LINK_DAYS + 1) * 86400
    monkeypatch.setattr(
        signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(fortnight_ago)
    )
    token = confirmation_token(
        assignment_id=assignment.pk, person_id=r.aw.pk, role_id=assignment.role_id
    )
    monkeypatch.undo()
    client.force_login(r.aw.user)
    page = client.post(reverse("registry:confirmation_link", args=[token]), {"state": "confirmed"})
    assert page.status_code == 410
    assert "gått ut" in page.content.decode()
    assert AssignmentConfirmation.objects.count() == 0


def test_the_link_stops_working_when_the_assignment_moved(told, client, mailoutbox):
    r = told
    link = links_for(mailoutbox, "aw@hem.example")[0]
    assignment_reassign(from_person=r.aw, to_person=r.em, user=r.admin)
    client.force_login(r.aw.user)
    page = client.post(link, {"state": "confirmed"})
    assert page.status_code == 410
    assert "ändrats sedan länken skickades" in page.content.decode()
    assert AssignmentConfirmation.objects.count() == 0


def test_a_moved_assignment_is_unconfirmed_again(told, client):
    r = told
    assignment = r.assignments[0]
    client.force_login(r.aw.user)
    client.post(reverse("registry:assignment_answer", args=[assignment.pk]), {"state": "confirmed"})
    poster = reverse("registry:blueprint") + "?unit=hemskolan"
    assert client.get(poster).content.decode().count("(ej bekräftad)") == 4
    assignment_reassign(from_person=r.aw, to_person=r.em, user=r.admin)
    assert client.get(poster).content.decode().count("(ej bekräftad)") == 5


def test_the_person_page_confirms_own_assignments_only(told, client):
    r = told
    mine, url = r.assignments[0], reverse("registry:assignment_answer", args=[r.assignments[0].pk])
    client.force_login(r.aw.user)
    page = client.get(reverse("registry:person_detail", args=["A.W"])).content.decode()
    assert page.count("Ej bekräftat") == 5
    assert page.count('name="csrfmiddlewaretoken"') >= 5
    assert client.get(url).status_code == 405  # only a POST answers
    response = client.post(url, {"state": "confirmed"})
    assert response.status_code == 302
    assert AssignmentConfirmation.objects.get().assignment == mine
    # Someone else's assignment, even one the user may see: not found.
    client.force_login(r.em.user)
    other = reverse("registry:assignment_answer", args=[r.assignments[1].pk])
    assert client.post(other, {"state": "confirmed"}).status_code == 404
    client.force_login(r.rektor.user)
    assert client.post(other, {"state": "confirmed"}).status_code == 404
    # A.W's page seen by the rektor: the state, no form.
    page = client.get(reverse("registry:person_detail", args=["A.W"])).content.decode()
    assert page.count("Ej bekräftat") == 4
    assert "csrfmiddlewaretoken" not in page.split("<main")[1]


def test_a_decline_needs_a_comment_and_reaches_the_rektor_only(
    told, client, mailoutbox, django_capture_on_commit_callbacks
):
    r = told
    mailoutbox.clear()
    url = reverse("registry:assignment_answer", args=[r.assignments[0].pk])
    client.force_login(r.aw.user)
    client.post(url, {"state": "declined", "comment": "  "})
    assert AssignmentConfirmation.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"state": "declined", "comment": "Jag har slutat med skrivare."})
    assert AssignmentConfirmation.objects.get().state == "declined"
    (message,) = mailoutbox
    assert message.to == ["rh@hem.example"]
    assert "A.W avböjer ansvar för Skrivare 1" == message.subject
    assert "Jag har slutat med skrivare." in message.body
    assert "Enhet: Hemskolan" in message.body


def test_the_rektor_sees_declined_and_unconfirmed_and_another_rektor_sees_none(told, client):
    r = told
    client.force_login(r.aw.user)
    client.post(
        reverse("registry:assignment_answer", args=[r.assignments[0].pk]),
        {"state": "declined", "comment": "Jag har slutat med skrivare."},
    )
    client.force_login(r.rektor.user)
    unit_page = client.get(reverse("registry:unit_detail", args=["hemskolan"])).content.decode()
    assert "Jag har slutat med skrivare." in unit_page
    assert "4 ansvar är inte bekräftade" in unit_page
    poster = client.get(reverse("registry:blueprint") + "?unit=hemskolan").content.decode()
    assert poster.count("(avböjd)") == 1 and poster.count("(ej bekräftad)") == 4
    client.force_login(r.other_rektor.user)
    assert client.get(reverse("registry:unit_detail", args=["hemskolan"])).status_code == 404
    own_page = client.get(reverse("registry:unit_detail", args=["grannskolan"])).content.decode()
    assert "Jag har slutat med skrivare." not in own_page
    assert "Alla på enheten har bekräftat sitt ansvar." in own_page  # nothing of Hemskolan's
    poster = client.get(reverse("registry:blueprint") + "?unit=hemskolan").content.decode()
    assert "A.W" not in poster and "avböjd" not in poster and "ej bekräftad" not in poster


def test_a_confirmation_removes_the_chips_mark_at_once(told, client):
    r = told
    client.force_login(r.rektor.user)
    poster = reverse("registry:blueprint") + "?unit=hemskolan"
    assert client.get(poster).content.decode().count("(ej bekräftad)") == 5  # cached now
    client.force_login(r.aw.user)
    for assignment in r.assignments:
        client.post(
            reverse("registry:assignment_answer", args=[assignment.pk]), {"state": "confirmed"}
        )
    client.force_login(r.rektor.user)
    assert "(ej bekräftad)" not in client.get(poster).content.decode()


def test_a_collective_role_is_not_confirmed_and_an_individual_one_by_its_holder(register, client):
    from organisation.models import Position
    from registry.models import Assignment
    from tests.factories import AppointmentFactory, PositionFactory

    r = register
    Assignment.objects.create(item=r.items[0], unit=r.unit, role=r.collective)
    position = PositionFactory(code=Position.Code.IT_MENTOR, name="IT-handledare")
    r.role.position = position
    r.role.save()
    AppointmentFactory(person=r.aw, position=position, unit=r.unit)
    role_only = Assignment.objects.create(item=r.items[1], unit=r.unit, role=r.role)
    client.force_login(r.aw.user)
    poster = reverse("registry:blueprint") + "?unit=hemskolan"
    # E.M's five, and the ITS row A.W holds; the LÄR row has no mark.
    assert client.get(poster).content.decode().count("(ej bekräftad)") == 6
    page = client.get(reverse("registry:person_detail", args=["A.W"])).content.decode()
    assert "Ansvar genom dina roller" in page and "kollektiv roll" in page
    client.post(reverse("registry:assignment_answer", args=[role_only.pk]), {"state": "confirmed"})
    assert AssignmentConfirmation.objects.get().assignment == role_only
    assert client.get(poster).content.decode().count("(ej bekräftad)") == 5
    # E.M holds no ITS position: the role-only row is not theirs to answer.
    client.force_login(r.em.user)
    url = reverse("registry:assignment_answer", args=[role_only.pk])
    assert client.post(url, {"state": "confirmed"}).status_code == 404


def test_the_reviews_checklist_lists_unconfirmed_and_declined_before_sign_off(told, client):
    from types import SimpleNamespace

    from review.queries import unit_checklist

    r = told
    client.force_login(r.aw.user)
    client.post(
        reverse("registry:assignment_answer", args=[r.assignments[0].pk]),
        {"state": "declined", "comment": "Jag har slutat med skrivare."},
    )
    client.post(
        reverse("registry:assignment_answer", args=[r.assignments[1].pk]), {"state": "confirmed"}
    )
    checklist = unit_checklist(SimpleNamespace(unit=r.unit, pk=None))
    assert [row.item.name for row, _answer in checklist.confirmations.declined] == ["Skrivare 1"]
    assert checklist.confirmations.declined[0][1].comment == "Jag har slutat med skrivare."
    assert [row.item.name for row in checklist.confirmations.unconfirmed] == [
        "Skrivare 3",
        "Skrivare 4",
        "Skrivare 5",
    ]
    other = unit_checklist(SimpleNamespace(unit=r.other_unit, pk=None))
    assert other.confirmations.count == 0
