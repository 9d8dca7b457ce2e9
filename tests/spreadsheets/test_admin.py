import csv
import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from organisation.models import Person, Unit
from registry.blueprint_file.format import HEADERS
from registry.models import Item, Role
from tests.factories import ItemFactory, UnitFactory
from tests.spreadsheets.helpers import (
    csv_with,
    database_state,
    people_export_form,
    token_of,
    upload,
)

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:registry_item_blueprint_import"
EXPORT_URL = "admin:registry_item_blueprint_export"
WIFI = ["arstaviken", "HYGIEN", "Infrastruktur och resurser", "WiFi / Nätverk"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def rektor(seed, django_user_model):
    """Staff who may change assignments at Årstaviken only."""
    user = django_user_model.objects.create_user("rektor", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_item", "view_assignment", "add_assignment", "change_assignment"]
        )
    )
    assign_perm("organisation.manage_unit", user, Unit.objects.get(slug="arstaviken"))
    return user


@pytest.fixture
def other_rektor(seed, rektor, django_user_model):
    """The same model permissions, but for another unit."""
    user = django_user_model.objects.create_user("annan", is_staff=True)
    user.user_permissions.set(rektor.user_permissions.all())
    other = UnitFactory(slug="annan", organisation=Unit.objects.get(slug="arstaviken").organisation)
    assign_perm("organisation.manage_unit", user, other)
    return user


def test_anonymous_is_sent_to_login(client, seed):
    for name in (IMPORT_URL, EXPORT_URL):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "login" in response.url


def test_staff_without_assignment_rights_may_not_import(client, seed, django_user_model):
    user = django_user_model.objects.create_user("läsare", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_item"))
    client.force_login(user)
    assert client.get(reverse(IMPORT_URL)).status_code == 403
    before = database_state()
    response = upload(client, csv_with([*WIFI, "A.W ITS; LÄR", ""]))
    assert response.status_code == 403
    assert database_state() == before


def test_rektor_previews_then_confirms_an_import(client, rektor, media):
    client.force_login(rektor)
    page = client.get(reverse("admin:registry_item_changelist"))
    assert reverse(IMPORT_URL) in page.content.decode()

    before = database_state()
    preview = upload(client, csv_with([*WIFI, "A.W ITS; LÄR", ""]))
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Förhandsgranskning av ansvar.csv" in html
    assert html.count("<h1") == 1
    assert "<del>A.W ITS</del>" in html and "<ins>A.W ITS; LÄR</ins>" in html
    assert database_state() == before  # nothing saved before the confirm
    token = token_of(preview)
    stored = media / "blueprint-imports" / token
    assert stored.exists()  # in default storage, not a worker's temp folder

    done = client.post(reverse(IMPORT_URL), {"token": token})
    assert done.status_code == 302
    assert done.url == reverse("admin:registry_item_changelist")
    responsible = Item.objects.get(name="WiFi / Nätverk").assignments.values_list(
        "role__code", flat=True
    )
    assert sorted(responsible) == ["ITS", "LÄR"]
    assert not stored.exists()
    # A second confirm of the same upload is refused: it was used up.
    assert not list((media / "blueprint-imports").iterdir())
    assert client.post(reverse(IMPORT_URL), {"token": token}).status_code == 403


def test_replace_checkbox_shows_removals_in_the_preview(client, rektor):
    client.force_login(rektor)
    preview = upload(client, csv_with([*WIFI, "A.W ITS", ""]), replace="on")
    html = preview.content.decode()
    assert "Ersättningsläge" in html
    assert html.count("<td>borttagen</td>") == 149


def test_rektor_cannot_import_another_units_rows(client, other_rektor):
    client.force_login(other_rektor)
    before = database_state()
    response = upload(client, csv_with([*WIFI, "A.W ITS; LÄR", ""]))
    html = response.content.decode()
    assert response.status_code == 200
    # A unit the rektor may not see is unknown to them, as if it did not exist.
    assert "Rad 2, kolumn ”Enhet”, värde ”arstaviken”: Okänd enhet." in html
    assert 'name="token"' not in html
    assert database_state() == before


def test_another_user_cannot_confirm_someone_elses_upload(client, rektor, other_rektor):
    client.force_login(rektor)
    token = token_of(upload(client, csv_with([*WIFI, "A.W ITS; LÄR", ""])))
    client.force_login(other_rektor)
    before = database_state()
    assert client.post(reverse(IMPORT_URL), {"token": token}).status_code == 403
    assert database_state() == before


def test_bad_file_is_reported_in_swedish_and_nothing_saved(client, rektor):
    client.force_login(rektor)
    before = database_state()
    response = upload(client, csv_with([*WIFI, "A.W XYZ", ""]))
    html = response.content.decode()
    assert "Filen importerades inte" in html
    assert "Rad 2, kolumn ”Ansvariga”, värde ”A.W XYZ”" in html
    assert database_state() == before


def test_html_in_cells_is_shown_escaped_in_the_preview(client, superuser, seed):
    client.force_login(superuser)
    response = upload(client, csv_with([*WIFI, "A.W ITS", "<script>alert(1)</script>"]))
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_file_over_the_limit_is_refused_by_the_form(client, rektor, settings):
    settings.DIGIANSVAR_IMPORT_MAX_BYTES = 100
    client.force_login(rektor)
    response = upload(client, csv_with([*WIFI, "A.W ITS; LÄR", ""]))
    assert "större än gränsen 100 byte" in response.content.decode()


def test_export_gives_the_visible_units_rows(client, rektor, other_rektor):
    client.force_login(other_rektor)
    response = client.get(reverse(EXPORT_URL), {"unit": "annan", "file_format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="ansvarsfordelning-annan-1.4.0.csv"'
    )
    lines = response.getvalue().decode("utf-8-sig").splitlines()
    assert len(lines) == 151 and {line.split(";")[0] for line in lines[1:]} == {"annan"}
    # A unit the user may not see is not a choice.
    refused = client.get(reverse(EXPORT_URL), {"unit": "arstaviken", "file_format": "csv"})
    assert refused.status_code == 200 and "Content-Disposition" not in refused


def test_export_page_names_the_columns_the_file_has(client, superuser, seed):
    client.force_login(superuser)
    html = client.get(reverse(EXPORT_URL)).content.decode()
    assert f"med kolumnerna {', '.join(HEADERS)}." in html
    assert len(HEADERS) == 10 and HEADERS[-1] == "Enhetsnamn"


def test_unit_export_has_the_units_name_is_named_for_its_version_and_reimports(
    client, superuser, seed
):
    client.force_login(superuser)
    form = {"unit": "arstaviken", "file_format": "csv"}
    response = client.get(reverse(EXPORT_URL), form)
    assert response["Content-Disposition"] == (
        'attachment; filename="ansvarsfordelning-arstaviken-1.4.0.csv"'
    )
    content = response.getvalue()
    header, *rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert header == HEADERS
    assert {(row[0], row[-1]) for row in rows} == {("arstaviken", "Årstaviken")}
    before = database_state()
    preview = upload(client, content, unit="arstaviken")
    assert "150 oförändrade" in preview.content.decode()
    assert 'name="token"' not in preview.content.decode()  # nothing to confirm
    assert database_state() == before

    Item.objects.get(name="WiFi / Nätverk").assignments.first().delete()
    response = client.get(reverse(EXPORT_URL), form)
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="ansvarsfordelning-arstaviken-1.4.0-andrad-{today}.csv"'
    )
    everything = client.get(reverse(EXPORT_URL), {"file_format": "csv"})
    assert f'filename="ansvarsfordelning-alla-{today}.csv"' in everything["Content-Disposition"]


@pytest.mark.parametrize("extra_items", [0, 300])
def test_export_view_queries_do_not_grow_with_items(
    client, superuser, seed, extra_items, django_assert_max_num_queries
):
    column = Item.objects.first().column
    ItemFactory.create_batch(extra_items, column=column)
    client.force_login(superuser)
    with django_assert_max_num_queries(8):
        response = client.get(reverse(EXPORT_URL), {"file_format": "xlsx"})
        # The file is written while it streams: its queries count too.
        content = response.getvalue()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert content[:2] == b"PK"


@pytest.mark.parametrize("extra_rows", [0, 300])
def test_import_preview_queries_do_not_grow_with_rows(
    client, superuser, seed, extra_rows, django_assert_max_num_queries
):
    rows = [[*WIFI, "A.W ITS; LÄR", ""]]
    rows += [[*WIFI[:3], f"Nytt {n}", "ITS", ""] for n in range(extra_rows)]
    client.force_login(superuser)
    with django_assert_max_num_queries(25):
        response = upload(client, csv_with(*rows))
    assert "Bekräfta och importera" in response.content.decode()


# --- People and roles through django-import-export ---------------------------------


def test_roles_import_with_preview_and_confirm(client, superuser, seed):
    client.force_login(superuser)
    content = "\ufeffKod;Namn;Beskrivning;Befattning;Ordning\nNYR;Ny roll;'=1;;99\n"
    preview = client.post(
        reverse("admin:registry_role_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("roller.csv", content.encode()),
        },
    )
    assert preview.status_code == 200
    html = preview.content.decode()
    assert not Role.objects.filter(code="NYR").exists()
    fields = dict(
        re.findall(
            r'name="(import_file_name|original_file_name|format|resource)" value="([^"]*)"', html
        )
    )
    done = client.post(reverse("admin:registry_role_process_import"), fields)
    assert done.status_code == 302, (fields, done.content.decode()[-3000:], html[-4000:])
    role = Role.objects.get(code="NYR")
    assert (role.name, role.description, role.position, role.order) == ("Ny roll", "=1", None, 99)


def test_people_export_and_reimport_is_unchanged(client, superuser, seed):
    client.force_login(superuser)
    exported = client.post(
        reverse("admin:organisation_person_export"),
        people_export_form(),
    )
    assert exported.status_code == 200
    text = exported.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Huvudman;Initialer;Namn;Titel;E-post;Telefon;Befattningar"
    assert "K.E;;;;;rektor@arstaviken" in text
    preview = client.post(
        reverse("admin:organisation_person_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("personer.csv", text.encode("utf-8")),
        },
    )
    html = preview.content.decode()
    assert preview.status_code == 200
    assert html.count('<tr class="skip">') == 9


def test_people_import_adds_a_position(client, superuser, seed):
    client.force_login(superuser)
    content = (
        "Huvudman;Initialer;Namn;Titel;E-post;Telefon;Befattningar\n"
        "utbildningsforvaltningen;A.W;Anna W;IT-samordnare;anna@example.org;'+46 70 123;"
        "ekonom, it-handledare@arstaviken\n"
    )
    preview = client.post(
        reverse("admin:organisation_person_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("p.csv", content.encode()),
        },
    )
    html = preview.content.decode()
    assert html.count('<tr class="update">') == 1
    fields = dict(
        re.findall(
            r'name="(import_file_name|original_file_name|format|resource)" value="([^"]*)"', html
        )
    )
    assert (
        client.post(reverse("admin:organisation_person_process_import"), fields).status_code == 302
    )
    person = Person.objects.get(initials="A.W")
    assert (person.name, person.title, person.phone) == ("Anna W", "IT-samordnare", "+46 70 123")
    assert sorted(
        (a.position.code, a.unit.slug if a.unit else "") for a in person.appointments.all()
    ) == [("ekonom", ""), ("it-handledare", "arstaviken"), ("it-samordnare", "arstaviken")]


def test_rektor_may_export_but_not_import_people(client, rektor):
    rektor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_person", "change_person"])
    )
    client.force_login(rektor)
    assert client.get(reverse("admin:organisation_person_import")).status_code == 403
    assert Person.objects.count() == 9


def test_a_new_upload_drops_the_files_of_abandoned_previews(client, rektor, media):
    client.force_login(rektor)
    first = token_of(upload(client, csv_with([*WIFI, "A.W ITS; LÄR", ""])))
    second = token_of(upload(client, csv_with([*WIFI, "A.W ITS; SPE", ""])))
    assert [path.name for path in (media / "blueprint-imports").iterdir()] == [second]
    assert client.post(reverse(IMPORT_URL), {"token": first}).status_code == 403
    assert client.post(reverse(IMPORT_URL), {"token": second}).status_code == 302


def test_a_file_without_changes_is_said_so_and_not_kept(client, rektor, media):
    client.force_login(rektor)
    response = upload(client, csv_with([*WIFI, "A.W ITS", ""]))
    html = response.content.decode()
    assert "Filen innehåller inga ändringar." in html
    assert "Oförändrade rader</dt><dd>1</dd>" in html
    assert 'name="token"' not in html
    assert not (media / "blueprint-imports").exists()


def test_confirm_of_a_vanished_upload_asks_for_it_again(client, rektor, media):
    client.force_login(rektor)
    token = token_of(upload(client, csv_with([*WIFI, "A.W ITS; LÄR", ""])))
    (media / "blueprint-imports" / token).unlink()
    before = database_state()
    response = client.post(reverse(IMPORT_URL), {"token": token})
    assert "Den uppladdade filen finns inte längre" in response.content.decode()
    assert database_state() == before


ROLE_FIELDS = ["code", "name", "description", "position", "order", "kind", "needs_deputy"]


def role_import_preview(client, content):
    return client.post(
        reverse("admin:registry_role_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("roller.csv", content.encode("utf-8")),
        },
    )


def test_roles_export_how_each_is_filled_and_reimport_unchanged(client, superuser, seed):
    client.force_login(superuser)
    exported = client.post(
        reverse("admin:registry_role_export"),
        {"format": "0", "resource": "0", **{f"roleresource_{f}": "on" for f in ROLE_FIELDS}},
    )
    text = exported.content.decode("utf-8-sig")
    assert text.splitlines()[0] == (
        "Kod;Namn;Beskrivning;Befattning;Ordning;Hur rollen fylls;Kräver ersättare"
    )
    lines = {line.split(";")[0]: line for line in text.splitlines()[1:]}
    assert lines["LÄR"].endswith(";kollektiv;")
    assert lines["Resp chef"].endswith(";relativ;")
    assert ";it-samordnare;" in lines["ITS"] and lines["ITS"].endswith(";individuell;")
    html = role_import_preview(client, text).content.decode()
    assert 'class="update"' not in html and 'class="new"' not in html


def test_role_import_sets_kind_and_deputy_and_refuses_bad_values(client, superuser, seed):
    client.force_login(superuser)
    header = "Kod;Namn;Hur rollen fylls;Kräver ersättare\n"
    html = role_import_preview(client, header + "VAKT;Vaktmästare;individuell;kanske\n")
    html = html.content.decode()
    assert "Skriv ”ja”, ”nej” eller lämna tomt (nu ”kanske”)." in html
    assert 'field-label">Kräver ersättare<' in html  # the column, as the file names it
    html = role_import_preview(client, header + "VAKT;Vaktmästare;alla;ja\n").content.decode()
    assert "Skriv individuell, kollektiv eller relativ (nu ”alla”)." in html
    assert 'field-label">Hur rollen fylls<' in html
    assert Role.objects.get(code="VAKT").needs_deputy is False

    preview = role_import_preview(client, header + "VAKT;Vaktmästare;individuell;ja\n")
    fields = dict(
        re.findall(
            r'name="(import_file_name|original_file_name|format|resource)" value="([^"]*)"',
            preview.content.decode(),
        )
    )
    done = client.post(reverse("admin:registry_role_process_import"), fields)
    assert done.status_code == 302
    role = Role.objects.get(code="VAKT")
    assert (role.kind, role.needs_deputy) == ("individuell", True)


def test_export_with_a_filter_the_list_does_not_have_is_bad_input(seeded_client):
    # An edited URL (?foo=…) answered 500 before; now the Swedish 400 page.
    for url in ("/admin/organisation/person/export/?foo=1", "/admin/registry/role/export/?x=1"):
        response = seeded_client.get(url)
        assert response.status_code == 400, url
