"""In Chromium: a principal asks whom to turn to and gets the person the blueprint names.

"Vem frågar jag?" and the question box draw on the same register as the
blueprint (issue 11): for a technical problem at Årstaviken that is A.W,
who has "Support lokalt", with a link to write to them.
"""

import re

import pytest
from guardian.shortcuts import assign_perm
from playwright.sync_api import expect

from organisation.models import Person, Unit
from tests.browser.conftest import PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def principal(seed, django_user_model):
    """The rektor of Årstaviken; A.W (local support in the seed) has an e-mail address."""
    Person.objects.filter(initials="A.W").update(email="aw@arstaviken.example")
    user = django_user_model.objects.create_user("rektor-who", password=PASSWORD)
    assign_perm("organisation.manage_unit", user, Unit.objects.get(slug="arstaviken"))
    return user


def test_principal_finds_local_support_from_the_blueprint_with_a_way_to_write(
    page, live_server, principal
):
    log_in(page, live_server, principal, next_path="/")
    # Who the blueprint names for "Support lokalt" at the unit.
    row = page.locator("li.item", has=page.get_by_role("link", name="Support lokalt", exact=True))
    named = row.locator(".chip").first.inner_text().split(" · ")[0]
    assert named == "A.W"

    page.get_by_role("link", name="Vem frågar jag?", exact=True).first.click()
    page.get_by_label("Enhet").select_option("arstaviken")
    page.get_by_label("Tekniskt").check()
    page.get_by_role("button", name="Visa").click()
    first_line = page.locator("ol.chain > li").nth(1)
    expect(first_line).to_contain_text("Hanteringsansvarig")
    expect(first_line).to_contain_text("Enligt ansvarsfördelningen: Support lokalt.")
    expect(first_line.get_by_role("link", name=named, exact=True)).to_be_visible()
    mail = first_line.get_by_role("link", name="aw@arstaviken.example")
    expect(mail).to_have_attribute("href", "mailto:aw@arstaviken.example")
    expect(first_line).not_to_contain_text("Saknas")

    # The question box answers with the same chain.
    box = page.get_by_role("searchbox", name="Vem ansvarar för …?")
    box.fill("wifi fungerar inte")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/fraga/\?q=wifi"))
    answer = page.locator("ol.support-chain > li.chain-step--hanteringsansvarig").first
    expect(answer.get_by_role("link", name=named, exact=True)).to_be_visible()
    expect(answer.get_by_role("link", name="aw@arstaviken.example")).to_have_attribute(
        "href", "mailto:aw@arstaviken.example"
    )
