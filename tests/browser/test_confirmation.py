"""The e-mail's confirmation link in a browser: read from the test outbox, confirmed, and the
poster's chip loses its mark; the e-mail's HTML passes the pages' accessibility check."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import expect

from registry.notify.services import responsibility_digest_send
from registry.services import assignment_reassign
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import WCAG_21_AA
from tests.conftest import PASSWORD
from tests.notify.conftest import register, started  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def chip_of(page, item):
    return page.locator("li.item", has=page.get_by_role("link", name=item, exact=True)).locator(
        "a.chip"
    )


def test_the_emails_link_confirms_and_the_posters_chip_loses_its_mark(
    page,
    live_server,
    started,  # noqa: F811
):
    r = started
    for person in (r.aw, r.rektor):
        person.user.set_password(PASSWORD)
        person.user.save()
    assignment_reassign(from_person=r.em, to_person=r.aw, user=r.admin)
    responsibility_digest_send(base_url=live_server.url)
    (message,) = [message for message in mail.outbox if message.to == ["aw@hem.example"]]
    html, _mimetype = message.alternatives[0]
    link = re.search(r'href="([^"]*/bekrafta/[^"]+)"[^>]*>Bekräfta eller avböj Skrivare 1<', html)

    log_in(page, live_server, r.rektor.user)
    page.goto(f"{live_server.url}/?unit=hemskolan")
    chip = chip_of(page, "Skrivare 1")
    expect(chip).to_contain_text("(ej bekräftad)")
    expect(chip.locator(".chip-mark")).to_have_attribute("title", "ej bekräftad")

    page.context.clear_cookies()
    log_in(page, live_server, r.aw.user)
    page.goto(link.group(1).replace("&amp;", "&"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bekräfta ansvar")
    assert Axe().run(page, options=WCAG_21_AA).violations_count == 0
    page.get_by_role("button", name="Bekräfta").click()
    page.wait_for_url(f"{live_server.url}/person/A.W/")
    expect(page.get_by_role("status")).to_contain_text("Du har bekräftat ansvaret")

    page.goto(f"{live_server.url}/?unit=hemskolan")
    expect(chip_of(page, "Skrivare 1")).not_to_contain_text("ej bekräftad")
    expect(chip_of(page, "Skrivare 1").locator(".chip-mark")).to_have_count(0)
    expect(chip_of(page, "Skrivare 2")).to_contain_text("(ej bekräftad)")


def test_the_emails_html_passes_the_accessibility_check(page, started):  # noqa: F811
    r = started
    assignment_reassign(from_person=r.em, to_person=r.aw, user=r.admin)
    responsibility_digest_send()
    for message in mail.outbox:
        html, _mimetype = message.alternatives[0]
        page.set_content(html)
        expect(page.locator("html")).to_have_attribute("lang", "sv")
        results = Axe().run(page, options=WCAG_21_AA)
        assert results.violations_count == 0, results.response["violations"]
