"""In a real browser: the form login works under throttling, and the CSP blocks nothing of ours."""

import pytest
from django.urls import reverse

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

    from organisation.models import Unit
    from registry.models import Assignment

    unit = Unit.objects.get(slug="arstaviken")
    for path in [
        "/?area=hygien",
        "/rutnat/",
        "/organisation/tackning/",
        "/admin/",
        "/admin/registry/assignment/",
        "/admin/registry/item/add/",
        # Third-party admin pages whose templates carried inline styles (issue 25).
        reverse("admin:registry_assignment_history", args=[Assignment.objects.first().pk]),
        reverse("admin:organisation_unit_permissions", args=[unit.pk]),
        reverse("admin:registry_role_export"),
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
