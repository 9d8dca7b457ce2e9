"""Shared helpers for the browser tests: a login through the real form, and a page so logged in."""

import os
from pathlib import Path

import pytest

from tests.conftest import PASSWORD


def log_in(page, live_server, user, password=PASSWORD, next_path="/"):
    """Log in through the login form, as a person would, and land on next_path."""
    page.goto(f"{live_server.url}/konto/login/?next={next_path}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click(".login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}{next_path}*")


@pytest.fixture
def logged_in_page(page, live_server, reader):
    """The browser page, logged in as the reader through the login form."""
    log_in(page, live_server, reader)
    return page


@pytest.fixture(scope="session")
def docs_images():
    """Where the tests that check the pages the docs show save their screenshots:
    test-artifacts/ in a test run, docs/img/ with DOCS_SCREENSHOTS=1 (`make screenshots`), so
    that a test run leaves the working tree as it found it."""
    root = Path(__file__).resolve().parents[2]
    path = (
        root / "docs" / "img"
        if os.environ.get("DOCS_SCREENSHOTS") == "1"
        else root / "test-artifacts"
    )
    path.mkdir(exist_ok=True)
    return path
