"""Shared helpers for the browser tests: a seeded blueprint and a login through the real form."""

import pytest

PASSWORD = "browser-test-pw-1"


@pytest.fixture
def reader(seed, django_user_model):
    """A rektor who may read Årstaviken (a guardian object permission)."""
    from guardian.shortcuts import assign_perm

    from organisation.models import Unit

    user = django_user_model.objects.create_user("rektor", password=PASSWORD)
    assign_perm("organisation.view_unit", user, Unit.objects.get(slug="arstaviken"))
    return user


def log_in(page, live_server, user, password=PASSWORD, next_path="/"):
    """Log in through the login form, as a person would, and land on next_path."""
    page.goto(f"{live_server.url}/konto/login/?next={next_path}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click(".login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}{next_path}*")


@pytest.fixture
def logged_in_page(page, live_server, reader):
    log_in(page, live_server, reader)
    return page
