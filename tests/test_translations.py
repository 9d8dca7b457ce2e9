"""The English catalogue: complete, compiled, and really used when a user picks English.

Swedish is the source language (the msgids); English comes from locale/en. After
adding strings run makemessages, translate the new entries, and compilemessages:
these tests fail until the .po is complete and the committed .mo matches it.
"""

import gettext
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

LOCALE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_PATH = LOCALE / "django.po"
MO_PATH = LOCALE / "django.mo"
# %(name)s style and positional printf placeholders; %% is a literal percent sign.
PLACEHOLDER = re.compile(r"%\([^)]+\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]|%[a-zA-Z]")


@pytest.fixture(scope="module")
def po():
    return polib.pofile(str(PO_PATH))


def describe(entry):
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences)
    return f"{entry.msgid!r} ({where})"


def translations(entry):
    """(source, translation) pairs of an entry: one, or one per plural form."""
    if entry.msgid_plural:
        forms = [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
        return [(entry.msgid, forms[0])] + [(entry.msgid_plural, form) for form in forms[1:]]
    return [(entry.msgid, entry.msgstr)]


def test_every_entry_is_translated_and_none_is_fuzzy(po):
    live = [entry for entry in po if not entry.obsolete]
    assert len(live) > 100, "the catalogue looks truncated; run makemessages"
    untranslated = [describe(e) for e in live if any(not text for _, text in translations(e))]
    fuzzy = [describe(e) for e in live if "fuzzy" in e.flags]
    assert untranslated == [], "untranslated entries in locale/en: translate them"
    assert fuzzy == [], "fuzzy entries in locale/en: check the translation, drop the flag"
    assert [describe(e) for e in po.obsolete_entries()] == []


def test_translations_keep_the_placeholders_and_markup(po):
    wrong = []
    for entry in po:
        for index, (source, text) in enumerate(translations(entry)):
            expected = sorted(PLACEHOLDER.findall(source))
            found = sorted(PLACEHOLDER.findall(text))
            # A singular form may say "the latest change" instead of "1 latest change".
            singular = entry.msgid_plural and index == 0
            if found != expected and not (singular and set(found) <= set(expected)):
                wrong.append((describe(entry), "placeholders", text))
            if re.findall(r"</?\w+", source) != re.findall(r"</?\w+", text):
                wrong.append((describe(entry), "HTML", text))
    assert wrong == []


def test_the_committed_mo_matches_the_po(po):
    with MO_PATH.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    stale = []
    for entry in po:
        if entry.obsolete:
            continue
        context = entry.msgctxt
        if entry.msgid_plural:
            for count, index in ((1, 0), (2, 1)):
                if context:
                    got = catalogue.npgettext(context, entry.msgid, entry.msgid_plural, count)
                else:
                    got = catalogue.ngettext(entry.msgid, entry.msgid_plural, count)
                if got != entry.msgstr_plural[index]:
                    stale.append((describe(entry), index, got))
        else:
            if context:
                got = catalogue.pgettext(context, entry.msgid)
            else:
                got = catalogue.gettext(entry.msgid)
            if got != entry.msgstr:
                stale.append((describe(entry), got))
    assert stale == [], "locale/en/LC_MESSAGES/django.mo is stale; run compilemessages"

    # And the .mo holds nothing the .po no longer has.
    def keys(catalogue_file):
        return {(e.msgctxt, e.msgid) for e in catalogue_file if e.msgid and not e.obsolete}

    assert keys(polib.mofile(str(MO_PATH))) == keys(po)


def choose_language(client, code):
    response = client.post(reverse("set_language"), {"language": code, "next": "/"})
    assert response.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "login_heading", "blueprint_heading", "navigation"),
    [
        (
            "en",
            "<h1>Log in</h1>",
            "<h1>Digitalisation responsibilities – ",
            ["Grid", "Who do I ask?"],
        ),
        (
            "sv",
            "<h1>Logga in</h1>",
            "<h1>Ansvarsfördelning digitalisering – ",
            ["Rutnät", "Vem frågar jag?"],
        ),
    ],
)
def test_pages_follow_the_chosen_language(
    client, seed, superuser, code, login_heading, blueprint_heading, navigation
):
    client.force_login(superuser)
    choose_language(client, code)

    login = client.get(reverse("login")).content.decode()
    assert f'<html lang="{code}">' in login
    assert login_heading in login

    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{code}">' in page
    assert blueprint_heading in page
    for label in navigation:
        assert f">{label}</a>" in page
