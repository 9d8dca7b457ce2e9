"""The admin pages we show from third-party apps speak the user's language.

Swedish UI: no English interface string of django-simple-history or
django-import-export on the history and import/export pages. The English
strings are taken from those packages' own catalogues (every msgid they
ship), not from ours, so a string our Swedish catalogue forgot shows up here.
English UI: none of the Swedish interface strings we add (our catalogue's
Swedish msgids, the Swedish translations in locale/sv) outside data.
"""

import re
from pathlib import Path

import import_export
import polib
import pytest
import simple_history
from django.conf import settings
from django.urls import reverse

from registry.models import Assignment
from tests.admin.pages import contains, visible_words

PLACEHOLDER = re.compile(r"%\([^)]+\)[sd]|%[sd]|\{[^}]*\}")


def package_msgids(package):
    """Every msgid a package ships, read from one of its catalogues (all list the same msgids)."""
    locale = Path(package.__file__).parent / "locale"
    catalogue = sorted(locale.glob("*/LC_MESSAGES/django.po"), key=lambda p: p.stat().st_size)[-1]
    return {entry.msgid for entry in polib.pofile(str(catalogue))} - {""}


def our_swedish(msgid):
    """The Swedish our catalogue gives a third-party msgid ("" if none)."""
    entry = polib.pofile(str(Path(settings.BASE_DIR) / "locale/sv/LC_MESSAGES/django.po")).find(
        msgid
    )
    return entry.msgstr if entry else ""


def phrases(text):
    """The fixed parts of a message, long enough to recognise (placeholders cut out)."""
    return [part.strip(" :.") for part in PLACEHOLDER.split(text) if len(part.strip(" :.")) >= 4]


def visible_text(response):
    return visible_words(response.content.decode())


@pytest.fixture
def pages(world):
    row = Assignment.objects.get(pk=world.row_a.pk)
    return [
        reverse("admin:registry_assignment_history", args=[row.pk]),
        reverse("admin:registry_item_history", args=[world.item.pk]),
        reverse("admin:registry_role_import"),
        reverse("admin:registry_role_export"),
        reverse("admin:organisation_person_import"),
        reverse("admin:organisation_person_export"),
        reverse("admin:registry_item_blueprint_import"),
    ]


def data_strings(world):
    """What the pages show as data (names typed by people): may be Swedish in any UI."""
    return [str(obj) for obj in (world.item, world.role, world.row_a, world.unit_a)] + [
        world.role.name,
        world.item.name,
    ]


def get(client, user, path, language):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(path)
    assert response.status_code == 200, path
    return response


def test_swedish_history_and_import_pages_hold_no_english_interface_strings(
    client, superuser, pages
):
    english = set()
    for package in (simple_history, import_export):
        for msgid in package_msgids(package):
            if our_swedish(msgid) == msgid:
                continue  # the same word in both languages ("Format")
            english.update(phrases(msgid))
    english.add("None")
    assert {"Changed by", "Object", "File to import"} <= english
    found = {}
    for path in pages:
        words = visible_text(get(client, superuser, path, "sv"))
        hits = sorted(phrase for phrase in english if contains(words, phrase))
        if hits:
            found[path] = hits
    assert found == {}


def test_english_history_and_import_pages_hold_no_swedish_interface_strings(
    client, superuser, pages, world
):
    ours = polib.pofile(str(Path(settings.BASE_DIR) / "locale/en/LC_MESSAGES/django.po"))
    third_party = polib.pofile(str(Path(settings.BASE_DIR) / "locale/sv/LC_MESSAGES/django.po"))
    swedish = set()
    for entry in ours:
        # A third-party template we override keeps its English msgids, "translated" to themselves.
        english = entry.msgstr_plural.get(0) if entry.msgid_plural else entry.msgstr
        if english != entry.msgid and " " in entry.msgid:
            swedish.update(phrases(entry.msgid))
    for entry in third_party:
        if entry.msgstr and entry.msgstr != entry.msgid:
            swedish.update(phrases(entry.msgstr))
    swedish.update(["Ändrad av", "Historik", "Importera", "Ändringshistorik"])
    data = data_strings(world)
    found = {}
    for path in pages:
        words = " ".join(visible_text(get(client, superuser, path, "en")))
        for value in data:
            words = words.replace(value, " ")
        hits = sorted(phrase for phrase in swedish if contains(words.split(), phrase))
        if hits:
            found[path] = hits
    assert found == {}


def test_positions_and_roles_are_named_in_english_in_the_english_ui(client, superuser, world):
    from organisation.models import Position

    position = Position.objects.get(pk=world.appointment_a.position_id)
    position.code, position.name = Position.Code.PRINCIPAL, "Rektor"
    position.save()
    client.force_login(superuser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    unit_page = client.get(reverse("registry:unit_detail", args=[world.unit_a.slug]))
    assert "<dt>Principal</dt>" in unit_page.content.decode()
    role_page = client.get(reverse("registry:role_detail", args=[world.role.code]))
    assert "ITS – IT coordinator" in role_page.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    role_page = client.get(reverse("registry:role_detail", args=[world.role.code]))
    assert "ITS – IT-samordnare" in role_page.content.decode()
