import pytest

from organisation.models import Unit
from registry.models import Assignment, Item
from registry.resources import HEADERS, blueprint_dataset, dataset_to_bytes, escape_cell
from registry.services import SEED_BLUEPRINT
from tests.factories import (
    AssignmentFactory,
    ItemFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def test_seed_exports_exactly_as_its_file(seed):
    dataset = blueprint_dataset(units=Unit.objects.all(), items=Item.objects.all())
    assert dataset.headers == HEADERS
    assert dataset_to_bytes(dataset, "csv") == SEED_BLUEPRINT.read_bytes()


def test_row_holds_all_responsible_at_the_unit_in_poster_notation(seed):
    unit = Unit.objects.get(slug="arstaviken")
    items = Item.objects.filter(name="Budget")
    dataset = blueprint_dataset(units=[unit], items=items)
    assert dataset.dict == [
        {
            "Enhet": "arstaviken",
            "Område": "ADMINISTRATION",
            "Kolumn": "Administration",
            "Ansvarsområde": "Budget",
            "Ansvariga": "V.G ADM; K.E REK",
            "Beskrivning": "",
            "Sökord": "budget, pengar, ekonomi, kostnad, budgetering",
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

    dataset = blueprint_dataset(units=[unit, other], items=Item.objects.all())
    assert [(row[0], row[4]) for row in dataset] == [
        ("", "Resp chef"),
        ("norr", "ITS; R.A (ersättare)"),
        ("syd", ""),
    ]
    without = blueprint_dataset(units=[unit], items=Item.objects.all(), organisation_wide=False)
    assert [row[0] for row in without] == ["norr"]


def test_only_the_given_units_and_items_are_exported(seed):
    other = UnitFactory(slug="annan", organisation=Unit.objects.get().organisation)
    AssignmentFactory(item=Item.objects.get(name="Budget"), unit=other, role=RoleFactory())
    dataset = blueprint_dataset(
        units=Unit.objects.filter(slug="arstaviken"), items=Item.objects.filter(group="BER")
    )
    assert {row[0] for row in dataset} == {"arstaviken"}
    assert {row[3].partition(" | ")[0] for row in dataset} == {"BER"}


@pytest.mark.parametrize("text", ["=1+2", "+46 8 123", "-x", "@SUM(A1)", "\t=1"])
def test_cells_that_look_like_formulas_are_exported_as_text(text):
    item = ItemFactory(name=text, description=text)
    unit = UnitFactory()
    row = blueprint_dataset(units=[unit], items=Item.objects.filter(pk=item.pk))[0]
    assert row[3] == "'" + text
    assert row[5] == "'" + text
    assert escape_cell("Budget") == "Budget"


def test_export_uses_a_constant_number_of_queries(django_assert_num_queries):
    units = [UnitFactory() for _ in range(3)]
    role = RoleFactory()
    for _ in range(30):
        item = ItemFactory()
        for unit in units:
            AssignmentFactory(item=item, unit=unit, role=role)
    with django_assert_num_queries(3):
        small = blueprint_dataset(units=Unit.objects.all()[:1], items=Item.objects.all()[:1])
    with django_assert_num_queries(3):
        large = blueprint_dataset(units=Unit.objects.all(), items=Item.objects.all())
    assert (len(small), len(large)) == (1, 90)


def test_organisation_wide_rows_leave_out_people_of_other_huvudman():
    item = ItemFactory(name="Wifi")
    unit = UnitFactory(slug="norr")
    stranger = PersonFactory(initials="X.Y", organisation=OrganisationFactory(slug="annan"))
    AssignmentFactory(item=item, unit=None, role=None, person=stranger)
    AssignmentFactory(item=item, unit=None, role=RoleFactory(code="LÄR"))
    colleague = PersonFactory(initials="K.O", organisation=unit.organisation)
    AssignmentFactory(item=item, unit=None, role=None, person=colleague)
    dataset = blueprint_dataset(units=[unit], items=Item.objects.all())
    assert [(row[0], row[4]) for row in dataset] == [("", "LÄR; K.O"), ("norr", "")]
    assert blueprint_dataset(units=[], items=Item.objects.all()).dict == []
