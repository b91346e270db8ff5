"""The import directions between Ember's packages that hold today, so that none is lost.

``sql`` (DataFrames and SQL) sits on top and nothing below imports it; the lineage graph
(``rdd``) does not know the scheduler that runs it. ``engine`` still holds both the driver's
top (``SparkContext``) and the worker runtime, so it imports and is imported by the others:
docs/architecture.md describes that split.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"engine": "ember", "rdd": "ember.rdd", "scheduler": "ember.scheduler", "shuffle": "ember.shuffle",
           "sql": "ember.sql"}
FORBIDDEN = [("engine", "sql"), ("rdd", "sql"), ("scheduler", "sql"), ("shuffle", "sql"), ("rdd", "scheduler")]


def _package(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "ember":
        return None
    return parts[1] if len(parts) > 1 and parts[1] in FOLDERS else "engine"


def _imports(folder: str) -> list[tuple[str, str]]:
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        if folder == "engine" and "examples" in path.parts:
            continue  # the demos use every layer, as a user does
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found += [(str(path.relative_to(ROOT)), a.name) for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((str(path.relative_to(ROOT)), node.module))
    return found


@pytest.mark.parametrize("importer,imported", FORBIDDEN)
def test_a_lower_package_does_not_import_a_higher_one(importer, imported):
    wrong = [f"{path}: {module}" for path, module in _imports(importer) if _package(module) == imported]
    assert wrong == [], f"{importer}/ must not import {imported}/"


def test_the_check_sees_imports():
    assert any(_package(m) == "engine" for _, m in _imports("sql"))
