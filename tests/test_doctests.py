"""The ``Examples`` in public docstrings run as doctests against the shared context."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "ember.conf", "ember.storage_level", "ember.context", "ember.broadcast", "ember.accumulators",
    "ember.task_context", "ember.rdd.rdd", "ember.rdd.actions", "ember.rdd.pair", "ember.rdd.numeric",
    "ember.rdd.partitioner", "ember.status", "ember.examples.tpch", "ember.examples.tpch.sample",
    "ember.sql.shell.splitting",
]


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples_run(module_name, sc):
    module = importlib.import_module(module_name)
    # ember.context's example builds its own context; the shared one is paused meanwhile.
    from ember import SparkContext

    SparkContext._active = None
    try:
        result = doctest.testmod(module, extraglobs={"sc": sc}, optionflags=doctest.ELLIPSIS, verbose=False)
    finally:
        SparkContext._active = sc
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {module_name}"
