"""The security review's findings about scope (issue 20), one test each.

Each failed before `restrict`: a page, an import, an admin filter, the
"view on site" redirect and a history page decided access on their own.
The seed's huvudman (Årstaviken) sits beside another huvudman whose people
share the seed's initials.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from simple_history.utils import update_change_reason

from organisation.models import Organisation, Person, Unit
from organisation.services import unit_grant
from registry.blueprint_file import blueprint_import
from registry.models import Assignment, Item, Role
from tests.factories import OrganisationFactory, PersonFactory, UnitFactory
from tests.spreadsheets.helpers import csv_with

WIFI = ["HYGIEN", "Infrastruktur och resurser", "WiFi / Nätverk"]
OTHER_EMAIL = "bertil@annan.example"


@pytest.fixture
def other(seed):
    """Another huvudman: a unit, and a person with the seed's initials A.W and contact details."""
    organisation = OrganisationFactory(slug="annan", name="Annan huvudman")
    unit = UnitFactory(slug="annanskolan", name="Annanskolan", organisation=organisation)
    person = PersonFactory(
        organisation=organisation,
        initials="A.W",
        name="Bertil Bortamannen",
        title="Bortatitel",
        email=OTHER_EMAIL,
        phone="+46 70 000 00 01",
    )
    return organisation, unit, person


@pytest.fixture
def rektor(seed, django_user_model):
    user = django_user_model.objects.create_user("rektor", is_staff=True)
    unit_grant(user=user, unit=Unit.objects.get(slug="arstaviken"), role="rektor")
    return user


@pytest.fixture
def administrator(seed, django_user_model):
    user = django_user_model.objects.create_user("administrator", is_staff=True)
    user.groups.add(django_user_model.groups.field.related_model.objects.get(name="administratör"))
    return user


def wifi():
    return Item.objects.get(name="WiFi / Nätverk")


def test_person_page_never_shows_another_huvudmans_person_with_the_users_initials(
    client, other, rektor
):
    # The rektor's own record has the initials of someone at the other huvudman
    # who was entered first: the page must show the rektor, not them.
    _organisation, _unit, stranger = other
    stranger.initials = "R.K"
    stranger.save()
    PersonFactory(
        organisation=Organisation.objects.get(slug="utbildningsforvaltningen"), initials="R.K"
    )
    Person.objects.filter(initials="R.K").exclude(pk=stranger.pk).update(user=rektor)
    client.force_login(rektor)
    response = client.get(reverse("registry:person_detail", args=["R.K"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert OTHER_EMAIL not in html and "Bortatitel" not in html


def test_person_page_of_initials_held_only_at_another_huvudman_is_not_found(client, other, rektor):
    _organisation, _unit, stranger = other
    stranger.initials = "Q.Z"
    stranger.save()
    client.force_login(rektor)
    assert client.get(reverse("registry:person_detail", args=["Q.Z"])).status_code == 404


def test_replace_import_leaves_another_huvudmans_organisation_wide_rows(other, administrator):
    _organisation, _unit, stranger = other
    theirs = Assignment.objects.create(
        item=wifi(), unit=None, person=stranger, role=Role.objects.get(code="ITS")
    )
    content = csv_with(["arstaviken", *WIFI, "A.W ITS", ""], ["", *WIFI, "ITS", ""])
    preview = blueprint_import(
        content=content, filename="a.csv", user=administrator, replace=True, dry_run=True
    )
    assert not preview.errors
    assert "A.W ITS" not in [row.before for row in preview.rows if row.unit == ""]
    result = blueprint_import(content=content, filename="a.csv", user=administrator, replace=True)
    assert result.applied
    assert Assignment.objects.filter(pk=theirs.pk).exists()


def test_import_row_without_unit_does_not_find_another_huvudmans_initials(other, rektor):
    # Q.Z works only at the other huvudman: to the rektor it is as unknown as
    # initials nobody has, so a file cannot probe who works elsewhere.
    _organisation, _unit, stranger = other
    stranger.initials = "Q.Z"
    stranger.save()
    messages = {}
    for initials in ("Q.Z", "N.N"):
        result = blueprint_import(
            content=csv_with(["", *WIFI, f"{initials} ITS", ""]),
            filename="a.csv",
            user=rektor,
            dry_run=True,
        )
        messages[initials] = [str(problem).replace(initials, "…") for problem in result.errors]
    assert messages["Q.Z"] == messages["N.N"]
    assert "Okänd person" in messages["Q.Z"][0]


@pytest.mark.parametrize(
    "changelist", ["organisation_unit", "organisation_person", "registry_blueprint"]
)
def test_admin_huvudman_filter_names_only_the_users_huvudman(client, other, rektor, changelist):
    client.force_login(rektor)
    response = client.get(reverse(f"admin:{changelist}_changelist"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Annan huvudman" not in html


def test_view_on_site_redirects_only_to_rows_the_user_may_see(client, other, rektor):
    _organisation, _unit, stranger = other
    client.force_login(rektor)
    person_type = ContentType.objects.get_for_model(Person)
    own = Person.objects.get(organisation__slug="utbildningsforvaltningen", initials="A.W")
    assert client.get(f"/admin/r/{person_type.pk}/{own.pk}/").status_code == 302
    assert client.get(f"/admin/r/{person_type.pk}/{stranger.pk}/").status_code == 404
    assert client.get(f"/admin/r/{person_type.pk}/nonsense/").status_code == 404


def test_history_of_an_assignment_moved_in_from_another_huvudman_hides_its_past(
    client, other, rektor
):
    _organisation, unit, stranger = other
    stranger.initials = "Q.Z"
    stranger.save()
    row = Assignment.objects.create(
        item=wifi(), unit=unit, person=stranger, role=Role.objects.get(code="ITS")
    )
    row.unit = Unit.objects.get(slug="arstaviken")
    row.person = Person.objects.get(organisation__slug="utbildningsforvaltningen", initials="V.G")
    row.save()
    update_change_reason(row, "Flyttad")
    client.force_login(rektor)
    response = client.get(reverse("admin:registry_assignment_history", args=[row.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Flyttad" in html
    assert "Annanskolan" not in html and "Q.Z" not in html
