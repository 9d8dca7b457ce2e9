"""Who confirmed or declined what, when: the item and person pages' "Bekräftelser", scoped like
the answers themselves, at a fixed number of queries (issue 23)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.services import assignment_reassign

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(started, client):
    """A.W was given E.M's five items, confirmed Skrivare 2 and declined Skrivare 1 on the
    person page."""
    r = started
    assignment_reassign(from_person=r.em, to_person=r.aw, user=r.admin)
    client.force_login(r.aw.user)
    answer = "registry:assignment_answer"
    client.post(reverse(answer, args=[r.assignments[1].pk]), {"state": "confirmed"})
    client.post(
        reverse(answer, args=[r.assignments[0].pk]),
        {"state": "declined", "comment": "Jag har slutat med skrivare."},
    )
    return r


def section(response):
    html = response.content.decode()
    assert response.status_code == 200
    return html[html.index('id="answer-history-heading"') :].split("</section>")[0]


def test_the_item_and_person_pages_show_who_answered_what_and_when(answered, client):
    r = answered
    client.force_login(r.rektor.user)
    item = section(client.get(reverse("registry:item_detail", args=[r.items[0].pk])))
    assert "Avböjd" in item and "Jag har slutat med skrivare." in item
    assert "A.W</a> Anders Wik" in item and "Hemskolan" in item and "(ITS)" in item
    assert "<td>aw</td>" in item  # recorded by A.W's own user
    assert "Bekräftad" not in item  # Skrivare 2's answer is on its own page
    person = section(client.get(reverse("registry:person_detail", args=["A.W"])))
    # Newest first: the decline, then the confirmation.
    assert person.index("Avböjd") < person.index("Bekräftad")
    assert "Skrivare 1" in person and "Skrivare 2" in person


def test_a_withdrawn_answer_shows_as_removed(answered, client):
    r = answered
    # Taking an answer back (deleting it) is recorded too, newest first.
    r.assignments[1].confirmations.get().delete()
    client.force_login(r.rektor.user)
    item = section(client.get(reverse("registry:item_detail", args=[r.items[1].pk])))
    assert item.index("Borttagen") < item.index("Bekräftad")


def test_a_user_of_another_unit_sees_none_of_it(answered, client):
    r = answered
    client.force_login(r.other_rektor.user)
    item = section(client.get(reverse("registry:item_detail", args=[r.items[0].pk])))
    assert "Inga svar än." in item and "A.W" not in item and "skrivare." not in item
    own = section(client.get(reverse("registry:person_detail", args=["R.G"])))
    assert "Inga svar än." in own
    assert client.get(reverse("registry:person_detail", args=["A.W"])).status_code == 404


def test_the_pages_cost_the_same_queries_for_few_and_many_answers(answered, client):
    r = answered
    client.force_login(r.rektor.user)
    urls = [
        reverse("registry:item_detail", args=[r.items[0].pk]),
        reverse("registry:person_detail", args=["A.W"]),
    ]

    def counts():
        found = []
        for url in urls:
            client.get(url)  # the session's chosen unit, Django's caches
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    few = counts()
    client.force_login(r.aw.user)
    for assignment in r.assignments[2:]:
        client.post(
            reverse("registry:assignment_answer", args=[assignment.pk]),
            {"state": "declined", "comment": "Inte min uppgift."},
        )
    for assignment in r.assignments:
        client.post(
            reverse("registry:assignment_answer", args=[assignment.pk]), {"state": "confirmed"}
        )
    client.force_login(r.rektor.user)
    many = counts()
    assert section(client.get(urls[1])).count("<tr>") == 1 + 2 + 3 + 5
    assert many == few == [ITEM_PAGE_QUERIES, PERSON_PAGE_QUERIES]


# A rektor of one unit; "Bekräftelser" is one query of each (tests/registry/test_people.py pins
# the person page for readers of many units).
ITEM_PAGE_QUERIES = 11
PERSON_PAGE_QUERIES = 12
