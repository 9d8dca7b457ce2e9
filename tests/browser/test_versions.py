"""Versions and the review in real Chromium: what changed since 1.4.0, and a rektor's sign-off."""

import re
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_header_leads_to_the_changes_since_1_4_0(logged_in_page, live_server):
    from registry.models import Assignment, Item

    item = Item.objects.get(name__startswith="WiFi")
    item.name = "WiFi / Trådlöst nätverk"
    item.save()
    row = Assignment.objects.filter(
        item__name__startswith="Skolplattform", role__code="ITP"
    ).first()
    Assignment.objects.filter(pk=row.pk).update(priority=Assignment.Priority.DEPUTY)

    page = logged_in_page
    page.goto(f"{live_server.url}/")
    link = page.get_by_role("link", name="2 ändringar sedan 1.4.0")
    expect(link).to_be_visible()
    link.click()
    page.wait_for_url(re.compile(r"/versioner/andringar/\?from=\d+"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ändringar sedan 1.4.0 – Årstaviken")
    expect(page.locator(".result-count")).to_have_text("2 ändringar")
    rename = page.locator("tr.change--item_renamed")
    expect(rename.locator("del")).to_have_text(re.compile("^WiFi"))
    expect(rename.locator("ins")).to_have_text("WiFi / Trådlöst nätverk")
    expect(page.locator("tr.change--made_deputy")).to_contain_text("Blev ersättare")
    # Narrow to the area of the rename only.
    area = page.locator("section.changelog h2").first.inner_text().split(" (")[0]
    page.get_by_label("Område").select_option(area)
    page.get_by_role("button", name="Visa ändringarna").click()
    page.wait_for_url(re.compile(r"area="))
    expect(page.locator("tr.change")).to_have_count(1)
    assert Axe().run(page).violations_count == 0


def test_version_poster_as_it_was(logged_in_page, live_server):
    from registry.models import Blueprint, Item

    Item.objects.filter(name__startswith="WiFi").update(name="Omdöpt")
    page = logged_in_page
    page.goto(f"{live_server.url}/versioner/")
    page.get_by_role("link", name="Affischen 1.4.0").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("version 1.4.0")
    expect(page.locator(".item-name", has_text="WiFi").first).to_be_visible()
    expect(page.locator(".item-name", has_text="Omdöpt")).to_have_count(0)
    expect(page.get_by_role("button", name="Skriv ut")).to_be_visible()
    assert Blueprint.objects.count() == 1


def test_rektor_signs_off_their_unit(page, live_server, seed, django_user_model):
    from django.contrib.auth.models import Permission
    from guardian.shortcuts import assign_perm

    from organisation.models import Organisation, Unit
    from review import services
    from review.models import UnitReview

    unit = Unit.objects.get(slug="arstaviken")
    rektor = django_user_model.objects.create_user(
        "rektor", password=PASSWORD, email="rektor@example.org"
    )
    # A transactional test starts without the groups of the data migrations:
    # give the rektor's permissions directly.
    assign_perm("organisation.manage_unit", rektor, unit)
    rektor.user_permissions.add(Permission.objects.get(codename="change_unitreview"))
    admin = django_user_model.objects.create_superuser("admin", "a@example.org", "pw-admin-1")
    services.review_round_open(
        organisation=Organisation.objects.get(), title="Läsår 2026/27",
        deadline=date(2026, 10, 1), user=admin,
    )  # fmt: skip

    log_in(page, live_server, rektor, next_path="/granskning/")
    page.get_by_role("link", name=unit.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Läsår 2026/27")
    expect(page.get_by_role("heading", name=re.compile("Ändringar sedan senaste"))).to_be_visible()
    expect(page.get_by_text("0 ändringar sedan version 1.4.0.")).to_be_visible()
    assert Axe().run(page).violations_count == 0
    # Returning without questions is refused with a message, and nothing changes.
    page.get_by_role("button", name="Skicka tillbaka med frågor").click()
    expect(page.get_by_role("alert")).to_contain_text("Skriv dina frågor")
    page.get_by_label("Kommentar").fill("Genomgånget med ledningsgruppen.")
    page.get_by_role("button", name="Godkänn enhetens ansvarsfördelning").click()
    expect(page.get_by_role("status")).to_contain_text("är godkänd")
    expect(page.locator(".review-summary strong")).to_have_text("Godkänd")
    review = UnitReview.objects.get(unit=unit)
    assert (review.status, review.comment) == ("signed", "Genomgånget med ledningsgruppen.")


def test_it_strategist_sees_every_unit_and_reminds(page, live_server, seed, django_user_model):
    from django.contrib.auth.models import Permission
    from django.core import mail
    from guardian.shortcuts import assign_perm

    from organisation.models import Organisation, Unit
    from review import services

    unit = Unit.objects.get(slug="arstaviken")
    rektor = django_user_model.objects.create_user("rektor", email="rektor@example.org")
    assign_perm("organisation.manage_unit", rektor, unit)
    strateg = django_user_model.objects.create_user("strateg", password=PASSWORD)
    strateg.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_review_status", "view_unit"])
    )
    admin = django_user_model.objects.create_superuser("admin", "a@example.org", "pw-admin-1")
    round = services.review_round_open(
        organisation=Organisation.objects.get(), title="Läsår 2026/27",
        deadline=date(2026, 10, 1), user=admin,
    )  # fmt: skip

    log_in(page, live_server, strateg, next_path=f"/granskning/{round.pk}/status/")
    chart = page.get_by_role("figure")
    expect(chart).to_contain_text("Enheter per status")
    expect(chart).to_contain_text("Ej granskad: 1 (100 %)")
    expect(chart).to_contain_text("Godkänd: 0 (0 %)")
    expect(page.get_by_role("table")).to_contain_text(unit.name)
    assert Axe().run(page).violations_count == 0
    page.get_by_role("button", name=re.compile("Påminn rektorer")).click()
    expect(page.get_by_role("status")).to_contain_text("Påminnelse skickad till 1 rektor.")
    assert [message.to for message in mail.outbox] == [["rektor@example.org"]]
