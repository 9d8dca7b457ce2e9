"""The apps form layers: organisation is the lowest and knows nothing of the register above it."""

import ast
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
