"""Shared helpers for the spreadsheet tests: files from the seed, and the database's state."""

import csv
import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from digiansvar.spreadsheets.writer import spreadsheet_bytes
from organisation.models import Unit
from registry.admin.resources import PersonResource
from registry.blueprint_file.format import HEADERS, blueprint_rows
from registry.models import Assignment, Item
from registry.seed.load import SEED_BLUEPRINT


def seed_text():
    return SEED_BLUEPRINT.read_text(encoding="utf-8")


def csv_with(*rows, header=None):
    """The seed csv's header and the given rows, `;`-separated.

    Rows of six cells make a file without the optional Sökord column (as
    written before issue 12), rows of seven one with it, rows of nine one with
    Kräver ersättare and Lokalt stöd för as well (issue 11).
    """
    stream = io.StringIO()
    if header is None:
        header = ";".join(seed_text().partition("\n")[0].split(";")[: len(rows[0]) if rows else 7])
    stream.write(header + "\n")
    csv.writer(stream, delimiter=";", lineterminator="\n").writerows(rows)
    return stream.getvalue().encode("utf-8")


def database_state():
    """Everything an import may change: the full export, counts and history rows."""
    export = spreadsheet_bytes(
        blueprint_rows(units=Unit.objects.all(), items=Item.objects.all()),
        headers=HEADERS,
        file_format="csv",
    )
    return (
        export,
        Item.objects.count(),
        Assignment.objects.count(),
        Item.history.count(),
        Assignment.history.count(),
        list(Assignment.objects.values_list("pk", "priority", "order").order_by("pk")),
    )


def people_export_form():
    """The admin's people export form with every column of the people resource ticked."""
    return {
        "format": "0",
        "resource": "0",
        **{f"personresource_{name}": "on" for name in PersonResource().fields},
    }


def upload(client, content, name="ansvar.csv", **data):
    """POST a blueprint file to the admin's import page: the preview."""
    return client.post(
        reverse("admin:registry_item_blueprint_import"),
        {"file": SimpleUploadedFile(name, content), **data},
    )


def token_of(response):
    """The token that confirms a previewed import."""
    match = re.search(r'name="token" value="([0-9a-f]+)"', response.content.decode())
    assert match, response.content.decode()[:2000]
    return match.group(1)
