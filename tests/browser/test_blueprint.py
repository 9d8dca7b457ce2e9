"""The blueprint in real Chromium: filters with htmx, chips, search, print and accessibility."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def result_count(page):
    return page.locator(".result-count")


def test_filter_by_area_and_role_updates_in_place_and_the_url_follows(logged_in_page, live_server):
    page = logged_in_page
    expect(result_count(page)).to_have_text("150 ansvarsområden")
    # A marker on the window survives only if htmx swapped the results in place.
    page.evaluate("window.notReloaded = true")
    page.get_by_role("checkbox", name="HYGIEN").check()
    page.wait_for_url(re.compile(r"area=hygien"))
    expect(result_count(page)).to_have_text("23 ansvarsområden")
    expect(page.get_by_role("heading", name=re.compile("^ADMINISTRATION"))).to_have_count(0)
    page.get_by_label("Roll", exact=True).select_option("VAKT")
    page.wait_for_url(re.compile(r"area=hygien.*role=VAKT"))
    expect(result_count(page)).to_have_text("2 ansvarsområden")
    expect(page.locator(".item-name")).to_have_text(
        ["Ansvar för sin egna professionella utveckling", "Säkerhetskåp / förvaring"]
    )
    assert page.evaluate("window.notReloaded") is True
    # The language switch returns to the filtered URL.
    expect(page.locator("form.language input[name=next]")).to_have_value(
        re.compile(r"area=hygien.*role=VAKT")
    )
    # The URL is a link to share: opening it shows the same selection.
    page.goto(page.url)
    expect(result_count(page)).to_have_text("2 ansvarsområden")
    expect(page.get_by_role("checkbox", name="HYGIEN")).to_be_checked()


def test_filters_work_without_javascript(browser, live_server, reader):
    from tests.browser.conftest import log_in

    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    page = context.new_page()
    log_in(page, live_server, reader)
    page.get_by_role("checkbox", name="ADMINISTRATION").check()
    page.get_by_role("button", name="Filtrera").click()
    page.wait_for_url(re.compile(r"area=administration"))
    expect(result_count(page)).to_have_text("65 ansvarsområden")
    context.close()


def test_chip_leads_to_the_person_page(logged_in_page):
    page = logged_in_page
    page.locator(".chip", has_text="A.W · ITS").first.click()
    page.wait_for_url(re.compile(r"/person/A\.W/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("A.W")
    expect(page.get_by_role("heading", name=re.compile("^HYGIEN"))).to_be_visible()


def test_search_wifi_answers_a_w_its(logged_in_page):
    page = logged_in_page
    page.get_by_label("Sök bland ansvarsområdena").fill("wifi")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=wifi"))
    expect(page.get_by_role("heading", name="Vem ansvarar för ”wifi”?")).to_be_visible()
    item = page.locator(".item", has_text="WiFi / Nätverk")
    chip = item.locator(".chip")
    expect(chip).to_have_count(1)
    expect(chip).to_have_text(re.compile(r"^A\.W · ITS"))
    expect(chip).to_have_attribute("title", "IT-samordnare")
    expect(result_count(page)).to_have_text("1 ansvarsområde")


def test_print_media_lays_out_the_areas_as_poster_columns(logged_in_page, artifacts_dir):
    page = logged_in_page
    # A3 landscape at 96 dpi.
    page.set_viewport_size({"width": 1587, "height": 1123})
    page.emulate_media(media="print")
    expect(page.locator(".filters")).to_be_hidden()
    expect(page.locator(".version")).to_contain_text("1.4.0")
    boxes = [
        page.locator(f"#area-{slug}").bounding_box()
        for slug in ("hygien", "administration", "pedagogik")
    ]
    tops = {round(box["y"]) for box in boxes}
    assert len(tops) == 1, boxes  # side by side, like the poster
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
    page.screenshot(path=artifacts_dir / "blueprint-print.png", full_page=True)
    page.pdf(
        path=artifacts_dir / "blueprint-print.pdf", prefer_css_page_size=True, print_background=True
    )
    assert (artifacts_dir / "blueprint-print.png").stat().st_size > 10_000


def test_pages_have_no_accessibility_violations(logged_in_page, live_server):
    from registry.models import Item

    page = logged_in_page
    item = Item.objects.get(name="WiFi / Nätverk")
    axe = Axe()
    for path in [
        "/?area=hygien&q=wifi",
        "/",
        "/rutnat/",
        "/person/A.W/",
        "/roll/Resp%20chef/",
        f"/ansvarsomrade/{item.pk}/",
        "/fraga/?q=skrivaren+fungerar+inte",
        "/fraga/?q=kaffemaskin",
        "/fraga/",
    ]:
        page.goto(live_server.url + path)
        results = axe.run(page)
        assert results.violations_count == 0, (path, results.generate_report())


def test_keyboard_reaches_the_filters_with_visible_focus(logged_in_page):
    page = logged_in_page
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.get_by_role("checkbox", name="HYGIEN").focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"area=hygien"))
