"""Published versions: snapshot, what changed, the pages, who may publish."""

import csv
import io
import json
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from organisation.models import Organisation
from registry import versions
from registry.blueprint import page_cache
from registry.blueprint.catalogue import catalogue_at
from registry.models import Assignment, Blueprint, Item, Role
from registry.versions import ChangeKind
from tests.factories import (
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
def register():
    """One school, two items in two columns of one area, an ITS with a person and a teacher role."""
    organisation = OrganisationFactory()
    school = UnitFactory(organisation=organisation, slug="norra", name="Norra skolan")
    its = RoleFactory(code="ITS", name="IT-samordnare", order=0)
    teacher = RoleFactory(code="LÄR", name="Lärare", order=4)
    infra = ColumnFactory(name="Infrastruktur")
    admin_column = ColumnFactory(area=infra.area, name="Administration")
    wifi = ItemFactory(column=infra, name="WiFi")
    grading = ItemFactory(column=admin_column, name="Betyg")
    anna = PersonFactory(organisation=organisation, initials="A.A", name="Anna A")
    bo = PersonFactory(organisation=organisation, initials="B.B", name="Bo B")
    wifi_its = AssignmentFactory(item=wifi, unit=school, role=its, person=anna)
    grading_teacher = AssignmentFactory(item=grading, unit=school, role=teacher)
    return {
        "organisation": organisation,
        "school": school,
        "its": its,
        "teacher": teacher,
        "infra": infra,
        "admin_column": admin_column,
        "wifi": wifi,
        "grading": grading,
        "anna": anna,
        "bo": bo,
        "wifi_its": wifi_its,
        "grading_teacher": grading_teacher,
    }


def publish(organisation, version="1.0.0"):
    return versions.blueprint_publish(
        organisation=organisation, version=version, published=date(2026, 8, 1), title="Test"
    )


def changes(blueprint, **kwargs):
    return [
        (change.kind, change.item, change.before, change.after)
        for change in versions.version_diff(before=blueprint, **kwargs).changes
    ]


def test_snapshot_holds_the_catalogue_once_and_assignments_as_tuples(register):
    blueprint = publish(register["organisation"])
    stored = Blueprint.objects.get(pk=blueprint.pk)
    # The catalogue once, on the version; assignments in one row per unit.
    assert set(stored.snapshot) >= {"areas", "columns", "items", "roles", "units"}
    assert stored.snapshot["roles"][str(register["its"].pk)] == {
        "code": "ITS",
        "name": "IT-samordnare",
        "order": 0,
        "kind": "individuell",
    }
    assert "assignments" not in stored.snapshot
    (school_rows,) = stored.unit_rows.filter(unit_id=register["school"].pk)
    assert school_rows.rows["people"] == {
        str(register["anna"].pk): {"initials": "A.A", "name": "Anna A"}
    }
    snapshot = versions.blueprint_snapshot(stored)
    assert snapshot["items"][str(register["wifi"].pk)]["name"] == "WiFi"
    school, wifi, its, anna = (register[k].pk for k in ("school", "wifi", "its", "anna"))
    assert [school, wifi, its, anna, "R", 0, 0] in snapshot["assignments"]
    assert len(snapshot["assignments"]) == 2


def test_no_edits_no_changes(register):
    assert changes(publish(register["organisation"])) == []


def test_item_added_with_its_responsible(register):
    blueprint = publish(register["organisation"])
    printer = ItemFactory(column=register["infra"], name="Skrivare")
    AssignmentFactory(item=printer, unit=register["school"], role=register["its"])
    assert changes(blueprint) == [
        (ChangeKind.ITEM_ADDED, "Skrivare", "", "Infrastruktur"),
        (ChangeKind.ADDED, "Skrivare", "", "ITS"),
    ]


def test_item_removed_is_one_change(register):
    blueprint = publish(register["organisation"])
    register["wifi"].delete()
    assert changes(blueprint) == [(ChangeKind.ITEM_REMOVED, "WiFi", "Infrastruktur", "")]


def test_item_renamed_and_moved(register):
    blueprint = publish(register["organisation"])
    wifi = register["wifi"]
    wifi.name = "Trådlöst nätverk"
    wifi.column = register["admin_column"]
    wifi.save()
    area = register["infra"].area.name
    assert changes(blueprint) == [
        (ChangeKind.ITEM_MOVED, "Trådlöst nätverk", f"{area} / Infrastruktur",
         f"{area} / Administration"),
        (ChangeKind.ITEM_RENAMED, "Trådlöst nätverk", "WiFi", "Trådlöst nätverk"),
    ]  # fmt: skip


def test_responsible_removed_and_changed(register):
    blueprint = publish(register["organisation"])
    register["grading_teacher"].delete()
    row = register["wifi_its"]
    row.person = register["bo"]
    row.save()
    assert changes(blueprint) == [
        (ChangeKind.CHANGED, "WiFi", "A.A · ITS", "B.B · ITS"),
        (ChangeKind.REMOVED, "Betyg", "LÄR", ""),
    ]


def test_role_change(register):
    blueprint = publish(register["organisation"])
    row = register["wifi_its"]
    row.role = register["teacher"]
    row.save()
    assert changes(blueprint) == [(ChangeKind.ROLE_CHANGED, "WiFi", "A.A · ITS", "A.A · LÄR")]


def test_person_swap_without_a_role_is_one_change(register):
    named = AssignmentFactory(
        item=register["grading"], unit=register["school"], role=None, person=register["anna"]
    )
    blueprint = publish(register["organisation"])
    named.person = register["bo"]
    named.save()
    assert changes(blueprint) == [(ChangeKind.CHANGED, "Betyg", "A.A", "B.B")]


def test_swapping_several_people_keeps_ordinarie_and_deputy_apart(register):
    its, wifi, school = register["its"], register["wifi"], register["school"]
    deputy = AssignmentFactory(
        item=wifi, unit=school, role=its, person=register["bo"],
        priority=Assignment.Priority.DEPUTY, order=1,
    )  # fmt: skip
    blueprint = publish(register["organisation"])
    # The new deputy happens to be the older person record.
    dag = PersonFactory(organisation=register["organisation"], initials="D.D")
    cia = PersonFactory(organisation=register["organisation"], initials="C.C")
    primary = register["wifi_its"]
    primary.person = cia
    primary.save()
    deputy.person = dag
    deputy.save()
    assert changes(blueprint) == [
        (ChangeKind.CHANGED, "WiFi", "A.A · ITS", "C.C · ITS"),
        (ChangeKind.CHANGED, "WiFi", "B.B · ITS (ersättare)", "D.D · ITS (ersättare)"),
    ]


def test_a_swap_with_another_role_stays_removed_and_added(register):
    blueprint = publish(register["organisation"])
    row = register["wifi_its"]
    row.person, row.role = register["bo"], register["teacher"]
    row.save()
    assert sorted(c[0] for c in changes(blueprint)) == [ChangeKind.ADDED, ChangeKind.REMOVED]


def test_deputy_change_both_ways(register):
    blueprint = publish(register["organisation"])
    Assignment.objects.filter(pk=register["wifi_its"].pk).update(
        priority=Assignment.Priority.DEPUTY
    )
    assert changes(blueprint) == [
        (ChangeKind.MADE_DEPUTY, "WiFi", "A.A · ITS", "A.A · ITS (ersättare)")
    ]
    deputy_version = publish(register["organisation"], "1.1.0")
    Assignment.objects.filter(pk=register["wifi_its"].pk).update(
        priority=Assignment.Priority.PRIMARY
    )
    assert [c[0] for c in changes(deputy_version)] == [ChangeKind.MADE_PRIMARY]


def test_between_two_versions_and_filters(register):
    first = publish(register["organisation"])
    other = UnitFactory(organisation=register["organisation"], slug="sodra", name="Södra")
    AssignmentFactory(
        item=register["wifi"], unit=other, role=register["its"], person=register["bo"]
    )
    AssignmentFactory(
        item=register["grading"], unit=register["school"], role=None, person=register["bo"]
    )
    second = publish(register["organisation"], "2.0.0")
    # Later edits do not count between the two versions.
    register["wifi_its"].delete()
    diff = versions.version_diff(before=first, after=second)
    assert [(c.kind, c.unit_name, c.after) for c in diff.changes] == [
        (ChangeKind.ADDED, "Södra", "B.B · ITS"),
        (ChangeKind.ADDED, "Norra skolan", "B.B"),
    ]
    assert len(diff.filter(unit_ids={other.pk})) == 1
    assert len(diff.filter(person="B.B")) == 2
    assert len(diff.filter(role="ITS")) == 1
    assert len(diff.filter(area="nothing")) == 0
    one_unit = versions.version_diff(before=first, after=second, unit_ids={other.pk})
    assert [c.unit_name for c in one_unit.changes] == ["Södra"]


def test_only_the_huvudmans_units_are_in_its_version(register):
    elsewhere = Organisation.objects.create(name="Annan", slug="annan")
    other_school = UnitFactory(organisation=elsewhere)
    blueprint = publish(register["organisation"])
    AssignmentFactory(item=register["wifi"], unit=other_school, role=register["its"])
    assert str(other_school.pk) not in blueprint.snapshot["units"]
    assert changes(blueprint) == []


# ---- the seed, published as 1.4.0 --------------------------------------------------


def test_seed_is_published_as_1_4_0_once(seed):
    from registry.seed.load import seed_load

    blueprint = Blueprint.objects.get()
    assert (blueprint.version, blueprint.published) == ("1.4.0", date(2021, 10, 21))
    assert len(versions.blueprint_snapshot(blueprint)["assignments"]) == Assignment.objects.count()
    seed_load()
    assert Blueprint.objects.get().pk == blueprint.pk
    assert len(versions.version_diff(before=blueprint)) == 0


def test_seed_then_edited_shows_exactly_the_edits(seed):
    blueprint = Blueprint.objects.get()
    item = Item.objects.order_by("pk").first()
    old_name = item.name
    item.name = "Nytt namn"
    item.save()
    row = Assignment.objects.filter(person__isnull=False).order_by("pk").first()
    Assignment.objects.filter(pk=row.pk).update(priority=Assignment.Priority.DEPUTY)
    moved = Item.objects.exclude(column=item.column).order_by("-pk").first()
    moved.column = item.column
    moved.save()
    diff = versions.version_diff(before=blueprint)
    assert sorted((c.kind, c.item_id) for c in diff.changes) == sorted(
        [
            (ChangeKind.ITEM_RENAMED, item.pk),
            (ChangeKind.MADE_DEPUTY, row.item_id),
            (ChangeKind.ITEM_MOVED, moved.pk),
        ]
    )
    renamed = next(c for c in diff.changes if c.kind == ChangeKind.ITEM_RENAMED)
    assert (renamed.before, renamed.after) == (old_name, "Nytt namn")


def test_old_label_without_organisation_gets_the_seed_snapshot(db):
    from registry.seed.load import seed_load

    Blueprint.objects.create(title="Ansvarsfördelning digitalisering", version="1.4.0",
                             published=date(2021, 10, 21))  # fmt: skip
    seed_load()
    blueprint = Blueprint.objects.get()
    assert blueprint.organisation is not None
    assert len(versions.blueprint_snapshot(blueprint)["assignments"]) == Assignment.objects.count()


# ---- who may publish ---------------------------------------------------------------


def reader(django_user_model, unit):
    user = django_user_model.objects.create_user("lasare", password="pw-lasare-1", is_staff=True)
    user.groups.add(Group.objects.get(name="läsare"))
    assign_perm("organisation.view_unit", user, unit)
    return user


def test_reader_cannot_publish(client, register, django_user_model):
    user = reader(django_user_model, register["school"])
    with pytest.raises(PermissionDenied):
        versions.blueprint_publish(
            organisation=register["organisation"], version="9", published=date.today(),
            title="x", user=user,
        )  # fmt: skip
    client.force_login(user)
    response = client.post(
        reverse("admin:registry_blueprint_add"),
        {"organisation": register["organisation"].pk, "title": "x", "version": "9",
         "published": "2026-08-01"},
    )  # fmt: skip
    assert response.status_code == 403
    assert not Blueprint.objects.exists()


def test_administrator_publishes_in_admin(client, register, django_user_model):
    user = django_user_model.objects.create_user("admin2", password="pw-admin-2", is_staff=True)
    user.groups.add(Group.objects.get(name="administratör"))
    client.force_login(user)
    response = client.post(
        reverse("admin:registry_blueprint_add"),
        {"organisation": register["organisation"].pk, "title": "Ansvarsfördelning",
         "version": "2.0.0", "published": "2026-08-01", "note": "Läsår 2026/27"},
    )  # fmt: skip
    assert response.status_code == 302
    blueprint = Blueprint.objects.get()
    assert blueprint.published_by == user
    assert len(versions.blueprint_snapshot(blueprint)["assignments"]) == 2
    # The same number again is refused with a message, not an error page.
    response = client.post(
        reverse("admin:registry_blueprint_add"),
        {"organisation": register["organisation"].pk, "title": "x", "version": "2.0.0",
         "published": "2026-08-02"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "redan en version med det numret" in response.content.decode()


@pytest.mark.parametrize(
    ("version", "following"),
    [("1.4.0", "1.5.0"), ("1.9.3", "1.10.0"), ("1.4", "1.5"), ("2", "3"), ("v1", "")],
)
def test_next_version_is_the_next_minor_one(version, following):
    assert versions.version_next(version) == following


def administrator(django_user_model):
    user = django_user_model.objects.create_user("admin2", password="pw-admin-2", is_staff=True)
    user.groups.add(Group.objects.get(name="administratör"))
    return user


def test_publish_form_starts_with_the_next_version(client, register, django_user_model):
    organisation = register["organisation"]
    versions.blueprint_publish(organisation=organisation, version="1.4.0",
                               published=date(2021, 10, 21), title="Ansvarsfördelning")  # fmt: skip
    client.force_login(administrator(django_user_model))
    response = client.get(reverse("admin:registry_blueprint_add"))
    initial = response.context["adminform"].form.initial
    assert (initial["organisation"], initial["title"], initial["version"]) == (
        organisation.pk,
        "Ansvarsfördelning",
        "1.5.0",
    )
    assert initial["published"] == timezone.localdate()
    html = response.content.decode()
    assert 'value="1.5.0"' in html and f'<option value="{organisation.pk}" selected>' in html


def test_publish_form_skips_a_number_already_taken(register, django_user_model):
    organisation = register["organisation"]
    publish(organisation, "1.5.0")  # an older version with the higher number
    versions.blueprint_publish(organisation=organisation, version="1.4.0",
                               published=date(2026, 9, 1), title="Senaste")  # fmt: skip
    initial = versions.blueprint_publish_initial(administrator(django_user_model))
    assert (initial["title"], initial["version"]) == ("Senaste", "1.6.0")


def test_publish_form_for_a_first_version(register, django_user_model):
    initial = versions.blueprint_publish_initial(administrator(django_user_model))
    assert (initial["organisation"], initial["version"]) == (register["organisation"].pk, "1.0.0")
    # A reader publishes for no huvudman: nothing is chosen for them.
    assert "organisation" not in versions.blueprint_publish_initial(
        reader(django_user_model, register["school"])
    )


def test_publishing_returns_to_the_versions(client, register, django_user_model):
    client.force_login(administrator(django_user_model))
    response = client.post(
        reverse("admin:registry_blueprint_add"),
        {"organisation": register["organisation"].pk, "title": "Ansvarsfördelning",
         "version": "1.0.0", "published": "2026-08-01"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response.url == reverse("registry:version_list")
    page = client.get(response.url).content.decode()
    assert '<th scope="row">1.0.0</th>' in page


# ---- the pages ---------------------------------------------------------------------


def reader_client(client, django_user_model, unit):
    client.force_login(reader(django_user_model, unit))
    return client


def test_pages_need_login(client, register):
    blueprint = publish(register["organisation"])
    for url in (
        reverse("registry:version_list"),
        reverse("registry:version_detail", args=[blueprint.pk]),
        reverse("registry:version_changes"),
    ):
        assert client.get(url).status_code == 302


def test_header_counts_changes_and_links_to_them(client, register, django_user_model):
    blueprint = publish(register["organisation"])
    client = reader_client(client, django_user_model, register["school"])
    page = client.get(reverse("registry:blueprint")).content.decode()
    assert "version 1.0.0" in page
    assert "ändringar sedan" not in page
    register["grading_teacher"].delete()
    AssignmentFactory(item=register["wifi"], unit=register["school"], person=register["bo"])
    page = client.get(reverse("registry:blueprint")).content.decode()
    assert "2 ändringar sedan 1.0.0" in page
    assert f"{reverse('registry:version_changes')}?from={blueprint.pk}" in page


def test_the_version_in_force_is_read_again_only_when_its_huvudman_changes(
    client, register, django_user_model
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = reader_client(client, django_user_model, register["school"])
    url = reverse("registry:blueprint")
    assert "version 1.0.0" not in client.get(url).content.decode()
    # A write at the unit: its page is made anew, without asking for the version in force.
    AssignmentFactory(
        item=register["wifi"], unit=register["school"], role=register["its"], person=register["bo"]
    )
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert not [q for q in queries if 'FROM "registry_blueprint"' in q["sql"]]
    # Publishing is a write at the huvudman: the header shows the version at once.
    publish(register["organisation"])
    assert "version 1.0.0" in client.get(url).content.decode()


def test_header_counts_only_the_units_the_reader_sees(client, register, django_user_model):
    publish(register["organisation"])
    other = UnitFactory(organisation=register["organisation"])
    AssignmentFactory(item=register["wifi"], unit=other, role=register["its"])
    client = reader_client(client, django_user_model, register["school"])
    page = client.get(reverse("registry:blueprint")).content.decode()
    assert "ändring" not in page.split("</header>")[0].split("version 1.0.0")[1]


def _rename_and_move(register):
    register["wifi"].name = "Trådlöst nätverk"
    register["wifi"].column = register["admin_column"]
    register["wifi"].save()


def _swap_person(register):
    register["wifi_its"].person = register["bo"]
    register["wifi_its"].save()


def _change_role(register):
    register["wifi_its"].role = register["teacher"]
    register["wifi_its"].save()


def _make_deputy(register):
    Assignment.objects.filter(pk=register["wifi_its"].pk).update(
        priority=Assignment.Priority.DEPUTY
    )


def _add_item(register):
    printer = ItemFactory(column=register["infra"], name="Skrivare")
    AssignmentFactory(item=printer, unit=register["school"], role=register["its"])


def _organisation_wide(register):
    # One for every unit of the huvudman, one naming someone of another huvudman (not here).
    AssignmentFactory(item=register["grading"], unit=None, person=register["bo"], role=None)
    stranger = PersonFactory(organisation=OrganisationFactory(name="Grannkommunen", slug="granne"))
    AssignmentFactory(item=register["wifi"], unit=None, person=stranger, role=None)


def _at_another_unit(register):
    other = UnitFactory(organisation=register["organisation"])
    AssignmentFactory(item=register["wifi"], unit=other, role=register["its"])


HEADER_EDITS = {
    "nothing": (lambda register: None, 0),
    "renamed and moved": (_rename_and_move, 2),
    "item removed": (lambda register: register["wifi"].delete(), 1),
    "item added": (_add_item, 2),
    "responsible removed": (lambda register: register["grading_teacher"].delete(), 1),
    "person swapped": (_swap_person, 1),
    "role changed": (_change_role, 1),
    "made deputy": (_make_deputy, 1),
    "organisation-wide": (_organisation_wide, 1),
    "at another unit": (_at_another_unit, 0),
}


@pytest.mark.parametrize("edit", HEADER_EDITS, ids=list(HEADER_EDITS))
def test_header_count_is_what_the_changes_page_lists(client, register, django_user_model, edit):
    """The poster's header counts from the page's own reads (versions.snapshot_of): the same
    number as the comparison with the live register read afresh (version_diff)."""
    change, expected = HEADER_EDITS[edit]
    blueprint = publish(register["organisation"])
    client = reader_client(client, django_user_model, register["school"])
    client.get(reverse("registry:blueprint"))  # the header of the version as published
    change(register)
    school = register["school"]
    assert len(versions.version_diff(before=blueprint, unit_ids={school.pk})) == expected
    header = client.get(reverse("registry:blueprint")).content.decode().split("</header>")[0]
    if expected:
        plural = "ändring" if expected == 1 else "ändringar"
        assert f"{expected} {plural} sedan 1.0.0" in header
    else:
        assert "ändring" not in header


def test_live_side_from_the_page_reads_is_the_snapshot_read_afresh(register):
    _organisation_wide(register)
    _at_another_unit(register)
    school = register["school"]
    # What the poster hands the header on a miss (page_cache._UnitReads.snapshot).
    live = page_cache._UnitReads(school, catalogue_at("test")).snapshot()
    read = versions.snapshot_build(organisation_id=school.organisation_id, unit_ids={school.pk})
    for part in ("format", "areas", "items", "roles", "people", "assignment_fields"):
        assert live[part] == read[part], part
    assert sorted(live["assignments"]) == sorted(read["assignments"])
    assert live["units"] == {str(school.pk): read["units"][str(school.pk)]}
    # The columns that hold items: all a comparison looks up.
    assert live["columns"] == {
        pk: column for pk, column in read["columns"].items()
        if any(str(item["column"]) == pk for item in read["items"].values())
    }  # fmt: skip


def test_changes_page_grouped_filtered_and_exported(client, register, django_user_model):
    blueprint = publish(register["organisation"])
    register["grading_teacher"].delete()
    client = reader_client(client, django_user_model, register["school"])
    url = reverse("registry:version_changes")
    page = client.get(url, {"from": blueprint.pk}).content.decode()
    assert "Ändringar sedan 1.0.0" in page
    assert register["infra"].area.name in page
    assert "Ansvarig borttagen" in page and "<del>LÄR</del>" in page
    page = client.get(url, {"from": blueprint.pk, "role": "ITS"}).content.decode()
    assert "Inga ändringar." in page
    response = client.get(url, {"from": blueprint.pk, "format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:5] == ["Område", "Kolumn", "Ansvarsområde", "Enhet", "Ändring"]
    assert rows[1][2:] == ["Betyg", "Norra skolan", "Ansvarig borttagen", "LÄR", ""]
    response = client.get(url, {"from": blueprint.pk, "format": "xlsx"})
    assert b"".join(response.streaming_content)[:2] == b"PK"


def test_version_list_offers_what_each_version_changed(client, register, django_user_model):
    first = publish(register["organisation"], "1.4.0")
    register["grading_teacher"].delete()
    second = publish(register["organisation"], "1.5.0")
    client = reader_client(client, django_user_model, register["school"])
    page = client.get(reverse("registry:version_list")).content.decode()
    url = reverse("registry:version_changes")
    newest = f'href="{url}?from={first.pk}&amp;to={second.pk}">Ändringar i 1.5.0 jämfört med 1.4.0<'
    assert newest in page
    assert f"?from={second.pk}&amp;to=" not in page  # the first version has none before it
    # The link shows the change, which "since 1.5.0" (rightly) does not.
    listed = client.get(url, {"from": first.pk, "to": second.pk}).content.decode()
    assert "Ändringar från 1.4.0 till 1.5.0" in listed and "<del>LÄR</del>" in listed
    assert "Inga ändringar." in client.get(url, {"from": second.pk}).content.decode()


def test_changes_up_to_a_version_start_from_the_one_before(client, register, django_user_model):
    first = publish(register["organisation"], "1.4.0")
    register["grading_teacher"].delete()
    second = publish(register["organisation"], "1.5.0")
    client = reader_client(client, django_user_model, register["school"])
    url = reverse("registry:version_changes")
    page = client.get(url, {"to": second.pk}).content.decode()
    assert "Ändringar från 1.4.0 till 1.5.0" in page and "<del>LÄR</del>" in page
    assert client.get(url, {"to": first.pk}).status_code == 404  # nothing before the first


def test_blueprint_export_is_named_for_what_it_holds(client, register, django_user_model):
    publish(register["organisation"])
    client = reader_client(client, django_user_model, register["school"])
    url = reverse("registry:blueprint_export")

    def filename():
        response = client.get(url, {"format": "xlsx"})
        return response["Content-Disposition"].split('filename="')[1].rstrip('"')

    assert filename() == "ansvarsfordelning-norra-1.0.0.xlsx"
    register["grading_teacher"].delete()
    today = timezone.localdate().isoformat()
    assert filename() == f"ansvarsfordelning-norra-1.0.0-andrad-{today}.xlsx"


def test_exported_changes_are_escaped_against_formulas(client, register, django_user_model):
    blueprint = publish(register["organisation"])
    ItemFactory(column=register["infra"], name="=HYPERLINK(1)")
    client = reader_client(client, django_user_model, register["school"])
    response = client.get(reverse("registry:version_changes"), {"from": blueprint.pk,
                                                                "format": "csv"})  # fmt: skip
    assert "'=HYPERLINK(1)" in b"".join(response.streaming_content).decode("utf-8-sig")


def test_reader_cannot_see_other_units_or_other_huvudmans_versions(
    client, register, django_user_model
):
    blueprint = publish(register["organisation"])
    other = UnitFactory(organisation=register["organisation"], slug="annan-skola")
    AssignmentFactory(item=register["wifi"], unit=other, role=register["its"])
    elsewhere = Organisation.objects.create(name="Annan", slug="annan")
    UnitFactory(organisation=elsewhere)
    foreign = publish(elsewhere)
    client = reader_client(client, django_user_model, register["school"])
    url = reverse("registry:version_changes")
    assert client.get(url, {"from": blueprint.pk, "unit": "annan-skola"}).status_code == 404
    assert client.get(url, {"from": foreign.pk}).status_code == 404
    assert client.get(reverse("registry:version_detail", args=[foreign.pk])).status_code == 404
    # All units, for this reader, means the units they see.
    page = client.get(url, {"from": blueprint.pk}).content.decode()
    assert "Inga ändringar." in page


def test_version_poster_shows_the_register_as_it_was(client, register, django_user_model):
    blueprint = publish(register["organisation"])
    register["wifi"].name = "Omdöpt"
    register["wifi"].save()
    register["wifi_its"].delete()
    client = reader_client(client, django_user_model, register["school"])
    page = client.get(reverse("registry:version_detail", args=[blueprint.pk])).content.decode()
    assert "WiFi" in page and "Omdöpt" not in page.split("<main")[1]
    assert "A.A · ITS" in page
    assert "data-print" in page


def legend_of(html):
    return html[html.index('id="legend-heading"') :]


def test_version_poster_keeps_the_role_kinds_of_publishing(client, register, django_user_model):
    teacher = register["teacher"]
    teacher.kind = Role.Kind.COLLECTIVE
    teacher.save()
    blueprint = publish(register["organisation"])
    teacher.kind = Role.Kind.INDIVIDUAL  # changed live after publishing
    teacher.save()
    client = reader_client(client, django_user_model, register["school"])

    html = client.get(reverse("registry:version_detail", args=[blueprint.pk])).content.decode()
    assert 'title="Lärare (alla LÄR på enheten)">LÄR<' in html
    assert 'Lärare <span class="legend-reach">(alla LÄR på enheten)</span>' in legend_of(html)
    assert "IT-samordnare <span" not in legend_of(html)
    # The live poster says what the role is now: named people, nobody appointed.
    live = client.get(reverse("registry:blueprint")).content.decode()
    assert "alla LÄR på enheten" not in live
    assert ">LÄR<" in live and "ingen utsedd" in live


def test_version_from_before_role_kinds_still_renders_without_them(
    client, register, django_user_model
):
    teacher = register["teacher"]
    teacher.kind = Role.Kind.COLLECTIVE
    teacher.save()
    blueprint = publish(register["organisation"])
    # A snapshot of format 2, as published before role kinds were kept.
    old = {**blueprint.snapshot, "format": 2}
    old["roles"] = {
        pk: {key: value for key, value in role.items() if key != "kind"}
        for pk, role in old["roles"].items()
    }
    Blueprint.objects.filter(pk=blueprint.pk).update(snapshot=old)
    client = reader_client(client, django_user_model, register["school"])

    response = client.get(reverse("registry:version_detail", args=[blueprint.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'title="Lärare">LÄR<' in html and "A.A · ITS" in html
    assert ">LÄR</a> Lärare</li>" in legend_of(html)  # the role is in the legend,
    assert "legend-reach" not in html and "alla LÄR" not in html  # without a kind
    assert "ingen utsedd" not in html  # a version keeps no holders, claims no gap
    assert len(versions.version_diff(before=blueprint)) == 0  # and compares as before


def test_query_counts_are_pinned(
    client, register, django_assert_max_num_queries, django_user_model
):
    blueprint = publish(register["organisation"])
    for n in range(20):
        item = ItemFactory(column=register["infra"], name=f"Nytt {n}")
        AssignmentFactory(item=item, unit=register["school"], role=register["its"])
    client = reader_client(client, django_user_model, register["school"])
    with django_assert_max_num_queries(23):
        client.get(reverse("registry:version_changes"), {"from": blueprint.pk})
    with django_assert_max_num_queries(14):
        client.get(reverse("registry:version_detail", args=[blueprint.pk]))
    with django_assert_max_num_queries(12):
        client.get(reverse("registry:version_list"))
    client.get(reverse("registry:blueprint"))
    # Warm: the header's count comes from the cache, no comparison is run.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("registry:blueprint"))
    assert "40 ändringar sedan 1.0.0" in response.content.decode()
    # After a write at the unit the count is worked out again, its live side from the
    # poster's own reads (versions.snapshot_of): the version's rows are the only reads it
    # adds (19 queries when it read the live register again).
    AssignmentFactory(item=register["wifi"], unit=register["school"], role=register["teacher"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("registry:blueprint"))
    assert "41 ändringar sedan 1.0.0" in response.content.decode()


def stored_size(blueprint):
    def size(value):
        return len(json.dumps(value, separators=(",", ":")))

    return size(blueprint.snapshot) + sum(
        size(rows) for rows in blueprint.unit_rows.values_list("rows", flat=True)
    )


def test_one_unit_is_read_without_the_others(register, django_assert_num_queries):
    other = UnitFactory(organisation=register["organisation"])
    AssignmentFactory(item=register["wifi"], unit=other, role=register["its"])
    blueprint = Blueprint.objects.defer("snapshot").get(pk=publish(register["organisation"]).pk)
    with django_assert_num_queries(2):
        snapshot = versions.blueprint_snapshot(blueprint, {other.pk})
    assert {row[0] for row in snapshot["assignments"]} == {other.pk}


def test_stored_size_is_compact(register):
    blueprint = publish(register["organisation"])
    size = stored_size(blueprint)
    for _n in range(100):
        AssignmentFactory(item=register["grading"], unit=register["school"], role=None,
                          person=PersonFactory(organisation=register["organisation"]))  # fmt: skip
    bigger = stored_size(publish(register["organisation"], "2"))
    # A tuple of ~20 bytes and the person's initials and name (~50): no
    # copy of anything per row.
    assert (bigger - size) / 100 < 90


def test_version_pages_cost_the_same_for_few_and_many_units(client, superuser, monkeypatch):
    # Up to UNIT_LIST_LIMIT units are listed; beyond it the pages search for a
    # unit by name instead of reading every unit (a national register: ~10,000).
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    import registry.unit_picker

    monkeypatch.setattr(registry.unit_picker, "UNIT_LIST_LIMIT", 5)
    organisation, its, wifi = OrganisationFactory(), RoleFactory(code="ITS"), ItemFactory()

    def add_units(numbers):
        for n in numbers:
            unit = UnitFactory(
                organisation=organisation, slug=f"skola-{n:02}", name=f"Skola {n:02}"
            )
            AssignmentFactory(item=wifi, unit=unit, role=its)

    add_units(range(3))
    blueprint = publish(organisation)
    client.force_login(superuser)
    urls = [
        reverse("registry:version_list"),
        reverse("registry:version_detail", args=[blueprint.pk]) + "?unit=skola-01",
        reverse("registry:version_changes") + f"?from={blueprint.pk}",
    ]
    counts = []
    for numbers in (range(3, 3), range(3, 12), range(12, 24)):
        add_units(numbers)
        ids = {str(pk) for pk in organisation.units.values_list("pk", flat=True)}
        row = []
        for url in urls:
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            for query in queries.captured_queries:
                listed = re.findall(r"IN \(([^()]*)\)", query["sql"])
                assert not any(len(set(part.split(", ")) & ids) > 5 for part in listed)
            row.append(len(queries))
        counts.append(row)
    few, many, more = counts
    assert many == more and all(m <= f + 2 for f, m in zip(few, many, strict=True)), counts

    # With many units the version poster offers a search, whose matches link here.
    page = client.get(urls[1], {"sok": "skola 1"}).content.decode()
    assert 'id="unit-select"' not in page and "Visar Skola 01." in page
    assert re.findall(r'href="\?unit=(skola-\d+)"', page) == [f"skola-{n}" for n in range(10, 20)]
    changes_page = client.get(
        reverse("registry:version_changes"),
        {"from": blueprint.pk, "sok": "skola 2", "unit": "skola-01"},
    ).content.decode()
    assert f'href="?from={blueprint.pk}&amp;unit=skola-20"' in changes_page
    assert "Skola 01" in changes_page.split("<h1>")[1].split("</h1>")[0]
