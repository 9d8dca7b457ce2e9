"""Every spreadsheet the site writes leaves a formula-like name as text, never as a formula."""

import csv
import io
import json
import zipfile
from xml.etree import ElementTree

import openpyxl
import pytest
from django.core.management import call_command
from django.http import StreamingHttpResponse
from django.urls import reverse

from digiansvar.spreadsheets.admin import SPREADSHEET_FORMATS
from organisation.models import Unit
from registry.models import Column
from tests.factories import ItemFactory, PersonFactory, RoleFactory

pytestmark = pytest.mark.django_db

NAMES = ['=HYPERLINK("http://x","y")', "-1+2", "+46 8 123", "@SUM(A1)"]
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def cells_of(content, file_format):
    """Every non-empty cell of the file as (text, kind); kind says formula or not."""
    if file_format == "csv":
        text = content.decode("utf-8-sig")
        return [
            (cell, "csv") for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row
        ]
    if file_format == "json":
        return [(value, "json") for row in json.loads(content) for value in row.values()]
    if file_format == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        return [
            (cell.value, cell.data_type)
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        ]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        document = ElementTree.fromstring(archive.read("content.xml"))
    return [
        (
            "\n".join("".join(p.itertext()) for p in cell.iter(f"{TEXT}p")),
            "formula" if cell.get(f"{TABLE}formula") else cell.get(f"{OFFICE}value-type"),
        )
        for cell in document.iter(f"{TABLE}table-cell")
        if len(cell)
    ]


def assert_names_are_text(content, file_format, names=NAMES):
    cells = cells_of(content, file_format)
    assert cells, "empty file"
    if file_format == "csv":
        # No types in csv: the apostrophe makes Excel and LibreOffice show text.
        texts = {text for text, _kind in cells}
        for name in names:
            assert "'" + name in texts and name not in texts
        return
    kinds = {}
    for text, kind in cells:
        kinds.setdefault(text, set()).add(kind)
    for name in names:
        assert name in kinds, (name, cells[:20])
        expected = {"xlsx": {"s"}, "ods": {"string"}, "json": {"json"}}[file_format]
        assert kinds[name] == expected
    assert not any(kind in ("f", "formula") for _text, kind in cells)


def body(response):
    assert response.status_code == 200
    return response.getvalue()


@pytest.fixture
def formula_items(seed):
    column = Column.objects.first()
    for name in NAMES:
        ItemFactory(column=column, name=name, description=name)


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "ods", "json"])
def test_admin_blueprint_export(client, superuser, formula_items, file_format):
    client.force_login(superuser)
    response = client.get(
        reverse("admin:registry_item_blueprint_export"),
        {"unit": "arstaviken", "file_format": file_format},
    )
    assert isinstance(response, StreamingHttpResponse)
    assert_names_are_text(body(response), file_format)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_blueprint_page_export(client, superuser, formula_items, file_format):
    client.force_login(superuser)
    response = client.get(
        reverse("registry:blueprint_export"), {"unit": "arstaviken", "format": file_format}
    )
    assert isinstance(response, StreamingHttpResponse)
    assert_names_are_text(body(response), file_format)


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "ods", "json"])
def test_export_blueprint_command(formula_items, tmp_path, file_format):
    target = tmp_path / f"ansvar.{file_format}"
    call_command("export_blueprint", "-o", str(target), stderr=io.StringIO())
    assert_names_are_text(target.read_bytes(), file_format)


def admin_export(client, url, resource, fields, file_format):
    index = [f.__name__.lower() for f in SPREADSHEET_FORMATS].index(file_format)
    return client.post(
        url,
        {"format": str(index), "resource": "0", **{f"{resource}_{f}": "on" for f in fields}},
    )


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "ods", "json"])
def test_people_export(client, superuser, seed, file_format):
    organisation = Unit.objects.get(slug="arstaviken").organisation
    for number, name in enumerate(NAMES):
        PersonFactory(organisation=organisation, initials=f"F.{number}", name=name, phone=name)
    client.force_login(superuser)
    response = admin_export(
        client,
        reverse("admin:organisation_person_export"),
        "personresource",
        ["organisation", "initials", "name", "email", "phone", "positions"],
        file_format,
    )
    assert_names_are_text(body(response), file_format)


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "ods", "json"])
def test_role_export(client, superuser, seed, file_format):
    for number, name in enumerate(NAMES):
        RoleFactory(code=f"F{number}", name=name, description=name)
    client.force_login(superuser)
    response = admin_export(
        client,
        reverse("admin:registry_role_export"),
        "roleresource",
        ["code", "name", "description", "position", "order"],
        file_format,
    )
    content = body(response)
    assert_names_are_text(content, file_format)
    if file_format == "xlsx":
        # Numbers stay numbers.
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        assert sheet.cell(row=2, column=5).data_type == "n"


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "ods", "json"])
def test_role_export_reimports_unchanged(client, superuser, seed, file_format):
    """What the admin export wrote, its import reads back: names and all."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    for number, name in enumerate([*NAMES, "'=x"]):
        RoleFactory(code=f"F{number}", name=name, description=name)
    client.force_login(superuser)
    exported = admin_export(
        client,
        reverse("admin:registry_role_export"),
        "roleresource",
        ["code", "name", "description", "position", "order"],
        file_format,
    )
    index = [f.__name__.lower() for f in SPREADSHEET_FORMATS].index(file_format)
    preview = client.post(
        reverse("admin:registry_role_import"),
        {
            "resource": "0",
            "format": str(index),
            "import_file": SimpleUploadedFile(f"roller.{file_format}", body(exported)),
        },
    )
    html = preview.content.decode()
    assert preview.status_code == 200
    assert 'class="update"' not in html and 'class="new"' not in html, html[-3000:]
    assert html.count('<tr class="skip">') >= len(NAMES) + 1


def test_every_admin_export_and_import_goes_through_the_one_writer_and_reader():
    from django.contrib import admin
    from import_export.admin import ExportMixin, ImportMixin

    from digiansvar.spreadsheets.admin import SpreadsheetFormat, SpreadsheetImportExportMixin

    spreadsheet_admins = [
        model_admin
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, ExportMixin | ImportMixin)
    ]
    assert {type(a).__name__ for a in spreadsheet_admins} >= {"PersonAdmin", "RoleAdmin"}
    for model_admin in spreadsheet_admins:
        assert isinstance(model_admin, SpreadsheetImportExportMixin), model_admin
        formats = [*model_admin.get_export_formats(), *model_admin.get_import_formats()]
        assert formats and all(issubclass(f, SpreadsheetFormat) for f in formats), model_admin


def test_admin_import_of_an_unreadable_file_says_why_in_swedish(client, superuser, seed):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(superuser)
    content = "Kod;Namn\nNYR;Förnyad\n".encode("cp1252")
    response = client.post(
        reverse("admin:registry_role_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("roller.csv", content),
        },
    )
    assert response.status_code == 200
    assert "Filen är inte UTF-8-kodad" in response.content.decode()


def test_coverage_export(client, superuser, formula_items):
    """Items nobody is responsible for at the unit are findings, named in the xlsx."""
    client.force_login(superuser)
    response = client.get(reverse("registry:coverage_export"), {"unit": "arstaviken"})
    assert isinstance(response, StreamingHttpResponse)
    content = body(response)
    assert_names_are_text(content, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.column_dimensions["A"].width == 45


@pytest.mark.parametrize("extra_items", [0, 300])
def test_blueprint_page_export_queries_do_not_grow_with_items(
    client, superuser, seed, extra_items, django_assert_max_num_queries
):
    ItemFactory.create_batch(extra_items, column=Column.objects.first())
    client.force_login(superuser)
    url = reverse("registry:blueprint_export")
    # The first export after a change compares the unit with the version in
    # force, for the file's name (page_cache.version_header): once per data
    # version and unit, as the page header does.
    with django_assert_max_num_queries(22):
        client.get(url, {"unit": "arstaviken", "format": "xlsx"}).getvalue()
    with django_assert_max_num_queries(12):
        response = client.get(url, {"unit": "arstaviken", "format": "xlsx"})
        # Written while it streams: the rows' queries are counted too.
        rows = list(openpyxl.load_workbook(io.BytesIO(response.getvalue())).active.values)
    assert len(rows) == 151 + extra_items
