"""The API's pages in Chromium under the site's CSP: API-nycklar, and the Swagger UI page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_key_is_made_in_the_site_and_the_api_page_lists_the_endpoints(page, live_server, reader):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    log_in(page, live_server, reader, next_path="/konto/api-nycklar/")
    page.fill("#id_name", "Helpdesk")
    page.click("main form button[type=submit]")
    key = page.locator(".key code").inner_text()
    assert re.fullmatch(r"[0-9a-f]{8}\.[\w-]{43}", key)
    expect(page.locator("tbody tr")).to_have_count(1)

    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("digiansvar API")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/search/")).to_be_visible()
    assert violations == []
