import csv
import io

import pytest

from digiansvar.spreadsheets.writer import spreadsheet_bytes
from organisation.models import Unit
from registry.blueprint_file.format import HEADERS, blueprint_rows
from registry.models import Assignment, Item
from registry.seed.load import SEED_BLUEPRINT
from tests.factories import (
    AssignmentFactory,
    ItemFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def as_dicts(rows):
    return [dict(zip(HEADERS, row, strict=True)) for row in rows]


def test_seed_exports_exactly_as_its_file(seed):
    rows = blueprint_rows(units=Unit.objects.all(), items=Item.objects.all())
    content = spreadsheet_bytes(rows, headers=HEADERS, file_format="csv", bom=False)
    assert content == SEED_BLUEPRINT.read_bytes()


def test_row_holds_all_responsible_at_the_unit_in_poster_notation(seed):
    unit = Unit.objects.get(slug="arstaviken")
    items = Item.objects.filter(name="Budget")
    assert as_dicts(blueprint_rows(units=[unit], items=items)) == [
        {
            "Enhet": "arstaviken",
            "Område": "ADMINISTRATION",
            "Kolumn": "Administration",
            "Ansvarsområde": "Budget",
            "Ansvariga": "V.G ADM; K.E REK",
            "Beskrivning": "",
            "Sökord": "budget, pengar, ekonomi, kostnad, budgetering",
            "Kräver ersättare": "",
            "Lokalt stöd för": "",
            "Enhetsnamn": "Årstaviken",
        }
    ]


def test_deputy_and_organisation_wide_rows():
    item = ItemFactory(name="Wifi")
    unit = UnitFactory(slug="norr")
    its = RoleFactory(code="ITS")
    AssignmentFactory(item=item, unit=unit, role=its, order=0)
    AssignmentFactory(
        item=item,
        unit=unit,
        role=None,
        person=PersonFactory(initials="R.A"),
        priority=Assignment.Priority.DEPUTY,
        order=1,
    )
    AssignmentFactory(item=item, unit=None, role=RoleFactory(code="Resp chef"))
    # Not in the notation: kind A is left out.
    AssignmentFactory(item=item, unit=unit, role=its, kind=Assignment.Kind.ACCOUNTABLE)
    other = UnitFactory(slug="syd")

    rows = blueprint_rows(units=[unit, other], items=Item.objects.all())
    assert [(row[0], row[4]) for row in rows] == [
        ("", "Resp chef"),
        ("norr", "ITS; R.A (ersättare)"),
        ("syd", ""),
    ]
    without = blueprint_rows(units=[unit], items=Item.objects.all(), organisation_wide=False)
    assert [row[0] for row in without] == ["norr"]


def test_only_the_given_units_and_items_are_exported(seed):
    other = UnitFactory(slug="annan", organisation=Unit.objects.get().organisation)
    AssignmentFactory(item=Item.objects.get(name="Budget"), unit=other, role=RoleFactory())
    rows = list(
        blueprint_rows(
            units=Unit.objects.filter(slug="arstaviken"), items=Item.objects.filter(group="BER")
        )
    )
    assert {row[0] for row in rows} == {"arstaviken"}
    assert {row[3].partition(" | ")[0] for row in rows} == {"BER"}


@pytest.mark.parametrize("text", ["=1+2", "+46 8 123", "-x", "@SUM(A1)", "\t=1"])
def test_cells_that_look_like_formulas_are_exported_as_text(text):
    item = ItemFactory(name=text, description=text)
    unit = UnitFactory()
    rows = blueprint_rows(units=[unit], items=Item.objects.filter(pk=item.pk))
    content = spreadsheet_bytes(rows, headers=HEADERS, file_format="csv").decode()
    [row] = csv.reader(io.StringIO(content.splitlines()[1]), delimiter=";")
    assert row[3] == row[5] == "'" + text


def test_export_uses_a_constant_number_of_queries(django_assert_num_queries):
    units = [UnitFactory() for _ in range(3)]
    role = RoleFactory()
    for _ in range(30):
        item = ItemFactory()
        for unit in units:
            AssignmentFactory(item=item, unit=unit, role=role)
    with django_assert_num_queries(3):
        small = list(blueprint_rows(units=Unit.objects.all()[:1], items=Item.objects.all()[:1]))
    with django_assert_num_queries(3):
        large = list(blueprint_rows(units=Unit.objects.all(), items=Item.objects.all()))
    assert (len(small), len(large)) == (1, 90)


def test_organisation_wide_rows_leave_out_people_of_other_huvudman():
    item = ItemFactory(name="Wifi")
    unit = UnitFactory(slug="norr")
    stranger = PersonFactory(initials="X.Y", organisation=OrganisationFactory(slug="annan"))
    AssignmentFactory(item=item, unit=None, role=None, person=stranger)
    AssignmentFactory(item=item, unit=None, role=RoleFactory(code="LÄR"))
    colleague = PersonFactory(initials="K.O", organisation=unit.organisation)
    AssignmentFactory(item=item, unit=None, role=None, person=colleague)
    rows = blueprint_rows(units=[unit], items=Item.objects.all())
    assert [(row[0], row[4]) for row in rows] == [("", "LÄR; K.O"), ("norr", "")]
    assert list(blueprint_rows(units=[], items=Item.objects.all())) == []


def test_rows_come_batch_by_batch_of_units(monkeypatch, django_assert_num_queries):
    import registry.blueprint_file.format

    monkeypatch.setattr(registry.blueprint_file.format, "UNITS_PER_QUERY", 2)
    units = [UnitFactory() for _ in range(5)]
    item = ItemFactory()
    for unit in units:
        AssignmentFactory(item=item, unit=unit, role=RoleFactory())
    rows = blueprint_rows(units=Unit.objects.all(), items=Item.objects.all())
    # units, items, and the first batch's assignments: later batches are not read yet.
    with django_assert_num_queries(3):
        first = next(rows)
    with django_assert_num_queries(2):
        rest = list(rows)
    assert [first[0], *(row[0] for row in rest)] == [u.slug for u in Unit.objects.all()]
    assert all(row[4] for row in [first, *rest])
