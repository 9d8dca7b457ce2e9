"""The apps form layers: organisation is the lowest and knows nothing of the apps above it
(accounts, registry)."""

import ast
import re
from pathlib import Path

from django.conf import settings

ORGANISATION = Path(settings.BASE_DIR) / "organisation"


def organisation_modules():
    return sorted(path for path in ORGANISATION.rglob("*.py") if "migrations" not in path.parts)


def imported_modules(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__":
            yield from (arg.value for arg in node.args if isinstance(arg, ast.Constant))


def test_the_check_reads_the_organisation_app():
    names = {path.name for path in organisation_modules()}
    assert {"models.py", "admin.py", "queries.py", "permissions.py"} <= names


def test_no_organisation_module_imports_registry():
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}: {module}"
        for path in organisation_modules()
        for module in imported_modules(ast.parse(path.read_text(encoding="utf-8")))
        if module == "registry" or module.startswith("registry.")
    ]
    assert offenders == []


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


def test_no_organisation_module_imports_accounts():
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}: {module}"
        for path in organisation_modules()
        for module in imported_modules(ast.parse(path.read_text(encoding="utf-8")))
        if module == "accounts" or module.startswith("accounts.")
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
    assert {"api/token_views.py", "api/errors.py"} <= set(SCOPED_MODULES)
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


# --- The API sits on top (issue 22) -------------------------------------------------------------


def test_no_app_below_the_api_imports_it():
    # The URLconf includes it by name ("api.urls"); no module imports it.
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}: {module}"
        for app in ("organisation", "accounts", "registry", "review", "digiansvar")
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py"))
        if "migrations" not in path.parts
        for module in imported_modules(ast.parse(path.read_text(encoding="utf-8")))
        if module == "api" or module.startswith("api.")
    ]
    assert offenders == []
