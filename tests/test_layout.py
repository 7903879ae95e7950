"""The apps depend one way only: reports → activities → members (README, layout section)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# What each package may not import. fuan_rotation/ holds settings and shared plumbing: only its
# urls.py (which mounts every app's pages) may reach into the apps.
FORBIDDEN = {
    "members": {"activities", "reports"},
    "activities": {"reports"},
    "fuan_rotation": {"activities", "reports", "members"},
}
ALLOWED_FILES = {ROOT / "fuan_rotation" / "urls.py"}


def _imported_packages(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0], node.lineno


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_dependencies_point_one_way(package):
    wrong = []
    for path in sorted((ROOT / package).rglob("*.py")):
        if path in ALLOWED_FILES:
            continue
        for imported, line in _imported_packages(path):
            if imported in FORBIDDEN[package]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    assert wrong == []
