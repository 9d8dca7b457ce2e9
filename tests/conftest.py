import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# CI sets REQUIRE_BROWSER=1: a missing Chromium (or LibreOffice, for the
# spreadsheet round trip) fails the run instead of skipping.
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists() or REQUIRE_BROWSER:
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_sessionfinish(session, exitstatus):
    if REQUIRE_BROWSER and not Path(CHROMIUM).exists():
        session.exitstatus = 1


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"REQUIRE_BROWSER=1 but Chromium is missing at {CHROMIUM}")
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Swedish is the site's language; Chromium would otherwise ask for English.
    return {**browser_context_args, "locale": "sv-SE"}


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache.

    The blueprint pages cache by a data version made of the largest ids; a
    rolled-back test on SQLite hands the same ids out again for other data.
    """
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def seed(db):
    from registry.services import seed_load

    seed_load()


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "pw-admin-1")


@pytest.fixture
def soffice():
    path = shutil.which("soffice")
    if not path:
        if REQUIRE_BROWSER:
            pytest.fail("REQUIRE_BROWSER=1 but LibreOffice (soffice) is missing")
        pytest.skip("LibreOffice (soffice) is not installed")
    return path
