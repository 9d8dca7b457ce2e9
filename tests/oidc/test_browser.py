"""Sign-in through the provider in real Chromium: its login form, back as the person, and out."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from organisation.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_with_the_provider_lands_on_the_blueprint_as_that_person(
    page, live_server, oidc, seed
):
    # A transactional test may run after another flushed the migrations' groups.
    Group.objects.get_or_create(name="rektor")
    Person.objects.filter(initials="K.E").update(name="Karin Ek", email="karin.ek@example.org")
    oidc.accounts(
        {
            "karin": {
                "email": "karin.ek@example.org",
                "email_verified": True,
                "groups": ["rektor-arstaviken"],
            }
        }
    )
    page.goto(f"{live_server.url}/")
    page.wait_for_url(re.compile(r"/konto/login/\?next=/$"))
    page.get_by_role("link", name="Logga in med Testkommunen").click()

    # The provider's own login form, on the provider's origin.
    page.wait_for_url(re.compile(rf"^{re.escape(oidc.issuer)}/interaction/"))
    page.fill("input[name=login]", "karin")
    page.fill("input[name=password]", "any-password")
    page.click("button[type=submit]")

    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Årstaviken")
    mine = page.get_by_role("link", name="Mina ansvarsområden")
    expect(mine).to_have_attribute("href", "/person/K.E/")
    # Rektor at Årstaviken through the claim: admin opens.
    expect(page.get_by_role("link", name="Administration")).to_be_visible()

    # Logging out ends the provider's session too, then back to our login page.
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url(re.compile(rf"^{re.escape(oidc.issuer)}/session/end"))
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{live_server.url}/konto/login/")
    expect(page.get_by_role("link", name="Logga in med Testkommunen")).to_be_visible()
