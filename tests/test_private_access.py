"""No module of the engine reads another module's private attributes.

A name with a leading underscore belongs to the module that defines it. In every package
(``engine/``, ``rdd/``, ``scheduler/``, ``shuffle/``, ``sql/``) a module may read ``x._name`` only if it
defines ``_name`` itself — as a function, class, module name, ``self``/``cls`` attribute or
``__slots__`` entry — and may not import another module's ``_name``. What the owner means
others to use it offers under a public name: a public function or attribute, or — for PySpark's
API classes, whose attribute namespace is PySpark's — a module-level accessor such as
``ember.sql.column.expression_of(col)`` or ``ember.sql.dataframe.plan_of(df)``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECKED = ("engine", "rdd", "scheduler", "shuffle", "sql")
# Private by convention but documented for callers: the standard library's and namedtuple's.
STANDARD = {"_exit", "_getframe", "_fields", "_replace", "_asdict", "_make"}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _own_names(tree: ast.Module) -> set[str]:
    """The private names a module defines, and may therefore read on any object."""
    own = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            own.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            own.add(node.id)
        elif isinstance(node, ast.arg):
            own.add(node.arg)
        elif (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
              and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
            own.add(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier():
            own.add(node.value)  # __slots__ entries and setattr names
    return {name for name in own if _private(name)}


def foreign_private_reads(source: str) -> list[tuple[int, str]]:
    """(line, expression) for every private attribute of another module that ``source`` reads or imports."""
    tree = ast.parse(source)
    own = _own_names(tree) | STANDARD
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr) and node.attr not in own:
            receiver = node.value
            if isinstance(receiver, ast.Name) and receiver.id in ("self", "cls"):
                continue
            found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ember"):
            found += [(node.lineno, f"from {node.module} import {alias.name}")
                      for alias in node.names if _private(alias.name)]
    return found


def test_no_engine_module_reads_another_modules_private_attributes():
    wrong = [f"{path.relative_to(ROOT)}:{line}: {expression}"
             for folder in CHECKED for path in sorted((ROOT / folder).rglob("*.py"))
             for line, expression in foreign_private_reads(path.read_text(encoding="utf-8"))]
    assert wrong == []


@pytest.mark.parametrize("source, expected", [
    ("def f(rdd):\n    return rdd._compute(1)\n", [(2, "rdd._compute")]),
    ("from ember.rdd.approximate import _confidence_factor\n",
     [(1, "from ember.rdd.approximate import _confidence_factor")]),
    ("class A:\n    def f(self, other):\n        self._n = 1\n        return other._n\n", []),
    ("class A:\n    __slots__ = ('_n',)\n    def eq(self, other):\n        return other._n\n", []),
    ("import os\nos._exit(1)\n", []),
    ("def f(acc):\n    acc._value = 1\n", [(2, "acc._value")]),
])
def test_the_check_tells_a_foreign_private_read_from_an_own_one(source, expected):
    assert foreign_private_reads(source) == expected
