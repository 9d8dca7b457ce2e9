"""The apps and the register's packages form layers, and each imports only from below.

`LAYERS` declares the order; the check reads every module's imports (ast, function-local
ones too: an import inside a function that dodges a cycle is a sign the code is in the
wrong package). organisation, the lowest app, also names no app above it in a string.
docs/architecture.md#layers draws the same order.
"""

import ast
import re
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)
APPS = ("digiansvar", "organisation", "accounts", "registry", "review", "api", "provisioning")

# Lowest first. A layer is one or more parts; a part is files and folders (a folder with
# everything below it). A module may import from its own part and from the layers below;
# parts on the same layer do not import each other.
LAYERS = [
    {
        "project base": (
            "digiansvar/__init__.py",
            "digiansvar/spreadsheets/",
            "digiansvar/paging.py",
            "digiansvar/compiled.py",
            "digiansvar/bad_input.py",
            "digiansvar/language.py",
            "digiansvar/errors.py",
            "digiansvar/checks.py",
            "digiansvar/apps.py",
        )
    },
    {"organisation": ("organisation/",)},
    {"accounts": ("accounts/",)},
    # SCIM provisioning (issue 22): writes people and their users; nothing imports it.
    {"provisioning": ("provisioning/",)},
    {
        "registry core": (
            "registry/__init__.py",
            "registry/models/",
            "registry/queries.py",
            "registry/services.py",
            "registry/matrix.py",
            "registry/data_version.py",
            "registry/page_body.py",
            "registry/unit_picker.py",
            "registry/notation.py",
            "registry/permissions.py",
        )
    },
    {"notify": ("registry/notify/",)},
    {
        "search": ("registry/search/",),
        "support": ("registry/support/",),
        "coverage": ("registry/coverage/",),
        "versions": ("registry/versions/",),
        "blueprint_file": ("registry/blueprint_file/",),
    },
    {"seed": ("registry/seed/",)},
    {"blueprint": ("registry/blueprint/",)},
    {"admin": ("registry/admin/",)},
    {"registry top": ("registry/management/", "registry/urls.py", "registry/apps.py")},
    {"review": ("review/",)},
    # The REST API (issue 22): reads and writes every part below; nothing imports it.
    {"api": ("api/",)},
    {
        "project top": (
            "digiansvar/settings.py",
            "digiansvar/urls.py",
            "digiansvar/accessibility.py",
            "digiansvar/asgi.py",
            "digiansvar/wsgi.py",
        )
    },
]


def app_modules(*apps):
    """Every module of the apps, migrations aside, as a path relative to BASE."""
    return sorted(
        str(path.relative_to(BASE))
        for app in apps
        for path in (BASE / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def part_of(path, layers=LAYERS):
    """(layer number, part name) of a module path; the longest declared match wins."""
    found = [
        (len(entry), number, name)
        for number, layer in enumerate(layers)
        for name, entries in layer.items()
        for entry in entries
        if path == entry or (entry.endswith("/") and path.startswith(entry))
    ]
    if not found:
        return None
    _length, number, name = max(found)
    return number, name


def module_path(dotted, root=BASE):
    """The file that defines a dotted module name, or None outside the project."""
    base = root.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return str(candidate.relative_to(root))
    return None


def imported_modules(tree, path="", root=BASE):
    """The dotted names a module imports, relative imports resolved, submodules named in
    `from package import module` included."""
    package = Path(path).parent.parts if path else ()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package[: len(package) - (node.level - 1)]
                module = ".".join([*parts, *([node.module] if node.module else [])])
            else:
                module = node.module
            yield module
            for alias in node.names:
                if module_path(f"{module}.{alias.name}", root):
                    yield f"{module}.{alias.name}"
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__":
            yield from (arg.value for arg in node.args if isinstance(arg, ast.Constant))


def upward_imports(path, tree, layers=LAYERS, root=BASE):
    """'path: module (part)' for each import of a part on the same layer or above."""
    here = part_of(path, layers)
    for module in sorted(set(imported_modules(tree, path, root))):
        if module.split(".")[0] not in APPS:
            continue
        target = module_path(module, root)
        there = part_of(target, layers) if target else None
        if there is None:
            yield f"{path}: {module} (no such module, or in no layer)"
        elif there[1] != here[1] and there[0] >= here[0]:
            yield f"{path}: {module} ({there[1]}, not below {here[1]})"


def test_every_module_of_the_apps_is_in_one_layer():
    assert [path for path in app_modules(*APPS) if part_of(path) is None] == []
    declared = [entry for layer in LAYERS for entries in layer.values() for entry in entries]
    assert [entry for entry in declared if not (BASE / entry).exists()] == []
    assert len(declared) == len(set(declared))


def test_every_module_imports_only_from_its_own_part_and_the_layers_below():
    offenders = [
        finding
        for path in app_modules(*APPS)
        for finding in upward_imports(path, ast.parse((BASE / path).read_text(encoding="utf-8")))
    ]
    assert offenders == []


def test_the_layer_check_finds_an_upward_import(tmp_path):
    for path, text in {
        "organisation/__init__.py": "",
        "organisation/models.py": "",
        "registry/__init__.py": "",
        "registry/queries.py": "",
        "registry/search/__init__.py": "",
        "registry/support/__init__.py": "",
        "registry/support/chain.py": "",
    }.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    layers = [
        {"organisation": ("organisation/",)},
        {"core": ("registry/__init__.py", "registry/queries.py")},
        {"search": ("registry/search/",), "support": ("registry/support/",)},
    ]
    chain = ast.parse(
        "from organisation.models import Unit\n"  # below: allowed
        "from registry import queries\n"  # below: allowed
        "from . import chain\n"  # its own part: allowed
        "import registry.search\n"  # the same layer: refused
        "def f():\n"
        "    from registry.gone import x\n"  # no such module
    )
    assert list(upward_imports("registry/support/chain.py", chain, layers, tmp_path)) == [
        "registry/support/chain.py: registry.gone (no such module, or in no layer)",
        "registry/support/chain.py: registry.search (search, not below support)",
    ]
    models = ast.parse("def unit_register(unit):\n    from registry.queries import items\n")
    assert list(upward_imports("organisation/models.py", models, layers, tmp_path)) == [
        "organisation/models.py: registry.queries (core, not below organisation)",
    ]


def organisation_modules():
    return [BASE / path for path in app_modules("organisation")]


def test_the_check_reads_the_organisation_app():
    names = {path.name for path in organisation_modules()}
    assert {"people.py", "units.py", "admin.py", "queries.py", "permissions.py"} <= names


def test_no_organisation_module_names_registry():
    # Catches what an import check cannot: apps.get_model("registry", …),
    # reverse("registry:…"), permission names such as "registry.change_item".
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for path in organisation_modules()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "registry" in line.lower()
    ]
    assert offenders == []


def test_no_organisation_module_names_accounts():
    # As for registry: apps.get_model("accounts", …), "accounts.change_provideraccount",
    # reverse("admin:accounts_…"); not the user's related name `provider_accounts`.
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for path in organisation_modules()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"(?<!\w)accounts(?![a-z0-9])", line, re.IGNORECASE)
    ]
    assert offenders == []


# --- Every page, import and export reads through restrict (issue 20) ---------------------------

# The modules that answer a request or read a file on a user's behalf: every
# module with a view (a function whose first parameter is `request`), and the
# import and export modules. The export's row writer
# (registry/blueprint_file/format.py) is not among them: it is handed units
# its caller restricted and reads only their rows and their huvudmän's
# organisation-wide rows; apply.py writes what plan.py decided.
IMPORT_EXPORT_MODULES = [
    "registry/admin/spreadsheets.py",
    "registry/admin/resources.py",
    "registry/blueprint_file/plan.py",
]
# Modules with views that read before there is a user to scope by, or read nothing.
NOT_SCOPED = {
    "accounts/views.py": "sign-in: finds the account by issuer and subject, then its claims",
    "digiansvar/errors.py": "the error pages read no rows",
    "digiansvar/bad_input.py": "refuses bad input before any read",
    "digiansvar/language.py": "the language cookie",
}


def view_modules():
    """Every module of the apps with a function whose first parameter is `request`."""
    found = []
    for app in ("organisation", "accounts", "registry", "review", "api", "digiansvar"):
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            if any(
                isinstance(node, ast.FunctionDef)
                and node.args.args
                and node.args.args[0].arg == "request"
                for node in ast.walk(tree)
            ):
                found.append(str(path.relative_to(settings.BASE_DIR)))
    return found


SCOPED_MODULES = [
    module for module in view_modules() if module not in NOT_SCOPED
] + IMPORT_EXPORT_MODULES
# Calls that pass a queryset on to the one scoping call.
SCOPING_CALLS = {"restrict", "scoped"}
HARMLESS = {"restrict", "none", "model"}


def owned_model_names():
    """Models whose rows belong to a unit or a huvudman (not the shared catalogue)."""
    from django.apps import apps

    from organisation.permissions import Ownership

    return {
        model.__name__
        for model in apps.get_models()
        if getattr(model, "ownership", None) is not None
        and model.ownership.kind not in (Ownership.SHARED,)
    }


def unscoped_reads(tree, owned):
    """(line, text) of each Model.objects.x / Model.history.x of an owned model outside restrict."""
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in SCOPING_CALLS:
                inside.update(id(child) for arg in node.args for child in ast.walk(arg))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("visible_to", "editable_by"):
            yield node.lineno, f".{node.attr}() instead of restrict"
            continue
        if not (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr in ("objects", "history", "_default_manager", "_base_manager")
            and isinstance(node.value.value, ast.Name)
            and node.value.value.id in owned
        ):
            continue
        if node.attr in HARMLESS or id(node) in inside:
            continue
        yield node.lineno, f"{node.value.value.id}.{node.value.attr}.{node.attr}"
    for node in ast.walk(tree):
        # get_object_or_404(Unit, …) reads the whole table.
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", "") in ("get_object_or_404", "get_list_or_404")
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in owned
        ):
            yield node.lineno, f"get_object_or_404({node.args[0].id}, …)"


def test_the_restrict_check_knows_the_owned_models():
    assert {"Unit", "Person", "Assignment", "Blueprint", "UnitReview"} <= owned_model_names()
    assert "Item" not in owned_model_names()


def test_the_restrict_check_finds_an_unscoped_read():
    tree = ast.parse(
        "Person.objects.filter(initials=x)\n"
        "Unit.objects.restrict(user).filter(slug=s)\n"
        "restrict(Assignment.history.filter(unit=u), user)\n"
        "get_object_or_404(Unit, slug=s)\n"
        "Unit.objects.visible_to(user)\n"
    )
    found = sorted(line for line, _text in unscoped_reads(tree, owned_model_names()))
    assert found == [1, 4, 5]


def test_the_restrict_check_reads_every_view_module():
    assert {"registry/blueprint/views.py", "review/views.py", "digiansvar/accessibility.py"} <= set(
        SCOPED_MODULES
    )
    assert {"api/keys/views.py", "api/errors.py"} <= set(SCOPED_MODULES)
    assert "registry/admin/assignments.py" in SCOPED_MODULES  # a module-level function of its own


def test_pages_imports_and_exports_read_owned_rows_only_through_restrict():
    owned = owned_model_names()
    offenders = [
        f"{module}:{line}: {text}"
        for module in SCOPED_MODULES
        for line, text in unscoped_reads(
            ast.parse((Path(settings.BASE_DIR) / module).read_text(encoding="utf-8")), owned
        )
    ]
    assert offenders == []


def test_only_the_scope_itself_reads_unit_grants():
    # Unit.objects.visible_to / editable_by are the grant lookups under
    # restrict; everything else asks restrict.
    allowed = {"organisation/queries.py", "organisation/permissions.py"}
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}:{line}"
        for app in ("organisation", "accounts", "registry", "review", "digiansvar")
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py")
        if "migrations" not in path.parts
        and str(path.relative_to(settings.BASE_DIR)) not in allowed
        for line, text in unscoped_reads(ast.parse(path.read_text(encoding="utf-8")), set())
        if "instead of restrict" in text
    ]
    assert offenders == []
