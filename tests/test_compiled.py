"""digiansvar.compiled: a queryset compiled once per shape reads, with other ids, what the
queryset itself reads, and refuses a queryset that does not take its ids as parameters."""

import pytest
from django.db import connection

from digiansvar import compiled
from organisation.models import Person
from organisation.queries import people_by_ids
from tests import factories

pytestmark = pytest.mark.django_db


def initials_of(ids):
    sql, params = compiled.statement(
        "test-initials",
        lambda ids: Person.objects.filter(pk__in=ids).values_list("initials", flat=True),
        ids=ids,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def test_a_statement_compiled_once_reads_what_its_queryset_reads_with_other_ids():
    compiled.kept_clear()
    people = [factories.PersonFactory(initials=initials) for initials in ("A.A", "B.B", "C.C")]
    a, b, c = (person.pk for person in people)
    # The first call compiles for stand-ins; the later ones of the same shape reuse it.
    assert initials_of([a, b]) == ["A.A", "B.B"]
    assert initials_of([b, c]) == ["B.B", "C.C"]
    assert initials_of([c, a]) == ["A.A", "C.C"]
    # Another number of ids is another shape, compiled in its turn.
    assert initials_of([a, b, c]) == ["A.A", "B.B", "C.C"]
    assert initials_of([c]) == ["C.C"]
    assert len([key for key in compiled._kept if key[1] == "test-initials"]) == 3


def test_people_by_ids_are_whole_people_in_initials_order():
    people = [factories.PersonFactory(initials=initials) for initials in ("Z.Z", "M.M")]
    found = people_by_ids([person.pk for person in people])
    assert [person.initials for person in found] == ["M.M", "Z.Z"]
    assert found == list(Person.objects.filter(pk__in=[person.pk for person in people]))
    assert [person.name for person in found] == [people[1].name, people[0].name]
    assert people_by_ids([]) == []


def test_a_queryset_that_does_not_take_its_ids_as_parameters_is_refused():
    compiled.kept_clear()
    with pytest.raises(RuntimeError, match="does not hold every id"):
        compiled.statement("test-ignores", lambda pk: Person.objects.all(), pk=1)
