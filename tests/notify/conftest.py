import pytest
from guardian.shortcuts import assign_perm

from organisation.models import Position
from registry.models import Role
from registry.notify.services import responsibility_digest_send
from tests.factories import (
    AppointmentFactory,
    AssignmentFactory,
    ItemFactory,
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    RoleFactory,
    UnitFactory,
)


class Register:
    """Two units of one huvudman: Hemskolan, where E.M has five items as ITS and R.H is
    rektor, and Grannskolan with its own rektor R.G; A.W works at Hemskolan too."""


@pytest.fixture
def register(db, django_user_model):
    r = Register()
    r.organisation = OrganisationFactory(name="Hemkommunen", slug="hemkommunen")
    r.unit = UnitFactory(organisation=r.organisation, name="Hemskolan", slug="hemskolan")
    r.other_unit = UnitFactory(organisation=r.organisation, name="Grannskolan", slug="grannskolan")
    r.admin = django_user_model.objects.create_superuser(
        "admin", "admin@example.org", "pw-admin-1", first_name="Ada", last_name="Admin"
    )
    r.role = RoleFactory(code="ITS", name="IT-samordnare", kind=Role.Kind.INDIVIDUAL)
    r.collective = RoleFactory(code="LÄR", name="Lärare", kind=Role.Kind.COLLECTIVE)
    principal = PositionFactory(code=Position.Code.PRINCIPAL, name="Rektor")

    def person(initials, name, unit, *, rektor=False):
        user = django_user_model.objects.create_user(initials.lower().replace(".", ""))
        someone = PersonFactory(
            organisation=r.organisation,
            initials=initials,
            name=name,
            email=f"{initials.lower().replace('.', '')}@hem.example",
            user=user,
        )
        # Unit grants without the groups: a transactional (browser) test has no groups.
        assign_perm(f"organisation.{'manage' if rektor else 'view'}_unit", user, unit)
        if rektor:
            AppointmentFactory(person=someone, position=principal, unit=unit)
        return someone

    r.em = person("E.M", "Eva Mattsson", r.unit)
    r.aw = person("A.W", "Anders Wik", r.unit)
    r.rektor = person("R.H", "Rut Hemrektor", r.unit, rektor=True)
    r.other_rektor = person("R.G", "Rolf Grannrektor", r.other_unit, rektor=True)
    r.items = [ItemFactory(name=f"Skrivare {n}") for n in range(1, 6)]
    r.assignments = [
        AssignmentFactory(item=item, unit=r.unit, role=r.role, person=r.em) for item in r.items
    ]
    return r


@pytest.fixture
def started(register, mailoutbox):
    """The register with the digest's starting point set (the first run sends nothing)."""
    assert responsibility_digest_send().sent == 0
    assert mailoutbox == []
    return register
