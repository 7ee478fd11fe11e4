"""The layer order of docs/architecture.md holds, in Python imports and in templates.

The contracts live in pyproject.toml ([tool.importlinter]); import-linter reads every import
statement, including those inside functions. Templates are checked here: a template of one app
may include, extend or load (template tags) only from its own app or from apps below it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from django.template import engines
from importlinter import cli

import socialmission

PACKAGE = Path(socialmission.__file__).parent
PYPROJECT = PACKAGE.parent / "pyproject.toml"
CONFIG = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
CONTRACTS = {contract["id"]: contract for contract in CONFIG["contracts"]}


@pytest.mark.parametrize(
    "contract_id",
    [
        "layers",
        "pure-bibliography",
        "pure-engine",
        "pure-assessment",
    ],
)
def test_import_contract_is_kept(contract_id: str) -> None:
    status = cli.lint_imports(
        config_filename=str(PYPROJECT), limit_to_contracts=(contract_id,), no_cache=True
    )
    assert status == cli.EXIT_STATUS_SUCCESS, f"contract {contract_id!r} is broken (output above)"


def test_every_contract_is_tested() -> None:
    assert set(CONTRACTS) == {"layers", "pure-bibliography", "pure-engine", "pure-assessment"}


def layer_ranks() -> dict[str, int]:
    """App name → its layer's position, 0 at the top, from the import-linter contract."""
    ranks = {}
    for rank, layer in enumerate(CONTRACTS["layers"]["layers"]):
        for name in re.split(r"[|:]", layer):
            ranks[name.strip().strip("()")] = rank
    return ranks


def may_use(importer: str, imported: str, ranks: dict[str, int]) -> bool:
    if importer == imported or importer not in ranks or imported not in ranks:
        return True
    return ranks[importer] < ranks[imported]


def test_layer_rule_reads_the_contract() -> None:
    ranks = layer_ranks()
    assert may_use("guides", "interop", ranks)
    assert may_use("interop", "library", ranks)
    assert may_use("library", "core", ranks)
    assert not may_use("library", "interop", ranks)
    assert not may_use("interop", "guides", ranks)
    assert not may_use("alerts", "contributions", ranks)  # siblings are independent
    assert not may_use("core", "accounts", ranks)


_TEMPLATE_REFERENCE = re.compile(r"""{%\s*(?:include|extends)\s+["']([\w-]+)/""")
_TEMPLATE_LOAD = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")


def template_violations(root: Path) -> list[str]:
    """Templates under ``root`` (one folder per app) that use a higher or sibling app."""
    ranks = layer_ranks()
    libraries = engines["django"].engine.libraries  # type: ignore[attr-defined]
    tag_app = {
        name: module.split(".")[1]
        for name, module in libraries.items()
        if module.startswith("socialmission.")
    }
    found = []
    for path in sorted(root.rglob("*.html")):
        where = path.relative_to(root)
        app = where.parts[0]
        text = path.read_text()
        for folder in _TEMPLATE_REFERENCE.findall(text):
            if not may_use(app, folder, ranks):
                found.append(f"{where} uses templates of {folder}")
        for names in _TEMPLATE_LOAD.findall(text):
            for name in names.split():
                if name in tag_app and not may_use(app, tag_app[name], ranks):
                    found.append(f"{where} loads {name} of {tag_app[name]}")
    return found


def test_templates_follow_the_layers() -> None:
    assert template_violations(PACKAGE / "templates") == []


def test_template_check_sees_upward_includes_and_tag_libraries(tmp_path: Path) -> None:
    (tmp_path / "library").mkdir()
    (tmp_path / "library" / "page.html").write_text(
        '{% load library_html interop_tags %}{% include "contributions/includes/x.html" %}'
        '{% include "library/includes/y.html" %}{% include "base.html" %}'
    )
    (tmp_path / "guides").mkdir()
    (tmp_path / "guides" / "page.html").write_text(
        '{% extends "base.html" %}{% load interop_tags %}{% include "interop/z.html" %}'
    )
    assert template_violations(tmp_path) == [
        "library/page.html uses templates of contributions",
        "library/page.html loads interop_tags of interop",
    ]
