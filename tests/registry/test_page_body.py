"""Whole pages kept for the user who asked (registry/page_body.py): the blueprint page under its
ETag, the coverage report and a huvudman's page under the register's data version. A page asked
for again is not rendered again, shows every write at the next request, and is never another
user's, another day's or another CSRF secret's."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from organisation.models import (
    ITCouncil,
    ITCouncilMembership,
    Organisation,
    Person,
    ProblemKind,
    ServiceAgreement,
    Unit,
)
from registry.blueprint import views as blueprint_views
from tests.registry import test_unit_data_version as unit_writes
from tests.registry.coverage_data import every_check_firing
from tests.registry.test_scale import build

pytestmark = pytest.mark.django_db

BLUEPRINT = reverse("registry:blueprint")
COVERAGE = reverse("registry:coverage")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# Written without history and without a new id (QuerySet.update, raw SQL DELETE): the
# register's data version cannot see them, so the coverage report and a huvudman's page show
# them when their entries expire (DIGIANSVAR_PAGE_CACHE_SECONDS), as the coverage summary
# always has; docs/blueprint-pages.md. The blueprint pages follow them at once (DataVersion).
UNSEEN_BY_THE_REGISTER_VERSION = {"update_without_save", "raw_sql_delete"}
REGISTER_WRITES = [
    write for write in unit_writes.WRITES if write.__name__ not in UNSEEN_BY_THE_REGISTER_VERSION
]


def register_pages():
    return [COVERAGE, COVERAGE + "?sida=2"] + [
        reverse("registry:organisation_detail", args=[slug])
        for slug in Organisation.objects.order_by("slug").values_list("slug", flat=True)
    ]


def served(client, urls):
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        found[url] = TOKEN.sub("", response.content.decode())
    return found


@pytest.fixture
def renders(monkeypatch):
    """The templates rendered by the view functions under test, in order."""
    rendered = []
    import registry.blueprint.detail_views as detail_views
    import registry.coverage.views as coverage_views

    for module in (blueprint_views, detail_views, coverage_views):
        original = module.render
        monkeypatch.setattr(
            module,
            "render",
            lambda request, template, *a, _original=original, **kw: (
                rendered.append(template) or _original(request, template, *a, **kw)
            ),
        )
    return rendered


@pytest.mark.parametrize("write", REGISTER_WRITES, ids=[w.__name__ for w in REGISTER_WRITES])
def test_after_every_kind_of_write_the_register_pages_show_it(client, superuser, positions, write):
    every_check_firing(positions)
    client.force_login(superuser)
    urls = register_pages()
    served(client, urls)
    served(client, urls)  # kept now
    write()
    urls = register_pages()  # a write may add or remove a huvudman
    shown = served(client, urls)
    cache.clear()
    assert shown == served(client, urls)


def test_a_page_asked_again_is_not_rendered_again(client, superuser, positions, renders):
    every_check_firing(positions)
    client.force_login(superuser)
    north = reverse("registry:organisation_detail", args=["norr"])
    unit = Unit.objects.get(slug="u5-1")
    poster = BLUEPRINT + f"?unit={unit.slug}"
    made = {}
    for url in (COVERAGE, north, poster):
        first = client.get(url)
        made[url] = client.get(url).content
        assert TOKEN.sub("", made[url].decode()) == TOKEN.sub("", first.content.decode())
    # The first visit sets the CSRF cookie: the second renders once more and is kept.
    assert renders.count("registry/coverage.html") == 2
    assert renders.count("organisation/organisation_detail.html") == 1
    assert renders.count("registry/blueprint.html") == 1
    for url in (COVERAGE, north, poster):
        assert client.get(url).content == made[url]  # the very same bytes, token and all
    assert len(renders) == 4  # nothing new rendered
    unit_writes.rename_unit()  # a write anywhere: the register pages are made again
    client.get(COVERAGE)
    assert renders.count("registry/coverage.html") == 3


def test_a_kept_page_is_only_ever_its_own_users(client, superuser, positions, django_user_model):
    every_check_firing(positions)
    client.force_login(superuser)
    client.get(COVERAGE)
    mine = client.get(COVERAGE).content.decode()
    other = django_user_model.objects.create_superuser("andra", "a@example.org", "x")
    theirs = Client()
    theirs.force_login(other)
    theirs.get(COVERAGE)
    page = theirs.get(COVERAGE).content.decode()
    assert TOKEN.search(page).group(1) != TOKEN.search(mine).group(1)
    # Same data, another user: the same report without the first user's tokens.
    assert TOKEN.sub("", page) == TOKEN.sub("", mine)


def test_a_kept_pages_csrf_token_still_signs_its_users_forms(superuser, positions):
    every_check_firing(positions)
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    client.get(COVERAGE)
    kept = client.get(COVERAGE)
    token = TOKEN.search(kept.content.decode()).group(1)
    answer = client.post(
        reverse("set_language"), {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert answer.status_code == 302


def test_without_a_csrf_cookie_nothing_is_kept(superuser, positions, renders):
    every_check_firing(positions)
    client = Client()
    client.force_login(superuser)
    for _ in range(3):
        client.cookies.pop("csrftoken", None)
        client.get(COVERAGE)
    assert renders.count("registry/coverage.html") == 3


def test_a_pages_figures_that_age_are_made_again_the_next_day(
    client, superuser, positions, renders, monkeypatch, settings
):
    every_check_firing(positions)
    settings.SESSION_COOKIE_AGE = 3 * 24 * 60 * 60  # still signed in tomorrow
    client.force_login(superuser)
    client.get(COVERAGE)
    client.get(COVERAGE)
    assert renders.count("registry/coverage.html") == 2
    tomorrow = timezone.now() + timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    assert client.get(COVERAGE).status_code == 200
    assert renders.count("registry/coverage.html") == 3


def test_a_user_of_granted_units_gets_the_page_made_each_time(
    client, positions, django_user_model, renders
):
    every_check_firing(positions)
    rektor = django_user_model.objects.create_user("rektor", password="x")
    unit = Unit.objects.get(slug="u5-1")
    assign_perm("organisation.view_unit", rektor, unit)
    assign_perm("organisation.manage_unit", rektor, unit)
    client.force_login(rektor)
    for _ in range(3):
        assert client.get(COVERAGE).status_code == 200
    assert renders.count("registry/coverage.html") == 3
    # A grant taken away shows at once: nothing of the page was kept.
    other = Unit.objects.get(slug="u5-2")
    assign_perm("organisation.view_unit", rektor, other)
    assign_perm("organisation.manage_unit", rektor, other)
    assert other.name in client.get(COVERAGE).content.decode()


def test_a_message_waiting_is_shown_not_a_kept_page(client, superuser):
    units, _role, _item = build(2)
    client.force_login(superuser)
    url = BLUEPRINT + f"?unit={units[0].slug}"
    client.get(url)
    client.get(url)  # kept
    storage = CookieStorage(HttpRequest())
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "Ansvaret flyttat.")])
    assert "Ansvaret flyttat." in client.get(url).content.decode()


def test_a_huvudmans_kept_page_shows_its_it_rad_as_changed(client, superuser, positions):
    # The IT-råd keep no history: their triggers move the huvudman's DataVersion row.
    every_check_firing(positions)
    north = Organisation.objects.get(slug="norr")
    url = reverse("registry:organisation_detail", args=["norr"])
    council = ITCouncil.objects.create(
        organisation=north, school_form=ITCouncil.School.SCHOOL, name="IT-rådet skola"
    )
    client.force_login(superuser)
    client.get(url)
    assert "IT-rådet skola" in client.get(url).content.decode()  # kept now
    council.name = "Digitaliseringsrådet"
    council.save()
    assert "Digitaliseringsrådet" in client.get(url).content.decode()
    member = Person.objects.filter(organisation=north).first()
    ITCouncilMembership.objects.create(council=council, person=member, is_leader=True)
    assert member.name in client.get(url).content.decode()


def test_a_kept_search_page_shows_the_service_agreement_as_changed(client, superuser):
    # The agreement keeps no history: its triggers move the huvudman's version, which the
    # blueprint page's ETag (and so its kept body) holds.
    units, _role, item = build(2)
    item.support_kind = ProblemKind.TECHNOLOGY
    item.save()
    url = BLUEPRINT + f"?unit={units[0].slug}&q=wifi"
    client.force_login(superuser)
    client.get(url)
    assert "IT-enheten" in client.get(url).content.decode()  # kept now
    ServiceAgreement.objects.create(
        organisation=units[0].organisation, it_unit_name="Digitala enheten"
    )
    assert "Digitala enheten" in client.get(url).content.decode()


@pytest.mark.parametrize("count", [2, 200])
def test_a_kept_register_page_costs_the_same_queries_at_2_and_200_units(
    client, superuser, count, django_assert_num_queries
):
    units, _role, _item = build(count)
    client.force_login(superuser)
    url = reverse("registry:organisation_detail", args=[units[0].organisation.slug])
    client.get(url)
    client.get(url)
    # The session, the user, the huvudman (404 for a huvudman the user may not see), the
    # register's data version, the huvudman's DataVersion row (its IT-råd).
    with django_assert_num_queries(5):
        client.get(url)
    client.get(COVERAGE)
    # Whether the user may change any unit (who may see the report at all) for the huvudman.
    with django_assert_num_queries(4):
        client.get(COVERAGE)
