"""The blueprint pages: access, scoping to visible units, filters, htmx, export, query counts."""

import csv
import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.urls import reverse
from guardian.shortcuts import assign_perm

from organisation.models import Appointment, Person, Position, Unit
from registry.blueprint.page_cache import kept_clear
from registry.models import Area, Assignment, Blueprint, Column, Item
from tests.factories import (
    AppointmentFactory,
    AreaFactory,
    AssignmentFactory,
    ColumnFactory,
    ItemFactory,
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    RoleFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def page(response):
    return response.getvalue().decode()


# ---- a small organisation with two schools ------------------------------------------


@pytest.fixture
def two_units():
    """Norra and Södra share the catalogue; each has its own IT-samordnare."""
    organisation = OrganisationFactory()
    norra = UnitFactory(organisation=organisation, slug="norra", name="Norra skolan")
    sodra = UnitFactory(organisation=organisation, slug="sodra", name="Södra skolan")
    its = RoleFactory(code="ITS", name="IT-samordnare", order=0)
    teacher = RoleFactory(code="LÄR", name="Lärare", order=4)
    hygien = ColumnFactory(
        area=AreaFactory(slug="hygien", name="HYGIEN", order=0), name="Infrastruktur"
    )
    pedagogik = ColumnFactory(
        area=AreaFactory(slug="pedagogik", name="PEDAGOGIK", order=2), name="Undervisning"
    )
    wifi = ItemFactory(column=hygien, name="WiFi / Nätverk")
    grading = ItemFactory(column=pedagogik, name="Skolplattform | Betyg")
    nils = PersonFactory(organisation=organisation, initials="N.N", name="Nils Norra")
    sam = PersonFactory(organisation=organisation, initials="S.S", name="Sam Södra")
    AssignmentFactory(item=wifi, unit=norra, role=its, person=nils)
    AssignmentFactory(item=wifi, unit=sodra, role=its, person=sam)
    AssignmentFactory(item=grading, unit=sodra, role=its, person=sam)
    # Organisation-wide: holds at every unit.
    AssignmentFactory(item=grading, unit=None, role=teacher, person=None)
    return {
        "norra": norra,
        "sodra": sodra,
        "wifi": wifi,
        "grading": grading,
        "nils": nils,
        "sam": sam,
        "its": its,
    }


@pytest.fixture
def norra_reader(two_units, django_user_model):
    user = django_user_model.objects.create_user("rektor-norra", password="x")
    assign_perm("organisation.view_unit", user, two_units["norra"])
    return user


def all_pages(data):
    return [
        reverse("registry:blueprint"),
        reverse("registry:blueprint_grid"),
        reverse("registry:item_detail", args=[data["wifi"].pk]),
        reverse("registry:item_detail", args=[data["grading"].pk]),
        reverse("registry:role_detail", args=["ITS"]),
        reverse("registry:person_detail", args=["N.N"]),
        reverse("registry:blueprint_export") + "?format=csv",
    ]


# ---- access ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login_from_every_page(client, two_units):
    for url in all_pages(two_units):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_user_without_any_unit_gets_an_explanation_and_no_data(
    client, two_units, django_user_model
):
    user = django_user_model.objects.create_user("nobody", password="x")
    client.force_login(user)
    for url in all_pages(two_units):
        response = client.get(url)
        assert response.status_code == 403, url
        html = page(response)
        assert "Du har inte tillgång till någon enhet" in html
        for secret in ("WiFi", "Nils Norra", "Sam Södra", "Norra skolan", "IT-samordnare"):
            assert secret not in html, (url, secret)


def test_reader_of_one_unit_sees_nothing_of_the_other_anywhere(client, two_units, norra_reader):
    client.force_login(norra_reader)
    for url in all_pages(two_units):
        response = client.get(url)
        assert response.status_code == 200, url
        html = page(response)
        for secret in ("S.S", "Sam Södra", "Södra skolan", "sodra"):
            assert secret not in html, (url, secret)
    # The blueprint of Norra still shows its own and the organisation-wide responsible.
    html = page(client.get(reverse("registry:blueprint")))
    assert "N.N · ITS" in html and "LÄR" in html


def test_reader_cannot_open_the_other_unit_or_its_people(client, two_units, norra_reader):
    client.force_login(norra_reader)
    assert client.get(reverse("registry:blueprint") + "?unit=sodra").status_code == 404
    assert client.get(reverse("registry:blueprint_grid") + "?unit=sodra").status_code == 404
    export = reverse("registry:blueprint_export") + "?unit=sodra&format=csv"
    assert client.get(export).status_code == 404
    assert client.get(reverse("registry:person_detail", args=["S.S"])).status_code == 404


def test_person_filter_offers_only_people_of_the_chosen_unit(client, two_units, norra_reader):
    client.force_login(norra_reader)
    html = page(client.get(reverse("registry:blueprint")))
    assert '<option value="N.N"' in html
    assert '<option value="S.S"' not in html
    response = client.get(reverse("registry:blueprint") + "?person=S.S")
    html = page(response)
    assert "”S.S”" in html and "Personen" in html  # the message names the value
    assert "Inga ansvarsområden matchar filtren." in html


def test_role_and_item_pages_count_only_visible_units(client, two_units, norra_reader):
    client.force_login(norra_reader)
    html = page(client.get(reverse("registry:role_detail", args=["ITS"])))
    assert "Rollen ansvarar för 1 ansvarsområde." in html
    html = page(client.get(reverse("registry:item_detail", args=[two_units["grading"].pk])))
    assert "Hela huvudmannen" in html and "LÄR" in html
    assert "Ingen ansvarig" in html  # Norra has no one of its own for Betyg


def test_organisation_wide_reader_sees_every_unit_and_picks_one(client, two_units, superuser):
    client.force_login(superuser)
    html = page(client.get(reverse("registry:blueprint")))
    assert 'name="unit"' in html and "Södra skolan" in html and "Norra skolan" in html
    html = page(client.get(reverse("registry:blueprint") + "?unit=sodra"))
    assert "S.S · ITS" in html and "N.N · ITS" not in html


def test_last_chosen_unit_is_remembered(client, two_units, superuser):
    client.force_login(superuser)
    client.get(reverse("registry:blueprint") + "?unit=sodra")
    html = page(client.get(reverse("registry:blueprint")))
    assert "Ansvarsfördelning digitalisering – Södra skolan" in html
    html = page(client.get(reverse("registry:blueprint_grid")))
    assert "Södra skolan" in html and "S.S" in html


def test_a_superusers_unit_is_found_by_its_slug_and_a_gone_one_falls_back(
    client, two_units, superuser
):
    # The unit the page names is looked up by its slug, before any list of units is read.
    client.force_login(superuser)
    assert client.get(reverse("registry:blueprint") + "?unit=finns-inte").status_code == 404
    client.get(reverse("registry:blueprint") + "?unit=sodra")
    Unit.objects.filter(slug="sodra").delete()
    # The unit remembered has gone: the first the user sees, not an error.
    html = page(client.get(reverse("registry:blueprint")))
    assert "Ansvarsfördelning digitalisering – Norra skolan" in html


@pytest.fixture
def stranger_everywhere(two_units):
    """An organisation-wide assignment naming a person of another huvudman."""
    other = OrganisationFactory(slug="annan", name="Annan huvudman")
    stranger = PersonFactory(organisation=other, initials="X.Y", name="Xerxes")
    AssignmentFactory(item=two_units["wifi"], unit=None, role=None, person=stranger)


def test_organisation_wide_person_of_another_huvudman_does_not_show(
    client, two_units, stranger_everywhere, norra_reader
):
    client.force_login(norra_reader)
    for url in all_pages(two_units)[:-1]:
        assert "X.Y" not in page(client.get(url)), url


def test_export_leaves_out_organisation_wide_person_of_another_huvudman(
    client, two_units, stranger_everywhere, norra_reader
):
    client.force_login(norra_reader)
    assert "X.Y" not in page(client.get(reverse("registry:blueprint_export") + "?format=csv"))


# ---- the seed blueprint ---------------------------------------------------------------


def count_of(html):
    """The result count the page states ("23 ansvarsområden"), in its live region.

    A whole page has the region itself; an htmx answer updates its text out of band.
    """
    found = re.search(r'<p id="result-count"[^>]*>(\d+) ', html)
    return int(found.group(1))


def test_blueprint_shows_the_poster_with_chips_legend_and_version(seeded_client):
    html = page(seeded_client.get(reverse("registry:blueprint")))
    assert count_of(html) == 150
    assert html.count("<h1") == 1
    for area in ("HYGIEN", "ADMINISTRATION", "PEDAGOGIK"):
        assert f">{area} <span" in html
    assert "Infrastruktur och resurser" in html
    assert "version 1.4.0" in html and "2021-10-21" in html
    assert 'href="/person/A.W/" title="IT-samordnare">A.W · ITS' in html
    assert 'href="/roll/L%C3%84R/"' in html  # a role-only chip links to the role
    assert 'id="legend-heading"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("area=hygien", 23),
        ("area=hygien&area=administration", 23 + 65),
        ("role=ITS&area=hygien", None),
        ("person=A.W&role=ITS", None),
        ("person=A.W&role=REK", 0),
        ("q=wifi", 1),
        ("q=SKOLPLATTFORM", None),
        ("q=wifi&area=pedagogik", 0),
    ],
)
def test_filters_combine(seeded_client, query, expected):
    html = page(seeded_client.get(reverse("registry:blueprint") + "?" + query))
    shown = count_of(html)
    matching = _expected_items(query)
    assert shown == len(matching)
    if expected is not None:
        assert shown == expected
    if shown == 0:
        assert "Inga ansvarsområden matchar filtren." in html
        assert "Rensa filtren och visa alla" in html


def _expected_items(query):
    """The same filter computed independently from the rows, to compare with the page."""
    params = {}
    for pair in query.split("&"):
        key, value = pair.split("=")
        params.setdefault(key, []).append(value)
    items = []
    for item in Item.objects.select_related("column__area").prefetch_related(
        "assignments__role", "assignments__person"
    ):
        if "area" in params and item.column.area.slug not in params["area"]:
            continue
        if "q" in params:
            text = params["q"][0].lower()
            haystack = f"{item.name} {item.group} {item.description}".lower()
            if text not in haystack:
                continue
        wanted_role = params.get("role", [None])[0]
        wanted_person = params.get("person", [None])[0]
        if wanted_role or wanted_person:
            if not any(
                (not wanted_role or (a.role and a.role.code == wanted_role))
                and (not wanted_person or (a.person and a.person.initials == wanted_person))
                for a in item.assignments.all()
            ):
                continue
        items.append(item)
    return items


def test_role_filter_keeps_items_of_that_role_only(seeded_client):
    html = page(seeded_client.get(reverse("registry:blueprint") + "?role=VAKT"))
    assert "Säkerhetskåp / förvaring" in html
    assert "WiFi / Nätverk" not in html


def test_search_for_support_matter_names_local_support_from_the_register(seeded_client):
    html = page(seeded_client.get(reverse("registry:blueprint") + "?q=wifi"))
    chain = html[html.index('class="support-chain"') :]
    # A.W has "Support lokalt" at Årstaviken in the seed: the chain says so.
    assert 'href="/person/A.W/"' in chain
    assert "Enligt ansvarsfördelningen: Support lokalt." in chain
    assert 'href="/person/K.E/"' not in chain


def test_search_for_support_matter_without_first_line_contact_names_the_rektor(seeded_client):

    Assignment.objects.filter(item__support_kind="teknik").delete()
    html = page(seeded_client.get(reverse("registry:blueprint") + "?q=wifi"))
    chain = html[html.index('class="support-chain"') :]
    assert 'href="/person/K.E/"' in chain  # K.E is rektor of Årstaviken in the seed
    assert "Saknas:" in chain


def test_search_answers_who_is_responsible_with_first_line_contacts(seeded_client):

    position = Position.objects.get(code=Position.Code.FIRST_LINE_CONTACT)
    helper = PersonFactory(
        organisation=Unit.objects.get(slug="arstaviken").organisation,
        initials="H.H",
        name="Hedda Hanteringsansvarig",
    )
    Appointment.objects.create(
        person=helper, position=position, unit=Unit.objects.get(slug="arstaviken")
    )
    html = page(seeded_client.get(reverse("registry:blueprint") + "?q=wifi"))
    assert "Vem ansvarar för ”wifi”?" in html
    assert "WiFi / Nätverk" in html and "A.W · ITS" in html
    assert "Hedda Hanteringsansvarig" in html and 'href="/person/H.H/"' in html
    assert seeded_client.get("/person/H.H/").status_code == 200
    # A matter that is not about technical support names no first contact.
    html = page(seeded_client.get(reverse("registry:blueprint") + "?q=Analysstöd"))
    assert "Vem ansvarar för" in html and "Hedda" not in html


def test_invalid_filter_value_is_named_and_shows_nothing(seeded_client):
    html = page(seeded_client.get(reverse("registry:blueprint") + "?area=hygien&role=NOPE"))
    assert 'role="alert"' in html
    assert "Rollen ”NOPE” finns inte eller har inget ansvar på enheten." in html
    assert count_of(html) == 0
    # The list says so, and the person chosen stays chosen.
    assert '<select name="role" class="autofilter" id="id_role" aria-invalid="true">' in html
    html = page(seeded_client.get(reverse("registry:blueprint") + "?person=A.W"))
    assert '<select name="person" class="autofilter" id="id_person">' in html
    assert re.search(r'<option value="A\.W" selected>A\.W[^<]*</option>', html)
    assert '<option value="" selected>Alla roller</option>' in html


def test_export_links_carry_the_filters(seeded_client):
    html = page(seeded_client.get(reverse("registry:blueprint") + "?area=hygien&q=wifi"))
    assert "/export/?area=hygien&amp;q=wifi&amp;unit=arstaviken&amp;format=xlsx" in html
    assert "/export/?area=hygien&amp;q=wifi&amp;unit=arstaviken&amp;format=csv" in html


def test_export_is_the_filtered_view_as_csv_and_xlsx(seeded_client):
    url = reverse("registry:blueprint_export") + "?area=hygien&role=ITS&unit=arstaviken"
    response = seeded_client.get(url + "&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="ansvarsfordelning-arstaviken-1.4.0.csv"' in response["Content-Disposition"]
    text = response.getvalue().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=_delimiter(text)))
    names = {row[3] for row in rows[1:]}
    assert "WiFi / Nätverk" in names and "Webbservrar" not in names  # R.A ITP
    assert all(row[1] == "HYGIEN" for row in rows[1:])
    xlsx = seeded_client.get(url + "&format=xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx.getvalue()[:2] == b"PK"
    assert seeded_client.get(url + "&format=exe").status_code == 404


def _delimiter(text):
    return ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","


# ---- htmx -----------------------------------------------------------------------------


def test_htmx_request_gets_only_the_results_fragment(seeded_client):
    url = reverse("registry:blueprint") + "?area=hygien"
    response = seeded_client.get(url, headers={"HX-Request": "true"})
    html = page(response)
    assert "<html" not in html and "<h1" not in html
    assert count_of(html) == 23
    assert "HX-Request" in response["Vary"]
    full = page(
        seeded_client.get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    )
    assert "<html" in full
    grid = page(
        seeded_client.get(reverse("registry:blueprint_grid"), headers={"HX-Request": "true"})
    )
    assert "<table" in grid and "<html" not in grid


def test_filter_form_works_without_javascript_and_drives_htmx(seeded_client):
    html = page(seeded_client.get(reverse("registry:blueprint")))
    assert '<form id="filters" class="filters" method="get" action="/"' in html
    assert 'hx-get="/"' in html and 'hx-push-url="true"' in html and 'hx-target="#results"' in html
    assert "js/htmx.min.js" in html and "<script>" not in html and 'style="' not in html


# ---- grid, person, role, item ------------------------------------------------------------


def test_grid_has_a_column_per_role_and_a_mark_per_cell(seeded_client):
    html = page(seeded_client.get(reverse("registry:blueprint_grid") + "?area=hygien"))
    assert '<abbr title="IT-samordnare">ITS</abbr>' in html
    assert '<th scope="rowgroup"' in html and "HYGIEN" in html
    assert '<a href="/person/A.W/">A.W</a>' in html
    assert count_of(html) == 23


def test_person_page_groups_by_area_with_counts(seeded_client):
    html = page(seeded_client.get(reverse("registry:person_detail", args=["A.W"])))
    total = Assignment.objects.filter(person__initials="A.W").count()
    assert f"Ansvarar för {total} ansvarsområden." in html
    hygien = Assignment.objects.filter(
        person__initials="A.W", item__column__area__slug="hygien"
    ).count()
    assert f'<a href="#area-hygien">HYGIEN</a> ({hygien})' in html
    assert "WiFi / Nätverk" in html


def test_role_page_with_a_space_in_the_code(seeded_client):
    response = seeded_client.get(reverse("registry:role_detail", args=["Resp chef"]))
    assert response.status_code == 200
    assert "Resp chef – Respektive chef" in page(response)


def test_unknown_person_role_and_item_are_404(seeded_client):
    assert seeded_client.get("/person/Z.Z/").status_code == 404
    assert seeded_client.get("/roll/NOPE/").status_code == 404
    assert seeded_client.get("/ansvarsomrade/999999/").status_code == 404


def test_item_page_history_link_only_for_those_allowed(client, seed, django_user_model):

    item = Item.objects.get(name="WiFi / Nätverk")
    user = django_user_model.objects.create_user("rektor", password="x")
    assign_perm("organisation.view_unit", user, Unit.objects.get(slug="arstaviken"))
    client.force_login(user)
    html = page(client.get(item.get_absolute_url()))
    assert "A.W · ITS" in html and "Infrastruktur och resurser" in html
    assert "Ändringshistorik" not in html
    user.user_permissions.add(Permission.objects.get(codename="view_item"))
    user = django_user_model.objects.get(pk=user.pk)  # fresh permission cache
    client.force_login(user)
    html = page(client.get(item.get_absolute_url()))
    assert reverse("admin:registry_item_history", args=[item.pk]) in html


def test_my_responsibilities_link_for_a_user_linked_to_a_person(client, seed, django_user_model):

    user = django_user_model.objects.create_user("aw", password="x")
    assign_perm("organisation.view_unit", user, Unit.objects.get(slug="arstaviken"))
    client.force_login(user)
    assert "Mina ansvarsområden" not in page(client.get(reverse("registry:blueprint")))
    # Saved as admin saves (a history row), which is what the page cache watches.
    person = Person.objects.get(initials="A.W")
    person.user = user
    person.save()
    html = page(client.get(reverse("registry:blueprint")))
    assert '<a href="/person/A.W/">Mina ansvarsområden</a>' in html


# ---- query counts ----------------------------------------------------------------------


def build_blueprint(n_items):
    """n items over three areas, each with two assignments at one unit; returns the unit."""
    unit = UnitFactory(slug="stor", name="Stora skolan")
    roles = [RoleFactory(code=f"R{i}", order=i) for i in range(5)]
    person = PersonFactory(organisation=unit.organisation, initials="P.P")
    columns = [
        Column.objects.create(
            area=Area.objects.create(slug=f"a{i}", name=f"AREA {i}", order=i),
            slug=f"c{i}",
            name=f"Kolumn {i}",
        )
        for i in range(3)
    ]
    items = Item.objects.bulk_create(
        Item(column=columns[i % 3], name=f"Ansvar {i}", order=i) for i in range(n_items)
    )
    Assignment.objects.bulk_create(
        [Assignment(item=item, unit=unit, role=roles[i % 5]) for i, item in enumerate(items)]
        + [
            Assignment(item=item, unit=unit, role=roles[0], person=person, order=1)
            for item in items
        ]
    )
    return unit, items[0]


# The fixed number of queries per page for a reader of one unit (see README
# "The blueprint page"): session, user, the user's two permission lookups,
# units, then the page's own reads. The blueprint and grid pages add the data
# version; on a cold cache they read areas, roles, people, version label and
# the user's person, items and assignments (a search reads the item texts
# once more); on a warm cache nothing else. The person, role and item pages
# read the data version and, on a cold cache, the version in force (the
# header's "N ändringar sedan" is cached with the data version). A cold
# blueprint or grid, and the item page, read who holds the roles that entries
# name without a person (role_holders: one query here, where the roles have no
# position).
PINNED = {
    "blueprint": 14,
    "grid": 14,
    # + the search index built for this catalogue (its version, the items, the word list;
    # later searches read the version only)
    "filtered": 17,
    "htmx": 14,
    # a search alone, its matches best first (?ordning=relevans): the catalogue's
    # version read for the filter and again for the order
    "ranked": 16,
    # + what the person holds where (appointments); + "Bekräftelser" (the user's unit scope
    # and the answers: registry.notify.queries.confirmation_history), on the item page too
    "person": 13,
    "role": 11,  # + who holds the role at the page's units (role_holders)
    "item": 13,  # + who holds the role-only entries' roles at the page's units
}
PINNED_WARM = {"blueprint": 6, "grid": 6, "filtered": 6, "htmx": 6, "ranked": 6}
# Cold with the catalogue kept in the process (registry.blueprint.catalogue), as after a write
# at the unit or an emptied cache: without areas, items and roles; a filter is applied to the
# kept items and the unit's entries, no query.
PINNED_CATALOGUE_KEPT = {"blueprint": 11, "grid": 11, "filtered": 12, "htmx": 11, "ranked": 13}


def without_csrf(response):
    """The page with its CSRF tokens (masked anew on every response) left out."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page(response))


def page_urls(first_item):
    return {
        "blueprint": reverse("registry:blueprint"),
        "grid": reverse("registry:blueprint_grid"),
        "filtered": reverse("registry:blueprint") + "?area=a0&role=R0&person=P.P&q=Ansvar",
        "htmx": reverse("registry:blueprint") + "?area=a1",
        "ranked": reverse("registry:blueprint") + "?q=Ansvar&ordning=relevans",
        "person": reverse("registry:person_detail", args=["P.P"]),
        "role": reverse("registry:role_detail", args=["R0"]),
        "item": reverse("registry:item_detail", args=[first_item.pk]),
    }


@pytest.mark.parametrize("n_items", [10, 1000])
def test_query_count_is_fixed_whatever_the_number_of_items(
    client, django_user_model, django_assert_num_queries, n_items
):
    unit, first_item = build_blueprint(n_items)
    user = django_user_model.objects.create_user("reader", password="x")
    assign_perm("organisation.view_unit", user, unit)
    client.force_login(user)
    client.get(reverse("registry:blueprint"))  # the session remembers the unit from now on
    for name, url in page_urls(first_item).items():
        headers = {"HX-Request": "true"} if name == "htmx" else {}
        cache.clear()
        kept_clear()  # a process that has not read the catalogue yet
        with django_assert_num_queries(PINNED[name]):
            response = client.get(url, headers=headers)
        assert response.status_code == 200, name
        if name in PINNED_CATALOGUE_KEPT:
            cache.clear()
            with django_assert_num_queries(PINNED_CATALOGUE_KEPT[name]):
                kept = client.get(url, headers=headers)
            assert without_csrf(kept) == without_csrf(response), name
        if name in PINNED_WARM:
            with django_assert_num_queries(PINNED_WARM[name]):
                warm = client.get(url, headers=headers)
            assert without_csrf(warm) == without_csrf(response), name
    html = page(client.get(reverse("registry:blueprint")))
    assert count_of(html) == n_items


# ---- how each kind of role reads on the poster (issue 11) ------------------------------


def item_row(html, name):
    """The poster's list item of one item: its name and its chips."""
    start = html.index(f">{name}</a>")
    return html[start : html.index('<li class="item">', start)]


def test_individual_role_chip_names_who_holds_it_at_the_unit(seeded_client):

    Person.objects.filter(initials="R.A").update(name="Rut Andersson")
    row = item_row(page(seeded_client.get(reverse("registry:blueprint"))), PROFESSIONAL)
    # ITP is R.A's at Årstaviken (an appointment as it-pedagog): linked, with the name.
    assert re.search(
        r'>ITP<.*?</a> <span class="chip-holders"><a href="/person/R.A/" title="Rut Andersson">'
        r"R.A</a></span>",
        row,
    )


def test_individual_role_nobody_holds_is_marked(seeded_client):
    row = item_row(page(seeded_client.get(reverse("registry:blueprint"))), PROFESSIONAL)
    assert re.search(
        r'>SPE<.*?</a> <span class="chip-holders chip-holders--none">ingen utsedd<', row
    )


def test_collective_and_relative_roles_say_whom_they_mean(seeded_client):
    html = page(seeded_client.get(reverse("registry:blueprint")))
    row = item_row(html, PROFESSIONAL)
    assert 'title="Lärare (alla LÄR på enheten)"' in row
    assert (
        'title="Respektive chef (var och ens egen: den som frågar vänder sig till sin egen)"' in row
    )
    # Neither names anyone nor says nobody was appointed.
    teachers = row[row.index(">LÄR<") : row.index("</li>", row.index(">LÄR<"))]
    assert "chip-holders" not in teachers
    legend = html[html.index('id="legend-heading"') :]
    assert 'Lärare <span class="legend-reach">(alla LÄR på enheten)</span>' in legend
    assert "IT-pedagog <span" not in legend  # individual roles have no such note


def test_grid_names_holders_too(seeded_client):
    html = page(seeded_client.get(reverse("registry:blueprint_grid")))
    row = html[html.index(f">{PROFESSIONAL}</a>") :]
    row = row[: row.index("</tr>")]
    assert '<a href="/person/R.A/">R.A</a>' in row and "ingen utsedd" in row


def test_new_appointment_shows_on_the_next_request(seeded_client):

    url = reverse("registry:blueprint")
    assert "ingen utsedd" in item_row(page(seeded_client.get(url)), PROFESSIONAL)  # cached
    Appointment.objects.create(
        person=Person.objects.get(initials="J.S"),
        position=Position.objects.get(code="specialpedagog"),
        unit=Unit.objects.get(slug="arstaviken"),
    )
    row = item_row(page(seeded_client.get(url)), PROFESSIONAL)
    assert "ingen utsedd" not in row
    assert re.search(r'>SPE<.*?</a> <span class="chip-holders"><a href="/person/J.S/"', row)


PROFESSIONAL = "Ansvar för sin egna professionella utveckling"


# ---- the item page shows role-only entries as the poster does ---------------------------


def item_page(client, name):
    item = Item.objects.get(name=name)
    html = page(client.get(reverse("registry:item_detail", args=[item.pk])))
    return html[html.index("<main") :]


def chip_of(html, code):
    """One chip of a chip list, from its role code to the end of its list item."""
    start = html.index(f">{code}<")
    return html[start : html.index("</li>", start)]


def test_item_page_names_who_holds_a_role_only_entry_at_the_unit(seeded_client):

    Person.objects.filter(initials="A.W").update(name="Anna Westin")
    html = item_page(seeded_client, PROFESSIONAL)
    # ITS at Årstaviken is A.W's (an appointment as it-samordnare), as on the poster.
    assert '<span class="chip-holders"><a href="/person/A.W/" title="Anna Westin">A.W</a>' in (
        chip_of(html, "ITS")
    )
    assert '<span class="chip-holders chip-holders--none">ingen utsedd</span>' in chip_of(
        html, "SPE"
    )


def test_item_page_says_nobody_holds_a_role_once_the_holder_is_gone(seeded_client):

    assert "ingen utsedd" not in chip_of(item_page(seeded_client, PROFESSIONAL), "ITS")
    for appointment in Appointment.objects.filter(person__initials="A.W"):
        appointment.delete()
    its = chip_of(item_page(seeded_client, PROFESSIONAL), "ITS")
    assert "ingen utsedd" in its and "A.W" not in its


def test_item_page_labels_collective_and_relative_roles(seeded_client):
    html = item_page(seeded_client, PROFESSIONAL)
    teachers = chip_of(html, "LÄR")
    assert 'title="Lärare (alla LÄR på enheten)"' in html
    assert "chip-holders" not in teachers  # names nobody, says nobody is missing
    legend = html[html.index('id="legend-heading"') :]
    assert 'Lärare <span class="legend-reach">(alla LÄR på enheten)</span>' in legend
    assert (
        'Respektive chef <span class="legend-reach">'
        "(var och ens egen: den som frågar vänder sig till sin egen)</span>" in legend
    )
    assert "IT-samordnare <span" not in legend  # individual roles have no such note


@pytest.fixture
def its_held_at_both(two_units):
    """ITS points at IT-samordnare: Nils holds it at Norra, Sam at Södra."""
    its = two_units["its"]
    its.position = PositionFactory(code="it-samordnare", level=Position.Level.UNIT)
    its.save()
    AppointmentFactory(person=two_units["nils"], position=its.position, unit=two_units["norra"])
    AppointmentFactory(person=two_units["sam"], position=its.position, unit=two_units["sodra"])
    return its


def test_item_page_names_holders_only_at_the_units_the_reader_sees(
    client, two_units, its_held_at_both, norra_reader, superuser
):
    its = its_held_at_both
    item = ItemFactory(column=two_units["wifi"].column, name="Skrivare")
    for unit in (two_units["norra"], two_units["sodra"]):
        AssignmentFactory(item=item, unit=unit, role=its, person=None)
    url = reverse("registry:item_detail", args=[item.pk])

    client.force_login(norra_reader)
    html = page(client.get(url))
    assert 'href="/person/N.N/"' in html
    assert "S.S" not in html and "Södra skolan" not in html

    client.force_login(superuser)
    html = page(client.get(url))
    norra = html[html.index("<dt>Norra skolan</dt>") : html.index("</dd>", html.index("Norra"))]
    sodra = html[html.index("<dt>Södra skolan</dt>") : html.index("</dd>", html.index("Södra"))]
    assert 'href="/person/N.N/"' in norra and "S.S" not in norra
    assert 'href="/person/S.S/"' in sodra and "N.N" not in sodra


def test_organisation_wide_role_only_entry_names_holders_only_with_one_unit_in_view(
    client, two_units, its_held_at_both, norra_reader, superuser
):
    its = its_held_at_both
    item = ItemFactory(column=two_units["wifi"].column, name="Skrivare")
    AssignmentFactory(item=item, unit=None, role=its, person=None)
    url = reverse("registry:item_detail", args=[item.pk])

    # One unit in view: the holder there, as the poster of that unit says.
    client.force_login(norra_reader)
    whole = page(client.get(url)).split("<dt>Hela huvudmannen</dt>")[1].split("</dd>")[0]
    assert 'href="/person/N.N/"' in whole
    # Two: who holds it differs by unit; the chip names no one and claims no gap.
    client.force_login(superuser)
    whole = page(client.get(url)).split("<dt>Hela huvudmannen</dt>")[1].split("</dd>")[0]
    assert ">ITS<" in whole and "chip-holders" not in whole


@pytest.mark.parametrize("n_units", [2, 12])
def test_item_page_queries_do_not_grow_with_units_or_holders(
    client, django_user_model, django_assert_num_queries, n_units
):

    organisation = OrganisationFactory()
    appointed = RoleFactory(
        code="ITS", position=PositionFactory(code="it-samordnare", level=Position.Level.UNIT)
    )
    unrecorded = RoleFactory(code="SEK", position=None)  # held by those the register names
    teachers = RoleFactory(code="LÄR", kind="kollektiv")
    item, other = ItemFactory(name="Skrivare"), ItemFactory(name="Annat")
    user = django_user_model.objects.create_user("reader", password="x")
    for n in range(n_units):
        unit = UnitFactory(organisation=organisation, slug=f"s{n:02}", name=f"Skola {n:02}")
        assign_perm("organisation.view_unit", user, unit)
        for k in range(2):
            AppointmentFactory(
                person=PersonFactory(organisation=organisation, initials=f"A{k}.{n:02}"),
                position=appointed.position,
                unit=unit,
            )
        clerk = PersonFactory(organisation=organisation, initials=f"S.{n:02}")
        AssignmentFactory(item=other, unit=unit, role=unrecorded, person=clerk)
        for role in (appointed, unrecorded, teachers):
            AssignmentFactory(item=item, unit=unit, role=role, person=None)
    client.force_login(user)
    client.get(reverse("registry:blueprint"))  # the session remembers the unit from now on
    cache.clear()
    # + 2: "Bekräftelser" (the user's unit scope, the answers)
    with django_assert_num_queries(14):
        html = page(client.get(reverse("registry:item_detail", args=[item.pk])))
    last = n_units - 1
    assert f">A0.{last:02}</a>, <a" in html and f">A1.{last:02}<" in html
    assert f">S.{last:02}<" in html


def test_item_page_and_version_say_the_same_in_english(seeded_client):
    from django.utils import translation

    # The requests activate English for this thread; leave it as it was.
    with translation.override(translation.get_language()):
        response = seeded_client.post(reverse("set_language"), {"language": "en", "next": "/"})
        assert response.status_code == 302
        html = item_page(seeded_client, PROFESSIONAL)
        assert 'Teacher <span class="legend-reach">(every LÄR at the unit)</span>' in html
        assert "none appointed" in chip_of(html, "SPE") and "A.W" in chip_of(html, "ITS")
        version = Blueprint.objects.get(version="1.4.0")
        html = page(seeded_client.get(reverse("registry:version_detail", args=[version.pk])))
        assert 'Teacher <span class="legend-reach">(every LÄR at the unit)</span>' in html
        assert "a version does not keep who that was" in html
