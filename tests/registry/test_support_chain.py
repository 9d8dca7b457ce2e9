import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from organisation.models import (
    Appointment,
    Person,
    Position,
    ProblemKind,
    ServiceAgreement,
    Unit,
)
from registry.models import Assignment, Item, Role
from registry.support.chain import (
    STEP_DEVELOPER,
    STEP_FIRST_LINE,
    STEP_IT_MENTOR,
    STEP_IT_UNIT,
    STEP_PEDAGOGUE,
    STEP_SUPPLIER,
    support_chain,
)
from tests.factories import (
    AppointmentFactory,
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def positions():
    codes = {
        Position.Code.PRINCIPAL: Position.Level.UNIT,
        Position.Code.IT_MENTOR: Position.Level.UNIT,
        Position.Code.FIRST_LINE_CONTACT: Position.Level.UNIT,
        Position.Code.DEVELOPER: Position.Level.SHARED,
        Position.Code.DEVELOPER_MANAGER: Position.Level.SHARED,
    }
    return {
        code: PositionFactory(code=code, name=code, level=level) for code, level in codes.items()
    }


@pytest.fixture
def unit(positions):
    unit = UnitFactory(slug="norra", name="Norra skolan")
    AppointmentFactory(
        person=PersonFactory(initials="H.A", name="Hanna Ansvarig", email="hanna@example.org"),
        position=positions[Position.Code.FIRST_LINE_CONTACT],
        unit=unit,
    )
    AppointmentFactory(
        person=PersonFactory(initials="I.H", name="Ivar Handledare"),
        position=positions[Position.Code.IT_MENTOR],
        unit=unit,
    )
    AppointmentFactory(
        person=PersonFactory(initials="R.E", name="Rut Rektor"),
        position=positions[Position.Code.PRINCIPAL],
        unit=unit,
    )
    for initials, focus in [("V.T", "teknik"), ("V.P", "pedagogik"), ("V.S", "system")]:
        AppointmentFactory(
            person=PersonFactory(initials=initials, name=f"Utvecklare {focus}", phone="054-1"),
            position=positions[Position.Code.DEVELOPER],
            unit=None,
            focus=focus,
        )
    return unit


def names(step):
    return [person.name for person in step.people]


def test_technical_problem_goes_pedagogue_first_line_then_it_unit_by_default(unit):
    steps = support_chain(unit=unit, kind=ProblemKind.TECHNOLOGY)
    assert [step.kind for step in steps] == [STEP_PEDAGOGUE, STEP_FIRST_LINE, STEP_IT_UNIT]
    assert names(steps[1]) == ["Hanna Ansvarig"]
    assert steps[1].people[0].email == "hanna@example.org"
    assert steps[1].people[0].url == "/person/H.A/"


def test_pedagogical_problem_goes_to_it_mentor_then_developer_with_that_focus(unit):
    steps = support_chain(unit=unit, kind="pedagogik")
    assert [step.kind for step in steps] == [STEP_PEDAGOGUE, STEP_IT_MENTOR, STEP_DEVELOPER]
    assert names(steps[1]) == ["Ivar Handledare"]
    assert names(steps[2]) == ["Utvecklare pedagogik"]


def test_chain_follows_the_service_agreement(unit):
    ServiceAgreement.objects.create(
        organisation=unit.organisation,
        technology_handler=ServiceAgreement.Handler.DEVELOPER,
        systems_handler=ServiceAgreement.Handler.SUPPLIER,
        supplier_name="Skolsystem AB",
        supplier_phone="08-123 45",
    )
    technical = support_chain(unit=unit, kind=ProblemKind.TECHNOLOGY)
    assert [step.kind for step in technical] == [STEP_PEDAGOGUE, STEP_FIRST_LINE, STEP_DEVELOPER]
    assert names(technical[2]) == ["Utvecklare teknik"]

    system = support_chain(unit=unit, kind=ProblemKind.SYSTEMS)
    assert [step.kind for step in system] == [
        STEP_PEDAGOGUE,
        STEP_FIRST_LINE,
        STEP_DEVELOPER,
        STEP_SUPPLIER,
    ]
    assert names(system[2]) == ["Utvecklare system"]
    assert system[3].people[0].name == "Skolsystem AB"
    assert system[3].people[0].phone == "08-123 45"


def test_it_unit_contact_comes_from_the_agreement(unit):
    ServiceAgreement.objects.create(
        organisation=unit.organisation, it_unit_name="Kommunens IT", it_unit_email="it@example.org"
    )
    step = support_chain(unit=unit, kind=ProblemKind.TECHNOLOGY)[-1]
    assert step.label == "Kommunens IT"
    assert step.people[0].email == "it@example.org"


def test_unit_without_first_line_contact_points_to_the_principal(unit):
    Appointment.objects.filter(unit=unit, position__code=Position.Code.FIRST_LINE_CONTACT).delete()
    step = support_chain(unit=unit, kind=ProblemKind.TECHNOLOGY)[1]
    assert step.missing
    assert names(step) == ["Rut Rektor"]


def test_developers_of_another_organisation_are_not_in_the_chain(unit, positions):
    other = OrganisationFactory(slug="annan", name="Annan kommun")
    AppointmentFactory(
        person=PersonFactory(organisation=other, initials="X.P", name="Främling"),
        position=positions[Position.Code.DEVELOPER],
        unit=None,
        focus="pedagogik",
    )
    steps = support_chain(unit=unit, kind=ProblemKind.PEDAGOGY)
    assert names(steps[-1]) == ["Utvecklare pedagogik"]


def test_support_chain_uses_three_queries(unit, django_assert_num_queries):
    # The agreement, the appointments, the register's local support.
    with django_assert_num_queries(3):
        support_chain(unit=unit, kind=ProblemKind.SYSTEMS)


def test_without_a_developer_of_the_focus_the_chain_names_their_chef(unit, positions):
    Appointment.objects.filter(position__code=Position.Code.DEVELOPER, focus="pedagogik").delete()
    AppointmentFactory(
        person=PersonFactory(initials="C.V", name="Chef Utvecklare"),
        position=positions[Position.Code.DEVELOPER_MANAGER],
        unit=None,
    )
    step = support_chain(unit=unit, kind=ProblemKind.PEDAGOGY)[-1]
    assert step.missing
    assert names(step) == ["Chef Utvecklare"]
    assert "vänd dig till gruppens chef" in step.description


def test_without_developer_or_chef_the_chain_says_so_and_names_the_rektor(unit):
    Appointment.objects.filter(position__code=Position.Code.DEVELOPER, focus="pedagogik").delete()
    step = support_chain(unit=unit, kind=ProblemKind.PEDAGOGY)[-1]
    assert step.kind == STEP_DEVELOPER and step.missing
    assert "ingen chef för verksamhetsutvecklarna är utsedd" in step.description
    assert "gruppens chef" not in step.description
    assert "rektor" in step.description
    assert names(step) == ["Rut Rektor"]


def test_without_developer_or_chef_a_supplier_problem_goes_straight_to_the_supplier(unit):
    Appointment.objects.filter(position__code=Position.Code.DEVELOPER).delete()
    ServiceAgreement.objects.create(
        organisation=unit.organisation,
        systems_handler=ServiceAgreement.Handler.SUPPLIER,
        supplier_name="Skolsystem AB",
    )
    *_, developer, supplier = support_chain(unit=unit, kind=ProblemKind.SYSTEMS)
    assert developer.missing and developer.people == []
    assert "ingen chef för verksamhetsutvecklarna är utsedd" in developer.description
    assert "leverantören direkt" in developer.description
    assert supplier.kind == STEP_SUPPLIER and names(supplier) == ["Skolsystem AB"]


def test_agreement_that_sends_problems_to_the_supplier_must_name_it(unit):
    agreement = ServiceAgreement(
        organisation=unit.organisation, systems_handler=ServiceAgreement.Handler.SUPPLIER
    )
    with pytest.raises(ValidationError) as error:
        agreement.full_clean()
    assert "supplier_name" in error.value.message_dict
    agreement.supplier_name = "Skolsystem AB"
    agreement.full_clean()


# --- The first line from the register: the seed (issue 11) ------------------------


@pytest.fixture
def arstaviken(seed):
    return Unit.objects.get(slug="arstaviken")


def initials(contacts):
    return [contact.initials for contact in contacts]


def test_arstaviken_technical_chain_names_aw_who_has_support_lokalt(arstaviken):
    steps = support_chain(unit=arstaviken, kind=ProblemKind.TECHNOLOGY)
    assert [step.kind for step in steps] == [STEP_PEDAGOGUE, STEP_FIRST_LINE, STEP_IT_UNIT]
    first_line = steps[1]
    assert not first_line.missing and not first_line.disagree
    assert initials(first_line.people) == initials(first_line.register) == ["A.W"]
    assert first_line.sources == ["Support lokalt"]
    assert first_line.appointed == []
    assert first_line.people[0].url == "/person/A.W/"


def test_pedagogical_chain_names_ra_who_has_support_och_stod(arstaviken):
    first_line = support_chain(unit=arstaviken, kind=ProblemKind.PEDAGOGY)[1]
    assert first_line.kind == STEP_IT_MENTOR
    assert initials(first_line.people) == ["R.A"]
    assert first_line.sources == ["Support och stöd"]  # two items of that name, once


def test_system_chain_names_the_school_platform_administrator(arstaviken):
    first_line = support_chain(unit=arstaviken, kind=ProblemKind.SYSTEMS)[1]
    assert initials(first_line.people) == ["R.A"]
    assert first_line.sources == ["Skolplattform | Skoladministratör"]


def test_arstaviken_pedagogical_chain_has_no_developer_or_chef_and_names_the_rektor(
    arstaviken, client, superuser
):
    last = support_chain(unit=arstaviken, kind=ProblemKind.PEDAGOGY)[-1]
    assert last.kind == STEP_DEVELOPER and last.missing
    assert initials(last.people) == ["K.E"]
    client.force_login(superuser)
    page = client.get(
        reverse("registry:support_chain"), {"unit": "arstaviken", "kind": "pedagogik"}
    ).content.decode()
    step = page[page.index("chain-step--verksamhetsutvecklare") :]
    assert "ingen chef för verksamhetsutvecklarna är utsedd" in step
    assert "vänd dig till gruppens chef" not in step
    assert 'href="/person/K.E/"' in step


def appoint_first_line(unit, person):
    return Appointment.objects.create(
        person=person,
        position=Position.objects.get(code=Position.Code.FIRST_LINE_CONTACT),
        unit=unit,
    )


def test_appointment_naming_someone_else_shows_both_and_says_they_disagree(arstaviken):
    other = PersonFactory(organisation=arstaviken.organisation, initials="H.H", name="Hedda")
    appoint_first_line(arstaviken, other)
    first_line = support_chain(unit=arstaviken, kind=ProblemKind.TECHNOLOGY)[1]
    assert first_line.disagree
    assert initials(first_line.register) == ["A.W"]
    assert initials(first_line.appointed) == ["H.H"]
    assert initials(first_line.people) == ["A.W", "H.H"]


def test_appointment_of_the_same_person_agrees(arstaviken):
    appoint_first_line(arstaviken, Person.objects.get(initials="A.W"))
    first_line = support_chain(unit=arstaviken, kind=ProblemKind.TECHNOLOGY)[1]
    assert not first_line.disagree
    assert initials(first_line.people) == ["A.W"]
    assert initials(first_line.appointed) == ["A.W"]


def test_neither_register_nor_appointment_means_missing_and_ask_the_rektor(arstaviken):
    Assignment.objects.filter(item__support_kind=ProblemKind.TECHNOLOGY).delete()
    first_line = support_chain(unit=arstaviken, kind=ProblemKind.TECHNOLOGY)[1]
    assert first_line.missing and not first_line.disagree
    assert initials(first_line.people) == ["K.E"]  # rektor of Årstaviken
    assert "fråga rektor" in first_line.description


def test_role_only_entry_resolves_to_who_holds_the_role(arstaviken, django_assert_max_num_queries):
    Assignment.objects.filter(item__name="Support lokalt").update(person=None)
    with django_assert_max_num_queries(5):
        first_line = support_chain(unit=arstaviken, kind=ProblemKind.TECHNOLOGY)[1]
    # A.W is appointed it-samordnare (ITS) at Årstaviken in the seed.
    assert initials(first_line.people) == ["A.W"]
    assert first_line.sources == ["Support lokalt"]


def test_collective_role_names_nobody_so_the_step_is_missing(arstaviken):
    teachers = Role.objects.get(code="LÄR")
    Assignment.objects.filter(item__name="Support lokalt").update(person=None, role=teachers)
    first_line = support_chain(unit=arstaviken, kind=ProblemKind.TECHNOLOGY)[1]
    assert first_line.missing


def test_deputies_come_after_the_ordinary_and_are_marked(arstaviken):
    item = Item.objects.get(name="Support lokalt")
    deputy = PersonFactory(organisation=arstaviken.organisation, initials="D.E")
    Assignment.objects.create(
        item=item, unit=arstaviken, person=deputy, priority=Assignment.Priority.DEPUTY, order=0
    )
    people = support_chain(unit=arstaviken, kind=ProblemKind.TECHNOLOGY)[1].people
    assert [(c.initials, c.deputy) for c in people] == [("A.W", False), ("D.E", True)]


def test_other_units_register_is_not_the_first_line(arstaviken):
    other = UnitFactory(organisation=arstaviken.organisation, slug="annan-skola")
    first_line = support_chain(unit=other, kind=ProblemKind.TECHNOLOGY)[1]
    assert first_line.missing and first_line.register == []
