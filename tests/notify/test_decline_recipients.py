"""Who hears of a decline: the unit's rektor, else the huvudman's utbildningschef; and the
decliner is told who that was, or that nobody could be told (issue 23)."""

import pytest
from django.urls import reverse

from organisation.models import Appointment, Position
from registry.services import assignment_reassign
from tests.factories import AppointmentFactory, PersonFactory, PositionFactory

pytestmark = pytest.mark.django_db

COMMENT = "Jag har slutat med skrivare."


@pytest.fixture
def given(started, mailoutbox):
    """A.W was given E.M's five items."""
    assignment_reassign(from_person=started.em, to_person=started.aw, user=started.admin)
    mailoutbox.clear()
    return started


def decline(client, r, capture):
    client.force_login(r.aw.user)
    url = reverse("registry:assignment_answer", args=[r.assignments[0].pk])
    with capture(execute=True):
        page = client.post(url, {"state": "declined", "comment": COMMENT}, follow=True)
    assert page.status_code == 200
    return page.content.decode()


def test_the_decliner_is_told_it_went_to_the_rektor(
    given, client, mailoutbox, django_capture_on_commit_callbacks
):
    page = decline(client, given, django_capture_on_commit_callbacks)
    assert "Ditt svar skickas med e-post till R.H – Rut Hemrektor." in page
    (message,) = mailoutbox
    assert message.to == ["rh@hem.example"] and COMMENT in message.body


def test_without_a_rektor_the_utbildningschef_is_told(
    given, client, mailoutbox, django_capture_on_commit_callbacks
):
    r = given
    Appointment.objects.filter(person=r.rektor).delete()
    chief = PersonFactory(
        organisation=r.organisation, initials="U.C", name="Ulla Chef", email="uc@hem.example"
    )
    head = PositionFactory(code=Position.Code.HEAD_OF_EDUCATION, name="Utbildningschef")
    AppointmentFactory(person=chief, position=head, unit=None)
    # Another huvudman's utbildningschef hears nothing.
    AppointmentFactory(person=PersonFactory(email="annan@example.org"), position=head, unit=None)
    page = decline(client, r, django_capture_on_commit_callbacks)
    assert "Ditt svar skickas med e-post till U.C – Ulla Chef." in page
    (message,) = mailoutbox
    assert message.to == ["uc@hem.example"]
    assert "Enhet: Hemskolan" in message.body


def test_when_nobody_can_be_told_the_decliner_is_warned(
    given, client, mailoutbox, django_capture_on_commit_callbacks
):
    r = given
    r.rektor.email = ""  # appointed, but without an e-mail address
    r.rektor.save()
    page = decline(client, r, django_capture_on_commit_callbacks)
    assert "ingen får ditt svar med e-post" in page
    assert "skickas med e-post till" not in page
    assert mailoutbox == []
    assert r.assignments[0].confirmations.get().comment == COMMENT  # still recorded
