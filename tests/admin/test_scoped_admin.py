"""Every admin is scoped, and a row is out of reach from another unit and another huvudman.

The models are walked from admin.site._registry, so a new model admin that
declares no owner, or a scoped model nobody wrote an owned row for, fails here.
"""

from datetime import date

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from organisation.admin_base import ScopedAdmin, ScopedMixin
from organisation.models import (
    Appointment,
    ITCouncil,
    Organisation,
    Person,
    ServiceAgreement,
    Unit,
)
from organisation.permissions import NOBODY, Ownership
from organisation.queries import RestrictedQuerySet
from organisation.services import unit_grant
from registry.models import Assignment, Blueprint
from review.models import ReviewRound
from tests.factories import AppointmentFactory, AssignmentFactory, ItemFactory, PositionFactory
from tests.spreadsheets.helpers import people_export_form

pytestmark = pytest.mark.django_db


def registered():
    return list(admin.site._registry.items())


@pytest.mark.parametrize(
    ("model", "model_admin"),
    registered(),
    ids=[model._meta.label for model, _admin in registered()],
)
def test_every_model_admin_and_inline_is_scoped(model, model_admin):
    assert isinstance(model_admin, ScopedMixin), f"{model._meta.label} is not on the scoped base"
    assert model_admin.get_owner() is not NOBODY, f"{model._meta.label} declares no owner"
    if hasattr(model, "ownership"):
        # Our own models: the admin asks the model, never an owner of its own.
        assert model_admin.owner is None, f"{model._meta.label}'s admin overrides its ownership"
    for inline in model_admin.inlines:
        assert issubclass(inline, ScopedMixin), f"{inline.__name__} is not scoped"
        assert inline(model, admin.site).get_owner() is not NOBODY, inline.__name__


def test_a_model_without_an_ownership_refuses_all_but_superusers(world, admin_user):
    administrator = world.users["administratör"]
    administrator.user_permissions.add(*Permission.objects.filter(codename__endswith="_permission"))
    administrator = type(administrator).objects.get(pk=administrator.pk)
    refusing = ScopedAdmin(Permission, AdminSite())
    request = RequestFactory().get("/")
    request.user = administrator
    assert administrator.has_perm("auth.change_permission")
    assert not refusing.get_queryset(request).exists()
    assert not RestrictedQuerySet(model=Permission).restrict(administrator).exists()
    assert not refusing.has_view_permission(request)
    assert not refusing.has_add_permission(request)
    assert not refusing.has_change_permission(request, Permission.objects.first())
    request.user = admin_user
    assert refusing.get_queryset(request).count() == Permission.objects.count()
    assert RestrictedQuerySet(model=Permission).restrict(admin_user).count() > 0


@pytest.mark.parametrize(
    "model",
    [
        model
        for app in ("organisation", "accounts", "registry", "review", "api")
        for model in apps.get_app_config(app).get_models()
        if not hasattr(model, "instance_type")  # simple_history's: restrict(Model.history…)
    ],
    ids=lambda model: model._meta.label,
)
def test_every_model_declares_its_ownership_and_offers_restrict(model):
    if issubclass(model, UserObjectPermissionBase | GroupObjectPermissionBase):
        # guardian's grant tables: written only by unit_grant, read by unit_scope.
        return
    assert isinstance(model.__dict__.get("ownership"), Ownership), model._meta.label
    assert hasattr(model._default_manager, "restrict"), model._meta.label


# A row of each scoped model, owned by unit A or by unit A's huvudman.
OWNED_ROWS = {
    Assignment: lambda w: w.row_a,
    Appointment: lambda w: w.appointment_a,
    Unit: lambda w: w.unit_a,
    Person: lambda w: w.person_a,
    Organisation: lambda w: w.unit_a.organisation,
    ServiceAgreement: lambda w: w.agreement,
    ITCouncil: lambda w: w.council,
    # A version and a review round belong to a huvudman (issue 14).
    Blueprint: lambda w: Blueprint.objects.create(
        organisation=w.unit_a.organisation, title="T", version="1", published=date(2026, 8, 1)
    ),
    ReviewRound: lambda w: ReviewRound.objects.create(
        organisation=w.unit_a.organisation, title="Läsår 2026/27", deadline=date(2026, 10, 1)
    ),
}


def scoped_models():
    return [
        (model, model_admin.get_owner().kind)
        for model, model_admin in registered()
        if model_admin.get_owner().kind in (Ownership.UNIT, Ownership.HUVUDMAN)
    ]


def test_only_the_catalogue_and_site_wide_records_are_shared():
    # Shared rows are read by everyone signed in, site-wide ones by everyone
    # with the model permission; a model of a unit or a huvudman must not
    # slip in here.
    def of_kind(kind):
        return {
            model._meta.label
            for model, model_admin in registered()
            if model_admin.get_owner().kind == kind
        }

    assert of_kind(Ownership.SHARED) == {
        "organisation.Position",
        "registry.Area",
        "registry.Column",
        "registry.Role",
        "registry.Item",
        "registry.SearchWord",
    }
    assert of_kind(Ownership.SITE) == {
        "auth.User",
        "auth.Group",
        "axes.AccessAttempt",
        "axes.AccessLog",
        "axes.AccessFailureLog",
        "accounts.ProviderAccount",
        "registry.UnansweredSearch",
    }


def test_every_scoped_model_has_an_owned_row_to_test():
    missing = [model._meta.label for model, _kind in scoped_models() if model not in OWNED_ROWS]
    assert missing == []


@pytest.fixture
def outsiders(world, django_user_model):
    """Users of another unit (B, same huvudman) and of another huvudman (unit X).

    A rektor as granted, and a "mighty" user with every model permission of
    our apps (short of the model-wide unit permissions) granted one unit:
    what the scope alone holds back.
    """
    everything = Permission.objects.filter(
        content_type__app_label__in=["organisation", "accounts", "registry"]
    ).exclude(codename__in=["view_unit", "manage_unit"])
    users = {}
    for name, unit in (("b", world.unit_b), ("x", world.unit_x)):
        rektor = django_user_model.objects.create_user(f"rektor_{name}_outsider")
        unit_grant(user=rektor, unit=unit, role="rektor")
        mighty = django_user_model.objects.create_user(f"mighty_{name}", is_staff=True)
        mighty.user_permissions.add(*everything)
        unit_grant(user=mighty, unit=unit, role="rektor")
        users[f"rektor of unit {name}"] = rektor
        users[f"all permissions at unit {name}"] = mighty
    return users


def outsider_cases():
    for model, kind in scoped_models():
        for unit in ("b", "x"):
            # People, IT-råd and the service agreement are the whole
            # huvudman's: a rektor of unit B reads them by design.
            if kind == Ownership.HUVUDMAN and unit == "b":
                continue
            for who in (f"rektor of unit {unit}", f"all permissions at unit {unit}"):
                yield pytest.param(model, who, id=f"{model._meta.label}-{who}")


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize(("model", "who"), list(outsider_cases()))
def test_outsiders_get_nothing_of_a_row(client, world, outsiders, model, who):
    obj = OWNED_ROWS[model](world)
    client.force_login(outsiders[who])

    changelist = client.get(url(model, "changelist"))
    if changelist.status_code == 200:
        assert obj not in changelist.context["cl"].result_list
    for view in ("change", "history", "delete"):
        response = client.get(url(model, view, obj.pk))
        assert response.status_code != 200, view
    response = client.post(url(model, "delete", obj.pk), {"post": "yes"})
    assert model.objects.filter(pk=obj.pk).exists()

    try:
        export_url = url(model, "export")
    except NoReverseMatch:
        return
    model_admin = admin.site.get_model_admin(model)
    resource = model_admin.resource_classes[0]
    response = client.post(
        export_url,
        {
            "format": "0",
            "resource": "0",
            **{f"{resource.__name__.lower()}_{name}": "on" for name in resource().fields},
        },
    )
    if response.status_code == 200 and "Content-Disposition" in response:
        assert str(obj.initials if model is Person else obj) not in response.content.decode(
            "utf-8-sig"
        )


def export_people(client):
    response = client.post(
        reverse("admin:organisation_person_export"),
        people_export_form(),
    )
    assert response.status_code == 200
    return response.content.decode("utf-8-sig").splitlines()


def test_the_people_export_gives_contact_details_only_of_people_in_scope(client, world):
    for person, who in ((world.person_a, "anna"), (world.person_x, "xerxes")):
        person.name, person.title = who.capitalize(), "IT-samordnare"
        person.email, person.phone = f"{who}@example.org", "070-1"
        person.save()
    client.force_login(world.users["rektor_a"])
    lines = export_people(client)
    assert lines[0] == "Huvudman;Initialer;Namn;Titel;E-post;Telefon;Befattningar"
    (row_a,) = [line for line in lines if ";A.A;" in line]
    assert ";Anna;IT-samordnare;anna@example.org;070-1;" in row_a
    assert not any("xerxes" in line.lower() for line in lines)

    client.force_login(world.users["administratör"])
    assert any("xerxes@example.org" in line for line in export_people(client))


def test_the_people_export_of_a_rektor_holds_no_appointment_outside_their_units(client, world):
    # Person A is rektor at A and also IT-handledare at B.
    AppointmentFactory(
        person=world.person_a,
        unit=world.unit_b,
        position=PositionFactory(code="it-handledare", name="IT-handledare"),
    )
    client.force_login(world.users["rektor_a"])
    lines = export_people(client)
    (row_a,) = [line for line in lines if ";A.A;" in line]
    assert row_a.endswith(";rektor@a")
    assert not any("@b" in line or "@x" in line for line in lines)
    assert not any(";X.X;" in line for line in lines)

    client.force_login(world.users["administratör"])
    (row_a,) = [line for line in export_people(client) if ";A.A;" in line]
    assert "it-handledare@b" in row_a and "rektor@a" in row_a


@pytest.mark.parametrize(("who", "sees"), [("rektor of unit b", True), ("rektor of unit x", False)])
def test_an_organisation_wide_appointment_is_seen_only_within_its_huvudman(
    client, world, outsiders, who, sees
):
    # Person A is IT-strateg of A's huvudman (no unit): a rektor of another
    # unit of that huvudman reads it, a rektor of another huvudman does not.
    wide = AppointmentFactory(
        person=world.person_a, unit=None, position=PositionFactory(code="its", name="IT-strateg")
    )
    outsider = outsiders[who]
    outsider.is_staff = True
    outsider.save()
    client.force_login(outsider)

    listed = client.get(url(Appointment, "changelist")).context["cl"].result_list
    assert (wide in listed) is sees
    assert (client.get(url(Appointment, "change", wide.pk)).status_code == 200) is sees
    recent = client.get(reverse("admin:registry_assignment_recent_changes"))
    assert recent.status_code == 200
    assert ("IT-strateg" in recent.content.decode()) is sees


@pytest.mark.parametrize(("who", "sees"), [("rektor of unit b", True), ("rektor of unit x", False)])
def test_an_organisation_wide_assignment_naming_a_person_is_seen_only_within_their_huvudman(
    client, world, outsiders, who, sees
):
    # Person A answers for "Skrivare" for all of A's huvudman (no unit); a
    # role-only organisation-wide row stays everyone's, as on the blueprint page.
    wide = AssignmentFactory(
        item=ItemFactory(name="Skrivare"), unit=None, role=world.role, person=world.person_a
    )
    outsider = outsiders[who]
    outsider.is_staff = True
    outsider.save()
    client.force_login(outsider)

    listed = client.get(url(Assignment, "changelist")).context["cl"].result_list
    assert (wide in listed) is sees
    assert world.row_org in listed
    assert (client.get(url(Assignment, "change", wide.pk)).status_code == 200) is sees
    recent = client.get(reverse("admin:registry_assignment_recent_changes"))
    assert ("Skrivare" in recent.content.decode()) is sees
