"""The accessibility statement kept true: axe finds nothing on any page it lists.

Also the live region for the result count and one request per filter decision.
"""

import re
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from digiansvar.accessibility import COVERED_PAGES
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    # Only the violations: collecting every passing node doubles the time on a big page.
    "resultTypes": ["violations"],
}


IN_ENGLISH = [
    page
    for page in COVERED_PAGES
    if page.url_name
    in {
        "accessibility",
        "registry:blueprint",
        "registry:support_chain",
        "admin:registry_assignment_history",
        "admin:organisation_person_import",
        "admin:organisation_person_export",
    }
]


def sample_arguments():
    """URL arguments for the listed pages that need an object: one from the seed each."""
    from organisation.models import Organisation
    from registry.models import Assignment, Item

    item = Item.objects.get(name="WiFi / Nätverk")
    assignment = Assignment.objects.filter(item=item).first()
    return {
        "registry:item_detail": [item.pk],
        "registry:person_detail": ["A.W"],
        "registry:role_detail": ["ITS"],
        "registry:organisation_detail": [Organisation.objects.get().slug],
        "registry:unit_detail": ["arstaviken"],
        "admin:registry_assignment_change": [assignment.pk],
        "admin:registry_assignment_history": [assignment.pk],
        "admin:registry_item_change": [item.pk],
        "admin:registry_item_history": [item.pk],
    }


@pytest.mark.parametrize("language", ["sv", "en"])
def test_axe_finds_no_violation_on_any_page_the_statement_lists(
    browser, live_server, seed, superuser, language
):
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    log_in(page, live_server, superuser, password="pw-admin-1")
    if language == "en":
        page.select_option("#language-select", "en")
        page.get_by_role("button", name="Byt").click()
        page.wait_for_load_state()
    arguments = sample_arguments()
    axe = Axe()
    violations = {}
    # Every page in Swedish; in English those whose words come from elsewhere
    # too (third-party admin pages), to check the language is declared right.
    pages = COVERED_PAGES if language == "sv" else [p for p in COVERED_PAGES if p in IN_ENGLISH]
    for covered in pages:
        path = reverse(covered.url_name, args=arguments.get(covered.url_name, []))
        page.goto(live_server.url + path)
        # The login page, visited logged in, is still the login form.
        assert page.locator("html").get_attribute("lang") == language, path
        results = axe.run(page, options=WCAG_21_AA)
        if results.violations_count:
            violations[path] = [
                (v["id"], [node["target"] for node in v["nodes"]])
                for v in results.response["violations"]
            ]
    context.close()
    assert violations == {}


def test_the_statement_is_linked_from_every_page_and_readable_without_login(page, live_server):
    page.goto(f"{live_server.url}/konto/login/")
    page.get_by_role("contentinfo").get_by_role("link", name="Tillgänglighetsredogörelse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tillgänglighet för digiansvar")
    for heading in ["Hur tillgänglig är tjänsten?", "Tillsyn", "Innehåll som inte är tillgängligt"]:
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_role("link", name="anmäla det till Digg")).to_have_attribute(
        "href", "https://www.digg.se/tdosanmalan"
    )
    expect(page.locator(".covered-pages li")).to_have_count(len(COVERED_PAGES))


def test_filters_announce_the_count_and_send_one_request_per_decision(logged_in_page, live_server):
    page = logged_in_page
    requests = []
    page.on("request", lambda r: requests.append(r.url) if r.headers.get("hx-request") else None)
    status = page.get_by_role("status")
    expect(status).to_have_text("150 ansvarsområden")
    expect(status).to_have_attribute("id", "result-count")
    # A live region is announced when its content changes, not when it is replaced.
    page.evaluate("document.getElementById('result-count').dataset.original = 'yes'")

    # Arrowing through the role list: one request once the user stops, not one per key.
    page.get_by_label("Roll", exact=True).focus()
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    page.wait_for_url(re.compile(r"role="))
    expect(status).not_to_have_text("150 ansvarsområden")
    time.sleep(1)
    assert len(requests) == 1, requests

    # Enter in the search box: exactly one request, no request while typing.
    requests.clear()
    page.get_by_label("Roll", exact=True).select_option("")
    page.wait_for_url(re.compile(r"role=&"))
    requests.clear()
    page.get_by_role("searchbox", name="Sök bland ansvarsområdena").press_sequentially(
        "wifi", delay=50
    )
    time.sleep(1)
    assert requests == []
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=wifi"))
    expect(status).to_have_text("1 ansvarsområde")
    time.sleep(1)
    assert len(requests) == 1, requests
    assert page.evaluate("document.getElementById('result-count').dataset.original") == "yes"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_axe_finds_no_violation_on_the_bad_request_page(page, live_server, language):
    # Refused before the login is looked at (digiansvar/bad_input.py): anyone may see it.
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    response = page.goto(f"{live_server.url}/enheter/?q=%00")
    assert response.status == 400
    assert page.locator("html").get_attribute("lang") == language
    expect(page.get_by_role("heading", level=1)).to_have_text(
        {"sv": "Felaktig förfrågan", "en": "Bad request"}[language]
    )
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()
