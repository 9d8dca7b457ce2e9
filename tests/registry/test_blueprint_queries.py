"""The reads behind the blueprint pages: scope, filters and the matrix grouping."""

import pytest

from registry import matrix as matrix_module
from registry.blueprint.queries import (
    blueprint_matrix,
    items_among,
    items_matching,
    unit_responsible,
)
from registry.matrix import grid_rows, rendered_chips_clear
from registry.models import Assignment, Item, Role
from registry.queries import assignments_at, people_visible_at
from tests.factories import (
    AppointmentFactory,
    AreaFactory,
    AssignmentFactory,
    ColumnFactory,
    ItemFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    organisation = OrganisationFactory()
    unit = UnitFactory(organisation=organisation, slug="norra")
    other = UnitFactory(organisation=organisation, slug="sodra")
    its = RoleFactory(code="ITS", name="IT-samordnare", order=0)
    teacher = RoleFactory(code="LÄR", name="Lärare", order=13)
    area1 = AreaFactory(slug="hygien", name="HYGIEN", order=0)
    area2 = AreaFactory(slug="pedagogik", name="PEDAGOGIK", order=1)
    col1 = ColumnFactory(area=area1, name="Infrastruktur", order=0)
    col2 = ColumnFactory(area=area2, name="Undervisning", order=0)
    col3 = ColumnFactory(area=area2, name="Elevens vardag", order=1)
    wifi = ItemFactory(column=col1, name="WiFi / Nätverk", order=0)
    printer = ItemFactory(column=col1, name="Skrivare", order=1)
    teams = ItemFactory(column=col2, name="Teams", order=0)
    grading = ItemFactory(
        column=col3, name="Skolplattform | Betyg", description="Omdömen och betyg", order=0
    )
    anna = PersonFactory(organisation=organisation, initials="A.W", name="Anna W")
    bo = PersonFactory(organisation=organisation, initials="B.O", name="Bo O")
    AssignmentFactory(item=wifi, unit=unit, role=its, person=anna)
    AssignmentFactory(item=printer, unit=unit, role=its, person=None)
    AssignmentFactory(item=printer, unit=unit, role=None, person=bo, order=1)
    AssignmentFactory(item=teams, unit=other, role=its, person=bo)
    AssignmentFactory(item=grading, unit=None, role=teacher, person=None)
    return locals()


def test_assignments_at_a_unit_include_organisation_wide_ones_only(data):
    rows = set(assignments_at([data["unit"]]).values_list("item__name", "unit__slug"))
    assert rows == {
        ("WiFi / Nätverk", "norra"),
        ("Skrivare", "norra"),
        ("Skolplattform | Betyg", None),
    }


def test_organisation_wide_person_of_another_huvudman_is_left_out(data):
    stranger = PersonFactory(organisation=OrganisationFactory(slug="x", name="X"), initials="Z")
    AssignmentFactory(item=data["wifi"], unit=None, role=None, person=stranger)
    assert not assignments_at([data["unit"]]).filter(person=stranger).exists()


def test_people_visible_are_those_responsible_or_appointed_at_the_units(data):
    appointed = AppointmentFactory(
        person=PersonFactory(organisation=data["organisation"], initials="H.A"),
        unit=data["unit"],
    ).person
    elsewhere = AppointmentFactory(
        person=PersonFactory(organisation=data["organisation"], initials="E.L"),
        unit=data["other"],
    ).person
    visible = set(people_visible_at([data["unit"]]))
    assert {data["anna"], data["bo"], appointed} <= visible
    assert elsewhere not in visible


def names(items):
    return [item.name for item in items]


def test_role_and_person_together_mean_one_assignment_with_both(data):
    unit = data["unit"]
    assert names(items_matching(unit=unit, role=data["its"], person=data["anna"])) == [
        "WiFi / Nätverk"
    ]
    # Bo is responsible for Skrivare, but without the role ITS.
    assert names(items_matching(unit=unit, role=data["its"], person=data["bo"])) == []
    assert names(items_matching(unit=unit, person=data["bo"])) == ["Skrivare"]
    # Bo's Teams is at the other unit.
    assert "Teams" not in names(items_matching(unit=unit, person=data["bo"]))


def test_text_search_covers_name_group_and_description(data):
    unit = data["unit"]
    assert names(items_matching(unit=unit, text="wifi")) == ["WiFi / Nätverk"]
    assert names(items_matching(unit=unit, text="skolplattform")) == ["Skolplattform | Betyg"]
    assert names(items_matching(unit=unit, text="omdömen")) == ["Skolplattform | Betyg"]


@pytest.mark.parametrize(
    "criteria",
    [
        {},
        {"areas": ["area2"]},
        {"role": "its"},
        {"person": "bo"},
        {"role": "its", "person": "bo"},
        {"role": "its", "person": "anna"},
        {"role": "teacher"},
        {"text": "betyg"},
        {"text": "skrivare", "role": "its"},
        {"areas": ["area1"], "person": "bo"},
    ],
)
def test_the_filters_match_the_same_items_with_and_without_a_query(data, criteria):
    # The page filters the kept catalogue and the unit's entries (items_among); the export
    # asks the database (items_matching): one set of rules.
    unit = data["unit"]
    given = {
        name: [data[area] for area in value] if name == "areas" else data.get(value, value)
        for name, value in criteria.items()
    }
    items = list(Item.objects.select_related("column__area"))
    entries = responsible_at(unit).entries
    among = items_among(items=items, entries=entries, **given)
    assert names(among) == names(items_matching(unit=unit, **given))


def test_areas_filter_keeps_poster_order(data):
    unit = data["unit"]
    area2 = data["area2"]
    assert names(items_matching(unit=unit, areas=[area2])) == ["Teams", "Skolplattform | Betyg"]
    assert len(items_matching(unit=unit, areas=[data["area1"], area2])) == 4


def responsible_at(unit):
    return unit_responsible(unit=unit, roles={role.pk: role for role in Role.objects.all()})


def matrix_at(unit):
    return blueprint_matrix(
        unit=unit, items=items_matching(unit=unit), responsible=responsible_at(unit)
    )


def test_matrix_groups_items_by_area_and_column_with_chips(data, django_assert_num_queries):
    roles = {role.pk: role for role in Role.objects.all()}
    # The unit's entries as rows, then the people they name.
    with django_assert_num_queries(2):
        responsible = unit_responsible(unit=data["unit"], roles=roles)
    assert [person.initials for person in responsible.people] == ["A.W", "B.O"]
    assert [role.code for role in responsible.roles] == ["ITS", "LÄR"]
    # The items, and who holds the roles named without a person.
    with django_assert_num_queries(2):
        matrix = blueprint_matrix(
            unit=data["unit"], items=items_matching(unit=data["unit"]), responsible=responsible
        )
        structure = [
            (
                block.area.name,
                [(col.column.name, names(r.item for r in col.rows)) for col in block.columns],
            )
            for block in matrix.areas
        ]
        chips = {row.item.name: [chip.label for chip in row.chips] for row in matrix.rows}
    assert structure == [
        ("HYGIEN", [("Infrastruktur", ["WiFi / Nätverk", "Skrivare"])]),
        (
            "PEDAGOGIK",
            [("Undervisning", ["Teams"]), ("Elevens vardag", ["Skolplattform | Betyg"])],
        ),
    ]
    assert chips == {
        "WiFi / Nätverk": ["A.W · ITS"],
        "Skrivare": ["ITS", "B.O"],
        "Teams": [],  # Bo's Teams is the other unit's
        "Skolplattform | Betyg": ["LÄR"],
    }
    assert matrix.count == 4
    assert [role.code for role in matrix.roles] == ["ITS", "LÄR"]
    assert matrix.has_person_only


def test_chip_describes_name_and_role_and_links_where_it_should(data):
    matrix = matrix_at(data["unit"])
    wifi, printer = matrix.areas[0].columns[0].rows
    chip = wifi.chips[0]
    assert chip.description == "Anna W, IT-samordnare"
    assert chip.url == "/person/A.W/"
    role_only, person_only = printer.chips
    assert role_only.url == "/roll/ITS/" and role_only.colour == 0
    assert person_only.colour is None and person_only.description == "Bo O"
    # An unmarked item of HYGIEN is a technical matter; of another area, none.
    assert wifi.support_kind == "teknik" and not matrix.areas[1].columns[0].rows[0].support_kind


def test_deputy_chip(data):
    Assignment.objects.filter(item=data["wifi"]).update(priority=Assignment.Priority.DEPUTY)
    matrix = matrix_at(data["unit"])
    assert matrix.rows[0].chips[0].deputy


def test_grid_rows_have_one_cell_per_role_plus_one_without_role(data):
    matrix = matrix_at(data["unit"])
    areas = grid_rows(matrix)
    assert matrix.grid_width == 4  # item + ITS + LÄR + no role
    (_hygien, rows), _pedagogik = areas
    printer_row, cells = rows[1]
    assert printer_row.item.name == "Skrivare"
    assert [[chip.label for chip in cell] for cell in cells] == [["ITS"], [], ["B.O"]]


def test_a_chips_face_is_kept_for_what_it_is_made_of(data, monkeypatch):
    """Worked out once a process for a person, role and priority as they are; a change to any
    of them is a new face, in the same process."""
    rendered_chips_clear()
    made = []
    original = matrix_module._chip_face_made
    monkeypatch.setattr(
        matrix_module,
        "_chip_face_made",
        lambda *args: made.append(args[:3]) or original(*args),
    )
    first = matrix_at(data["unit"])
    assert made and len(made) == len({(p and p.pk, r and r.pk, d) for p, r, d in made})
    made.clear()
    again = matrix_at(data["unit"])
    assert made == []
    assert [c.description for c in again.rows[0].chips] == [
        c.description for c in first.rows[0].chips
    ]
    data["anna"].name, data["anna"].title = "Anna Westberg", "Rektor"
    data["anna"].save()
    assert matrix_at(data["unit"]).rows[0].chips[0].description == (
        "Anna Westberg, Rektor, IT-samordnare"
    )
    Role.objects.filter(code="ITS").update(name="IT-stöd")
    assert matrix_at(data["unit"]).rows[0].chips[0].description == (
        "Anna Westberg, Rektor, IT-stöd"
    )
