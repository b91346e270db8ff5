"""Ember's layers, lowest first: a module imports only from its own layer or lower ones.

0. foundation: the leaf modules of ``engine/`` (errors, configuration, memory, accumulators,
   broadcast variables, task contexts, …) and ``ember.serialization``;
1. ``ember.storage`` (cached blocks) and ``ember.shuffle`` (map output files), which do not
   import each other;
2. ``ember.rdd``, the lineage graph;
3. ``ember.executor``, the worker runtime and the task protocol it speaks with the driver;
4. ``ember.scheduler`` and its backends;
5. the driver: ``SparkContext`` (``context.py``), ``status.py``, ``threads.py`` and the
   ``ember`` package itself, whose ``__init__`` gathers the public names;
6. ``ember.sql``;
7. applications: the ``ember-sql`` shell (``ember.sql.shell``, whose ``--sample`` loads the
   TPC-H example data) and the examples (``ember.examples``), which use every layer as a
   user does.

Every import counts, including those inside functions; only ``if TYPE_CHECKING:`` blocks
are exempt, since they never run. docs/architecture.md draws the same layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"engine": "ember", "rdd": "ember.rdd", "scheduler": "ember.scheduler", "shuffle": "ember.shuffle",
           "sql": "ember.sql"}

FOUNDATION = {"accumulators", "barrier_context", "boundary", "broadcast", "call_site", "closure", "conf", "config",
              "errors", "faults", "files", "memory", "signing", "system_properties", "task_context", "task_metrics",
              "temp_dirs"}
DRIVER = {"context", "status", "threads"}
LAYERS = ["foundation", "storage and shuffle", "rdd", "executor", "scheduler", "driver", "sql", "applications"]
SUBPACKAGES = {"serialization": 0, "storage": 1, "shuffle": 1, "rdd": 2, "executor": 3, "scheduler": 4, "sql": 6,
               "examples": 7}
SIBLINGS_APART = {"storage", "shuffle"}  # one layer, but neither imports the other


def module_name(path: Path) -> str:
    """The dotted module name of a file under one of the package folders."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    names = [FOLDERS[parts[0]], *parts[1:]]
    return ".".join(names[:-1] if names[-1] == "__init__" else names)


def layer_of(module: str) -> int | None:
    """The layer of an ``ember`` module, or None for a module outside Ember."""
    parts = module.split(".")
    if parts[0] != "ember":
        return None
    if parts[1:3] == ["sql", "shell"]:
        return 7
    if len(parts) == 1 or parts[1] in DRIVER:
        return 5
    if parts[1] in SUBPACKAGES:
        return SUBPACKAGES[parts[1]]
    if parts[1] in FOUNDATION:
        return 0
    raise AssertionError(f"{module} has no layer: add it to tests/test_layers.py and docs/architecture.md")


def _is_module(name: str) -> bool:
    parts = name.split(".")
    folder, prefix = max(((f, p.split(".")) for f, p in FOLDERS.items() if parts[:len(p.split("."))] == p.split(".")),
                         key=lambda found: len(found[1]), default=(None, None))
    if folder is None:
        return False
    path = ROOT.joinpath(folder, *parts[len(prefix):])
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            skipped.update(id(child) for statement in node.body for child in ast.walk(statement))
    return skipped


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every run-time import of an ``ember`` module in a file."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    return imports_in(path.read_text(encoding="utf-8"), package)


def imports_in(source: str, package: str) -> list[tuple[int, str]]:
    """(line, module) for every run-time import of an ``ember`` module in the source of a module of ``package``.

    ``from ember import conf`` imports the module ``ember.conf``; ``from ember import
    SparkContext`` imports the package ``ember``.
    """
    tree = ast.parse(source)
    skipped = _type_checking_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.append((node.lineno, submodule if _is_module(submodule) else base))
    return [(line, module) for line, module in found if module.split(".")[0] == "ember"]


def _sources() -> list[Path]:
    return sorted(path for folder in FOLDERS for path in (ROOT / folder).rglob("*.py"))


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in SUBPACKAGES else "ember"


def test_no_module_imports_from_a_higher_layer():
    wrong = []
    for path in _sources():
        importer = module_name(path)
        for line, imported in imports_of(path):
            if layer_of(imported) > layer_of(importer):
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {importer} ({LAYERS[layer_of(importer)]}) "
                             f"imports {imported} ({LAYERS[layer_of(imported)]})")
    assert wrong == [], "imports that point upward:\n" + "\n".join(wrong)


def test_storage_and_shuffle_do_not_import_each_other():
    wrong = []
    for path in _sources():
        importer = module_name(path)
        for line, imported in imports_of(path):
            if {_top(importer), _top(imported)} == SIBLINGS_APART:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {importer} imports {imported}")
    assert wrong == []


def test_every_module_has_a_layer():
    assert all(layer_of(module_name(path)) is not None for path in _sources())


@pytest.mark.parametrize("source, expected", [
    ("from ember import conf\n", [(1, "ember.conf")]),
    ("from ember import SparkContext\n", [(1, "ember")]),
    ("import ember.rdd.rdd\n", [(1, "ember.rdd.rdd")]),
    ("from .events import JobSubmitted\n", [(1, "ember.scheduler.events")]),
    ("from ember.executor import task_end\n", [(1, "ember.executor.task_end")]),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ember.context import SparkContext\n", []),
    ("def f():\n    from ember.context import SparkContext\n", [(2, "ember.context")]),
])
def test_the_check_reads_every_form_of_import(source, expected):
    assert imports_in(source, "ember.scheduler") == expected


def test_layers_are_ordered_as_the_docstring_says():
    assert layer_of("ember.executor.task_runner") > layer_of("ember.storage.block_manager")
    assert layer_of("ember") == layer_of("ember.context") == 5 and layer_of("ember.sql.session") == 6
    assert layer_of("ember.sql.shell.cli") == layer_of("ember.examples.tpch.sample") == 7
