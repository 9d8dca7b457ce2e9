import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# CI sets REQUIRE_BROWSER=1: a missing Chromium (or LibreOffice, for the
# spreadsheet round trip) fails the run instead of skipping.
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# The password of the users the browser tests log in with through the form.
PASSWORD = "browser-test-pw-1"


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
    """Every test starts with an empty cache, and nothing kept in the process (the search
    index; the blueprint's catalogue, poster skeleton and rendered chips).

    The blueprint pages cache by a data version made of the largest ids; a
    rolled-back test on SQLite hands the same ids out again for other data.
    """
    from django.core.cache import cache

    from registry.blueprint.page_cache import kept_clear
    from registry.search.index import index_clear

    cache.clear()
    index_clear()
    kept_clear()


@pytest.fixture(autouse=True)
def site_language():
    """Every test starts in the site's language (Swedish).

    A request in English activates English for the thread, and nothing
    switches it back after the response: without this, a later test that
    calls gettext outside a request would read English.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def seed(db):
    """The seed organisation and blueprint (fixtures/), loaded as load_seed does."""
    from registry.seed.load import seed_load

    seed_load()


@pytest.fixture
def superuser(db, django_user_model):
    """The superuser "admin", password "pw-admin-1"."""
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "pw-admin-1")


@pytest.fixture
def seeded_client(client, seed, superuser):
    """The test client logged in as the superuser, with the seed loaded."""
    client.force_login(superuser)
    return client


@pytest.fixture
def reader(seed, django_user_model):
    """The user "rektor" (password PASSWORD), who may read the seed's Årstaviken only."""
    from guardian.shortcuts import assign_perm

    from organisation.models import Unit

    user = django_user_model.objects.create_user("rektor", password=PASSWORD)
    assign_perm("organisation.view_unit", user, Unit.objects.get(slug="arstaviken"))
    return user


@pytest.fixture
def soffice():
    path = shutil.which("soffice")
    if not path:
        if REQUIRE_BROWSER:
            pytest.fail("REQUIRE_BROWSER=1 but LibreOffice (soffice) is missing")
        pytest.skip("LibreOffice (soffice) is not installed")
    return path
