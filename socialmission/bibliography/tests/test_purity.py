"""bibliography is pure: no Django, no other app of ours, even through a function-local import."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_bibliography_imports_nothing_of_django_or_the_apps() -> None:
    modules = [p for p in PACKAGE.glob("*.py")]
    assert len(modules) > 10
    offending = {
        f"{path.name}: {name}"
        for path in modules
        for name in _imports(path)
        if name.split(".")[0] == "django"
        or (name.startswith("socialmission.") and not name.startswith("socialmission.bibliography"))
    }
    assert offending == set()
