"""In Chromium: the organisation page, a unit page and "Vem frågar jag?" for a technical problem."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from guardian.shortcuts import assign_perm

from organisation.models import Appointment, Person, Position, Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_accessible(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.fixture
def principal(seed, django_user_model):
    unit = Unit.objects.get(slug="arstaviken")
    organisation = unit.organisation
    handler = Person.objects.create(
        organisation=organisation,
        initials="H.A",
        name="Hanna Ansvarig",
        email="hanna@example.org",
        phone="054-123 45",
    )
    Appointment.objects.create(
        person=handler, position=Position.objects.get(code="hanteringsansvarig"), unit=unit
    )
    developer = Person.objects.create(organisation=organisation, initials="V.T", name="Vera Teknik")
    Appointment.objects.create(
        person=developer,
        position=Position.objects.get(code="verksamhetsutvecklare"),
        focus="teknik",
    )
    user = django_user_model.objects.create_user("rektor", password="pw-rektor-1")
    assign_perm("organisation.manage_unit", user, unit)
    return user


def test_organisation_unit_and_technical_support_chain(page, live_server, principal):
    page.goto(live_server.url + "/organisation/")
    page.locator("input[name=username]").fill("rektor")
    page.locator("input[name=password]").fill("pw-rektor-1")
    page.locator("form.login-form button[type=submit]").click()

    page.wait_for_url("**/organisation/huvudman/**")
    assert page.locator("h1").inner_text().startswith("Organisation för digitalisering")
    for heading in ("Huvudmannanivå", "Gemensamma resurser för enheterna", "Enhetsnivå"):
        assert page.get_by_role("heading", name=heading).is_visible()
    assert page.get_by_role("link", name="Hanna Ansvarig").is_visible()
    assert_accessible(page)

    # The unit links from the list of units (and again from the coverage grid).
    page.locator("table.org-units").get_by_role("link", name="Årstaviken").click()
    page.wait_for_url("**/organisation/enhet/arstaviken/")
    assert page.locator("h1").inner_text() == "Årstaviken"
    assert page.get_by_role("heading", name="Personer efter befattning").is_visible()
    # The unit's coverage in short at the top, the findings further down.
    assert page.get_by_role("heading", name="Täckning i korthet").is_visible()
    assert page.get_by_role("heading", name="Brister att åtgärda").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Vem frågar jag?", exact=True).first.click()
    page.get_by_label("Enhet").select_option("arstaviken")
    page.get_by_label("Tekniskt").check()
    page.get_by_role("button", name="Visa").click()
    chain = page.locator("ol.chain > li")
    assert chain.count() == 3
    assert "Hanna Ansvarig" in chain.nth(1).inner_text()
    assert "054-123 45" in chain.nth(1).inner_text()
    assert "IT-enheten" in chain.nth(2).inner_text()
    assert_accessible(page)
