"""In a real browser: the form login works under throttling, and the CSP blocks nothing of ours."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_form_login_works_and_no_page_breaks_the_content_security_policy(
    page, live_server, seed, superuser
):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(live_server.url + "/")
    page.locator("input[name=username]").fill("admin")
    page.locator("input[name=password]").fill("pw-admin-1")
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")
    # htmx under the policy: a filter updates the results in place and the URL.
    page.locator("fieldset.filter-areas input").first.check()
    page.wait_for_url("**area=**")
    page.wait_for_load_state("networkidle")

    for path in [
        "/?area=hygien",
        "/rutnat/",
        "/organisation/tackning/",
        "/admin/",
        "/admin/registry/assignment/",
        "/admin/registry/item/add/",
    ]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
    assert violations == []

    # And the policy does block what it should: an injected inline script.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = true'; document.body.append(s); }"
    )
    assert page.evaluate("() => window.injected === undefined")
    assert any("inline script" in text for text in violations)
