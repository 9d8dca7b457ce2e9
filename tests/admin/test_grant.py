"""Groups from the data migration, and granting units by command and admin action."""

import re
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from organisation.models import Person, Unit
from review.queries import unit_checklist
from review.services import review_round_open
from tests.factories import PersonFactory, UnitFactory

User = get_user_model()

pytestmark = pytest.mark.django_db


def test_migrations_create_the_five_groups():
    perms = {
        group.name: set(group.permissions.values_list("codename", flat=True))
        for group in Group.objects.all()
    }
    assert set(perms) == {
        "administratör",
        "rektor",
        "verksamhetsutvecklare",
        "läsare",
        "IT-strateg",  # review/migrations/0001_review_rounds.py
    }
    assert {"manage_unit", "change_item", "delete_assignment"} <= perms["administratör"]
    assert {"change_assignment", "change_person", "view_item"} <= perms["rektor"]
    assert not {"change_item", "view_unit", "manage_unit"} & perms["rektor"]
    assert {"change_item", "change_role", "view_unit"} <= perms["verksamhetsutvecklare"]
    assert "change_assignment" not in perms["verksamhetsutvecklare"]
    assert all(codename.startswith("view_") for codename in perms["läsare"])
    assert {"view_review_status", "view_unit"} <= perms["IT-strateg"]
    assert all(codename.startswith("view_") for codename in perms["IT-strateg"])
    assert "change_unitreview" in perms["rektor"]
    assert "change_unitreview" not in perms["administratör"]


def test_grant_unit_command(django_user_model):
    unit, other = UnitFactory(slug="a"), UnitFactory(slug="b")
    user = django_user_model.objects.create_user("kim")
    call_command("grant_unit", "kim", "a", "--as", "rektor")
    user = django_user_model.objects.get(pk=user.pk)
    assert user.is_staff and user.groups.filter(name="rektor").exists()
    assert list(Unit.objects.restrict(user, "change")) == [unit]
    call_command("grant_unit", "kim", "b", "--as", "lasare")
    user = django_user_model.objects.get(pk=user.pk)
    assert set(Unit.objects.restrict(user)) == {unit, other}
    assert list(Unit.objects.restrict(user, "change")) == [unit]
    call_command("grant_unit", "kim", "a", "--revoke")
    user = django_user_model.objects.get(pk=user.pk)
    assert list(Unit.objects.restrict(user, "change")) == []


def test_grant_unit_command_names_a_missing_unit(django_user_model):
    UnitFactory(slug="a")
    django_user_model.objects.create_user("kim")
    with pytest.raises(CommandError, match="'nej' finns inte"):
        call_command("grant_unit", "kim", "nej")


def test_administrator_grants_units_with_the_admin_action(world, as_user, django_user_model):
    newcomer = django_user_model.objects.create_user("ny")
    client = as_user("administratör")
    url = reverse("admin:organisation_unit_changelist")
    selected = {"action": "grant_units", "_selected_action": [world.unit_b.pk]}
    form_page = client.post(url, selected)
    assert form_page.status_code == 200 and "form" in form_page.context
    response = client.post(url, {**selected, "user": newcomer.pk, "role": "rektor", "apply": "1"})
    assert response.status_code == 302
    newcomer = django_user_model.objects.get(pk=newcomer.pk)
    assert list(Unit.objects.restrict(newcomer, "change")) == [world.unit_b]


@pytest.mark.django_db
def test_administrators_may_edit_the_service_agreement_and_others_only_read_it():
    def codenames(name):
        return set(
            Group.objects.get(name=name)
            .permissions.filter(codename__endswith="_serviceagreement")
            .values_list("codename", flat=True)
        )

    assert codenames("administratör") == {
        "view_serviceagreement",
        "add_serviceagreement",
        "change_serviceagreement",
        "delete_serviceagreement",
    }
    assert codenames("rektor") == {"view_serviceagreement"}


def grant_unit(*args):
    out = StringIO()
    call_command("grant_unit", *args, stdout=out)
    return out.getvalue()


def signs_in(client, username, password):
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and client.get(reverse("admin:index")).status_code == 200


def without_login_at_arstaviken(superuser):
    """The initials the review checklist lists as Saknar inloggning for Årstaviken."""
    arstaviken = Unit.objects.get(slug="arstaviken")
    round = review_round_open(
        organisation=arstaviken.organisation, title="Läsår", deadline=date(2026, 10, 1),
        user=superuser,
    )  # fmt: skip
    review = round.unit_reviews.get(unit=arstaviken)
    return {person.initials for person in unit_checklist(review).people_without_login}


def test_grant_unit_create_makes_the_rektors_account_for_their_person(seed, client, superuser):
    out = grant_unit("kim", "arstaviken", "--create", "--person", "K.E")
    user = User.objects.get(username="kim")
    arstaviken = Unit.objects.get(slug="arstaviken")
    assert user.is_staff and user.groups.filter(name="rektor").exists()
    assert list(Unit.objects.restrict(user, "change")) == [arstaviken]
    assert Person.objects.get(initials="K.E").user == user
    assert "Skapade kim, nu rektor på Årstaviken." in out
    password = re.search(r"Lösenord \(visas bara nu.*\): (\S+)", out).group(1)
    assert signs_in(client, "kim", password)
    # The rektor who signs the review is no longer listed as without login.
    assert "K.E" not in without_login_at_arstaviken(superuser)


def test_grant_unit_create_with_email_sends_a_link_to_choose_the_password(seed, client, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://ansvar.example.se"]
    out = grant_unit("kim", "arstaviken", "--create", "--person", "K.E", "--email", "ke@ex.se")
    assert "Lösenord" not in out and "skickats till ke@ex.se" in out
    user = User.objects.get(username="kim")
    assert user.email == "ke@ex.se" and not user.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["ke@ex.se"] and "Användarnamn: kim" in message.body
    link = re.search(r"https://ansvar\.example\.se(/konto/reset/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Ett-eget-lösen-42", "new_password2": "Ett-eget-lösen-42"},
    )
    assert signs_in(client, "kim", "Ett-eget-lösen-42")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["demo", "arstaviken", "--create"], "användarnamnet finns redan"),
        (["kim", "arstaviken", "--create", "--person", "X.Y"], "Ingen entydig person"),
        (["kim", "arstaviken", "--create", "--person", "A.W"], "A.W är redan kopplad"),
        (["kim", "arstaviken", "--create", "--as", "chef"], "Okänd roll"),
        (["kim", "arstaviken", "--person", "K.E"], "hör till --create"),
        (["kim", "arstaviken", "--create", "--email", "k@ex.se"], "--site-url"),
    ],
)
def test_grant_unit_create_refuses_and_writes_nothing(seed, django_user_model, args, expected):
    django_user_model.objects.create_user("demo")
    Person.objects.filter(initials="A.W").update(user=django_user_model.objects.get())
    with pytest.raises(CommandError, match=expected):
        grant_unit(*args)
    assert list(django_user_model.objects.values_list("username", flat=True)) == ["demo"]


def test_grant_unit_create_finds_the_person_within_the_units_huvudman(seed):
    other = UnitFactory(slug="annan")
    PersonFactory(organisation=other.organisation, initials="Z.Z")
    with pytest.raises(CommandError, match="Ingen entydig person med initialerna Z.Z"):
        grant_unit("kim", "arstaviken", "--create", "--person", "Z.Z")
    grant_unit("kim", "annan", "--create", "--person", "Z.Z")
    assert Person.objects.get(initials="Z.Z").user.username == "kim"
