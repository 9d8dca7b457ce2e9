"""Every admin page: in Swedish, without common English words; without inline style or script.

The pages come from the admin registry (tests/admin/pages.py), so a new
admin, or a new page of one, is checked without a line here. Each is opened
as a rektor, an administratör and a superuser, with Swedish chosen; a page
the user may not open is skipped, but each user must reach the pages listed
in MUST_REACH. Words are matched whole and case as written, in the text a
reader sees (tags, scripts and styles stripped), after removing what is data
(the rows' names and the usernames). Inline styles and event handlers are
refused by the Content-Security-Policy: each one is a console error and
something that does not work.
"""

import re
from datetime import date

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model

from registry.models import Blueprint
from review.models import ReviewRound
from tests.admin.pages import admin_pages, contains, visible_words

pytestmark = pytest.mark.django_db

ENGLISH = [
    "Add",
    "Change",
    "Delete",
    "History",
    "Users",
    "Groups",
    "Object permissions",
    "Can add",
    "Can change",
    "Can view",
    "Export",
    "Import",
    "Save",
    "Search",
    "Edit",
    "historical",
    # Seen in Swedish pages before issue 25: guardian's page, the export's
    # field names, permission names, axes' app and the blueprint's old name.
    "User",
    "Group",
    "Action",
    "Manage user",
    "Manage group",
    "Enter a value",
    "Code",
    "Needs Deputy",
    "log entry",
    "object permission",
    "Axes",
    "Blueprint",
    "None",
]

# What each user must have been shown (url names), so a page cannot drop out unnoticed.
MUST_REACH = {
    "rektor_a": {
        "admin:index",
        "admin:registry_assignment_changelist",
        "admin:registry_assignment_add",
        "admin:registry_assignment_change",
        "admin:registry_assignment_history",
        "admin:registry_assignment_simple_history",
        "admin:organisation_person_export",
        "admin:registry_role_export",
    },
    "administratör": {
        "admin:organisation_unit_permissions",
        "admin:organisation_unit_permissions_manage_user",
        "admin:organisation_unit_permissions_manage_group",
        "admin:organisation_unit_history",
        "admin:registry_role_import",
        "admin:organisation_person_import",
        "admin:registry_item_blueprint_import",
        "admin:registry_item_blueprint_export",
        "admin:auth_user_change",
    },
    "superuser": {
        "admin:auth_user_change",
        "admin:auth_user_add",
        "admin:auth_group_change",
        "admin:axes_accessattempt_changelist",
        "admin:axes_accesslog_change",
        "admin:app_list",
    },
}


@pytest.fixture
def users(world, admin_user):
    AccessAttempt.objects.create(username="rektor_a", ip_address="10.0.0.1", failures_since_start=1)
    AccessLog.objects.create(username="rektor_a", ip_address="10.0.0.1")
    AccessFailureLog.objects.create(username="rektor_a", ip_address="10.0.0.1")
    Blueprint.objects.create(
        organisation=world.org, title="Ansvarsfördelning", version="1", published=date(2026, 8, 1)
    )
    ReviewRound.objects.create(
        organisation=world.org, title="Läsår 2026/27", deadline=date(2026, 10, 1)
    )
    return {
        "rektor_a": world.users["rektor_a"],
        "administratör": world.users["administratör"],
        "superuser": admin_user,
    }


def data_strings():
    """Names typed by people: every row's str() and every username, longest first."""
    strings = {user.username for user in get_user_model().objects.all()}
    for model in admin.site._registry:
        strings.update(str(obj) for obj in model._default_manager.all()[:50])
    return sorted((s for s in strings if s.strip()), key=len, reverse=True)


def walk(client, user):
    """(url name, path, html) of every admin page `user` opens, in Swedish."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    for name, path in admin_pages(user):
        response = client.get(path)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            yield name, path, response.content.decode()


def report(found):
    return "\n".join(f"{path}: {', '.join(hits)}" for path, hits in found.items())


@pytest.mark.parametrize("user_name", list(MUST_REACH))
def test_every_admin_page_in_swedish_holds_no_common_english_word(client, users, user_name):
    data = data_strings()
    reached, found = set(), {}
    for name, path, content in walk(client, users[user_name]):
        reached.add(name)
        text = " ".join(visible_words(content))
        for value in data:
            text = text.replace(value, " ")
        hits = [word for word in ENGLISH if contains(text.split(), word)]
        if hits:
            found[path] = hits
    assert MUST_REACH[user_name] <= reached, sorted(MUST_REACH[user_name] - reached)
    assert not found, report(found)


INLINE = re.compile(r"<style\b[^>]*>|<[^>]*\s(?:style|on[a-z]+)\s*=[^>]*>")


def test_no_admin_page_holds_an_inline_style_or_event_handler(client, users):
    # The templates are the same for everyone; the superuser opens every page.
    found = {}
    for _name, path, content in walk(client, users["superuser"]):
        without_scripts = re.sub(r"<script\b.*?</script>", " ", content, flags=re.S)
        hits = INLINE.findall(without_scripts)
        if hits:
            found[path] = hits
    assert not found, report(found)
