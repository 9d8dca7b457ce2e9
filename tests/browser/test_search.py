"""The header's question box in real Chromium: ask in everyday words, land on who is responsible."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_question_in_the_header_box_lands_on_the_responsible(logged_in_page, live_server):
    page = logged_in_page
    page.goto(f"{live_server.url}/organisation/")  # every page has the box
    box = page.get_by_role("searchbox", name="Vem ansvarar för …?")
    box.fill("skrivaren fungerar inte")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/fraga/\?q=skrivaren"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Vem ansvarar för ”skrivaren fungerar inte”?"
    )
    first = page.locator(".search-answer").first
    expect(first.get_by_role("heading", level=2)).to_have_text("Skrivare")
    expect(first).to_contain_text("Ansvarig på Årstaviken")
    expect(first.locator(".chip")).to_have_text(re.compile(r"^A\.W · ITS"))
    # A printer is a support matter: the unit's support chain follows.
    expect(page.locator(".support-chain")).to_be_visible()
    first.get_by_role("link", name="Skrivare").click()
    page.wait_for_url(re.compile(r"/ansvarsomrade/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Skrivare")


def test_typing_error_still_finds_the_item_and_no_answer_suggests(logged_in_page):
    page = logged_in_page
    box = page.get_by_role("searchbox", name="Vem ansvarar för …?")
    box.fill("skrviare")
    box.press("Enter")
    expect(page.locator(".search-answer").first.get_by_role("heading")).to_have_text("Skrivare")
    box = page.get_by_role("searchbox", name="Vem ansvarar för …?")
    box.fill("kaffemaskin")
    box.press("Enter")
    expect(page.get_by_text("Menade du …?")).to_be_visible()
    page.get_by_role("link", name="Frankeringsmaskin").click()
    expect(page.locator(".search-answer").first.get_by_role("heading")).to_have_text(
        "Frankeringsmaskin"
    )
