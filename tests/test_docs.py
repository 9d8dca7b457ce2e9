"""The README stays a short front door, and the docs do not point at nothing.

Every relative link in README.md and docs/*.md must name a file that exists
and, with a #fragment, a heading in it; every environment variable
digiansvar/settings.py reads must be in the README's configuration table.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
README_MAX_LINES = 200

FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\[[^\]\n]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
SETTINGS_VARIABLE = re.compile(r"(?:environ\.get|env_bool|env_list)\(\s*\"([A-Z][A-Z0-9_]*)\"")


def prose(text):
    """The text without code blocks and inline code, where brackets are not links."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def anchors(text):
    """The fragments GitHub gives the headings of a Markdown file."""
    seen = {}
    result = set()
    for heading in HEADING.findall(FENCE.sub("", text)):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        result.add(slug if count == 0 else f"{slug}-{count}")
    return result


def broken_links(path):
    """Relative links in a Markdown file whose file or heading does not exist."""
    text = path.read_text(encoding="utf-8")
    broken = []
    for target in LINK.findall(prose(text)):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
            continue
        name, _, fragment = target.partition("#")
        linked = (path.parent / name).resolve() if name else path
        if not linked.exists():
            broken.append(f"{target}: no file {linked.relative_to(ROOT)}")
        elif fragment and linked.suffix == ".md":
            if fragment not in anchors(linked.read_text(encoding="utf-8")):
                broken.append(f"{target}: no heading #{fragment} in {linked.name}")
    return broken


def test_readme_is_short_enough_to_read_in_five_minutes():
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines < README_MAX_LINES, f"README.md has {lines} lines; move detail into docs/"


def test_docs_have_an_index_that_links_every_docs_file():
    index = ROOT / "docs" / "README.md"
    linked = {
        (index.parent / target.partition("#")[0]).resolve()
        for target in LINK.findall(prose(index.read_text(encoding="utf-8")))
    }
    unlisted = [path.name for path in DOCS if path != index and path.resolve() not in linked]
    assert not unlisted, f"docs/README.md does not link {unlisted}"


@pytest.mark.parametrize("path", [README, *DOCS], ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_points_to_an_existing_file_and_heading(path):
    assert broken_links(path) == []


def test_broken_links_are_found(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    (tmp_path / "there.md").write_text("# A heading\n\n## Å and `code`\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](there.md) [ok](there.md#a-heading) [ok](there.md#å-and-code) [ok](#top)\n"
        "[web](https://example.org/nowhere) `[code](missing.md)`\n"
        "# Top\n[gone](missing.md) [no heading](there.md#elsewhere)\n",
        encoding="utf-8",
    )
    assert broken_links(page) == [
        "missing.md: no file missing.md",
        "there.md#elsewhere: no heading #elsewhere in there.md",
    ]


def test_readme_lists_every_environment_variable_the_settings_read():
    settings = (ROOT / "digiansvar" / "settings.py").read_text(encoding="utf-8")
    variables = set(SETTINGS_VARIABLE.findall(settings))
    assert "DJANGO_SECRET_KEY" in variables and "DATABASE_URL" in variables
    table = "\n".join(
        line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("|")
    )
    missing = sorted(name for name in variables if f"`{name}`" not in table)
    assert not missing, f"README's configuration table lacks {missing}"
