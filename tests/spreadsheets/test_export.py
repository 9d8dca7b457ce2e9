import io

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


def test_export_of_many_units_reads_them_a_chunk_at_a_time(monkeypatch):
    # An export of 10,000 units must not hold every row: the rows come from a
    # generator that reads the assignments of UNIT_CHUNK units at a time,
    # only when the previous chunk's rows have been taken.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registry import resources
    from registry.models import Assignment

    monkeypatch.setattr(resources, "UNIT_CHUNK", 2)
    units = [UnitFactory() for _ in range(5)]
    role = RoleFactory()
    item = ItemFactory()
    for unit in units:
        AssignmentFactory(item=item, unit=unit, role=role)
    table = Assignment._meta.db_table

    def assignment_reads(queries):
        return sum(f'FROM "{table}"' in query["sql"] for query in queries.captured_queries)

    with CaptureQueriesContext(connection) as queries:
        units_by_slug = Unit.objects.order_by("slug")
        rows = resources.blueprint_rows(units=units_by_slug, items=Item.objects.all())
        first = next(rows)
        assert assignment_reads(queries) == 1
        rest = list(rows)
        assert assignment_reads(queries) == 3  # 2 + 2 + 1 units
    assert [first[0], *(row[0] for row in rest)] == sorted(unit.slug for unit in units)
    assert all(row[4] == role.code for row in [first, *rest])


def test_export_command_streams_xlsx_with_a_write_only_workbook(tmp_path, monkeypatch):
    import openpyxl
    from django.core.management import call_command

    made = []
    real = openpyxl.Workbook

    def spy(*args, **kwargs):
        made.append(kwargs.get("write_only"))
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "Workbook", spy)
    unit = UnitFactory(slug="norr")
    AssignmentFactory(item=ItemFactory(name="Wifi"), unit=unit, role=RoleFactory(code="ITS"))
    target = tmp_path / "alla.xlsx"
    call_command("export_blueprint", "-o", str(target), stderr=io.StringIO())
    assert made == [True]
    rows = list(openpyxl.load_workbook(target).active.values)
    assert rows[0] == tuple(HEADERS)
    assert (rows[1][0], rows[1][3], rows[1][4]) == ("norr", "Wifi", "ITS")
