"""The README stays a short front door, and the docs do not point at nothing.

Every relative link in README.md and docs/*.md must name a file that exists
and, with a #fragment, a heading in it; every module path and dotted name the
docs give (`registry/coverage/store.py`, `registry/coverage/`,
`registry.support.chain.support_chain`) must exist, down to the function; every
environment variable digiansvar/settings.py reads must be in the README's
configuration table.
"""

import ast
import io
import re
import tokenize
from functools import cache
from pathlib import Path

import pytest
from django.apps import apps

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


# --- Module paths and dotted names ---------------------------------------------------------

APPS = ("organisation", "accounts", "registry", "review", "digiansvar")
FOLDERS = (*APPS, "tests", "bench", "templates", "docs", "static", "locale", "fixtures")
# A path from the project's root: `registry/blueprint/views.py`, `registry/coverage/`.
PATH = re.compile(rf"(?<![\w/.:-])(?:{'|'.join(FOLDERS)})/[\w./<>*{{}}…-]*")
# A file named alone: `page_cache.py`.
FILE_NAME = re.compile(r"(?<![\w/.-])\w+\.py\b")
# A dotted name under an app: `registry.coverage.store`, `organisation.queries.unit_scope`.
DOTTED = re.compile(rf"(?<![\w./-])(?:{'|'.join(APPS)})(?:\.\w+)+")
# `app/0005_name` is a migration, named as Django's messages name it.
MIGRATION = re.compile(r"^\w+/\d{4}")
EXTENSIONS = {"md", "py", "html", "csv", "json", "txt", "po", "mo", "js", "css"}
# Dotted words that are neither modules, models, permissions nor check ids.
NOT_MODULES = {
    # the example values of the OpenID Connect rights claim (oidc.md)
    "digiansvar.admin",
    "digiansvar.lasare",
    "digiansvar.rektor",
    "digiansvar.rektor.arstaviken",
    "digiansvar.utvecklare",
}


@cache
def project_file_names():
    return {
        path.name
        for folder in FOLDERS
        if (ROOT / folder).is_dir()
        for path in (ROOT / folder).rglob("*.py")
    } | {path.name for path in ROOT.glob("*.py")}


def module_file(parts, root):
    base = root.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def names_in(body):
    """The names a module or class body defines: functions, classes, assignments, imports."""
    names = {}
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        names[name.id] = node
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names[(alias.asname or alias.name).split(".")[0]] = node
        elif isinstance(node, (ast.If, ast.Try)):
            names.update(names_in(node.body))
    return names


def app_labels(app):
    """Model names, permission codenames and check ids that `app.X` may name."""
    try:
        config = apps.get_app_config(app)
    except LookupError:
        return set()
    labels = set()
    for model in config.get_models():
        labels.add(model.__name__)
        labels.update(
            f"{action}_{model._meta.model_name}" for action in model._meta.default_permissions
        )
        labels.update(codename for codename, _name in model._meta.permissions)
    return labels


def missing_dotted(name, root):
    """Why `name` names nothing (a module, then attributes found by ast), or None."""
    parts = name.split(".")
    if name in NOT_MODULES or parts[-1] in EXTENSIONS:
        return None
    for end in range(len(parts), 0, -1):
        module = module_file(parts[:end], root)
        if module is not None:
            break
    rest = parts[end:]
    if not rest:
        return None
    if end == 1 and len(rest) == 1:
        if rest[0] in app_labels(parts[0]) or re.fullmatch(r"[EW]\d{3}", rest[0]):
            return None
    body = ast.parse(module.read_text(encoding="utf-8")).body
    for depth, attribute in enumerate(rest):
        node = names_in(body).get(attribute)
        if node is None:
            where = ".".join(parts[: end + depth])
            return f"{name}: no {attribute} in {where}"
        if depth + 1 < len(rest):
            if not isinstance(node, ast.ClassDef):
                return f"{name}: {attribute} is no class"
            body = node.body
    return None


def missing_modules(text, root=ROOT):
    """The module paths, file names and dotted names in `text` that name nothing."""
    missing = []
    for path in PATH.findall(text):
        path = path.rstrip(".")
        if re.search(r"[<>*{}…]", path) or MIGRATION.match(path):
            continue
        if not ((root / path).exists() or (root / "templates" / path).exists()):
            missing.append(f"{path}: no such file or folder")
    for name in FILE_NAME.findall(text):
        if name not in project_file_names():
            missing.append(f"{name}: no file of that name")
    for name in DOTTED.findall(text):
        if problem := missing_dotted(name, root):
            missing.append(problem)
    return sorted(set(missing))


@pytest.mark.parametrize("path", [README, *DOCS], ids=lambda path: str(path.relative_to(ROOT)))
def test_every_module_path_and_dotted_name_exists(path):
    assert missing_modules(path.read_text(encoding="utf-8")) == []


def test_missing_modules_are_found():
    text = (
        "`registry/coverage/store.py` `registry/coverage/` registry/0002_groups "
        "`tests/<dir>` `registry/_controls.html` `page_cache.py` "
        "`registry.coverage.store` `registry.support.chain.support_chain` "
        "`registry.Item` `registry.change_item` `accounts.E001` [x](organisation.md) "
        "`registry.blueprint_file.plan.Plan.check_and_compute`\n"
        "`registry/views.py` `registry/gone/` `organisation_views.py` `organisation.oidc` "
        "`registry.support.support_chain` `registry.services.seed_load` "
        "`registry.services.assignment_reassign.x`\n"
    )
    assert missing_modules(text) == [
        "organisation.oidc: no oidc in organisation",
        "organisation_views.py: no file of that name",
        "registry.services.assignment_reassign.x: assignment_reassign is no class",
        "registry.services.seed_load: no seed_load in registry.services",
        "registry.support.support_chain: no support_chain in registry.support",
        "registry/gone/: no such file or folder",
        "registry/views.py: no such file or folder",
    ]


TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)


def comments_and_docstrings(path):
    """The prose of a Python module: its comments and docstrings."""
    source = path.read_text(encoding="utf-8")
    texts = [
        token.string
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    ]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            texts.append(ast.get_docstring(node) or "")
    return "\n".join(texts)


def test_code_comments_and_template_comments_name_existing_modules():
    missing = [
        f"{path.relative_to(ROOT)}: {problem}"
        for folder in (*APPS, "bench", "tests")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "migrations" not in path.parts and "node_modules" not in path.parts
        for problem in missing_modules(comments_and_docstrings(path))
    ] + [
        f"{path.relative_to(ROOT)}: {problem}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for problem in missing_modules(
            "\n".join(TEMPLATE_COMMENT.findall(path.read_text(encoding="utf-8")))
        )
    ]
    assert missing == []


ARCHITECTURE = ROOT / "docs" / "architecture.md"


def test_the_architecture_tree_names_every_app_and_every_package_of_the_register():
    tree = FENCE.search(ARCHITECTURE.read_text(encoding="utf-8")).group(0)
    folders = [f"{app}/" for app in APPS] + [
        f"{path.parent.name}/"
        for path in sorted((ROOT / "registry").glob("*/__init__.py"))
        if path.parent.name != "migrations"
    ]
    assert [folder for folder in folders if not re.search(rf"(?m)^\s*{folder}", tree)] == []


def test_the_owner_table_names_every_model_that_declares_an_owner():
    rows = {
        line.split("|")[1].strip(): line
        for line in ARCHITECTURE.read_text(encoding="utf-8").splitlines()
        if line.startswith("| `")
    }
    kinds = {
        "unit": "`by_unit(path)`",
        "huvudman": "`by_huvudman(path)`",
        "shared": "`SHARED`",
        "site": "`SITE_WIDE`",
        "user": "`OWN_ROWS`",
        "nobody": "`NOBODY`",
    }
    missing = [
        f"{model.__name__} ({model.ownership.kind})"
        for model in apps.get_models()
        if getattr(model, "ownership", None) is not None
        and not re.search(rf"\b{model.__name__}\b", rows.get(kinds[model.ownership.kind], ""))
    ]
    assert missing == []


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
