"""The admin's blueprint import in real Chromium: upload, preview, confirm."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from registry.models import Item
from tests.browser.conftest import PASSWORD, log_in
from tests.spreadsheets.helpers import csv_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_preview_then_confirm(
    page, live_server, seed, django_user_model, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    django_user_model.objects.create_superuser("chef", "chef@example.org", PASSWORD)
    user = django_user_model.objects.get(username="chef")
    log_in(page, live_server, user, next_path=reverse("admin:registry_item_blueprint_import"))

    content = csv_with(
        ["arstaviken", "HYGIEN", "Infrastruktur och resurser", "WiFi / Nätverk", "A.W ITS; LÄR", ""]
    )
    page.get_by_label("Fil:", exact=True).set_input_files(
        {"name": "ansvar.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.get_by_role("heading", name="Förhandsgranskning av ansvar.csv")).to_be_visible()
    row = page.locator("table.import-preview tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("ins")).to_have_text("A.W ITS; LÄR")
    assert Item.objects.get(name="WiFi / Nätverk").assignments.count() == 1

    page.get_by_role("button", name="Bekräfta och importera").click()
    expect(page.locator(".messagelist")).to_contain_text("Importen är klar.")
    assert Item.objects.get(name="WiFi / Nätverk").assignments.count() == 2


def test_the_role_exports_select_all_box_clears_and_sets_every_field(
    page, live_server, seed, django_user_model
):
    # The box's inline onchange was refused by the Content-Security-Policy (issue 25).
    user = django_user_model.objects.create_superuser("chef", "chef@example.org", PASSWORD)
    log_in(page, live_server, user, next_path=reverse("admin:registry_role_export"))
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]')
    expect(fields.first).to_be_checked()
    page.get_by_label("Markera alla").uncheck()
    assert [box.is_checked() for box in fields.all()] == [False] * fields.count()
    page.get_by_label("Markera alla").check()
    assert all(box.is_checked() for box in fields.all())
    expect(page.get_by_label("Kod", exact=True)).to_be_checked()
