"""The ``Examples`` in public docstrings run as doctests against the shared context (``sc``) and a
session over it (``spark``). The ``ember.sql`` examples print what PySpark 4.3 prints for them."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "ember.conf", "ember.storage.storage_level", "ember.context", "ember.broadcast", "ember.accumulators",
    "ember.task_context", "ember.rdd.rdd", "ember.rdd.actions", "ember.rdd.pair", "ember.rdd.numeric",
    "ember.rdd.partitioner", "ember.status", "ember.examples.tpch", "ember.examples.tpch.sample",
    "ember.sql.shell.splitting", "ember.sql.row", "ember.sql.window", "ember.sql.na", "ember.sql.dataframe_stat",
    "ember.sql.utils", "ember.sql.pandas.functions", "ember.sql.group", "ember.sql.dataframe", "ember.sql.session",
    "ember.sql.types", "ember.sql.readwriter", "ember.sql.column", "ember.storagelevel",
]


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples_run(module_name, sc):
    module = importlib.import_module(module_name)
    # ember.context's example builds its own context; the shared one is paused meanwhile.
    from ember import SparkContext
    from ember.sql import SparkSession

    SparkContext._active = None
    try:
        spark = SparkSession(sc)
        spark.conf.set("spark.sql.shuffle.partitions", "4")
        result = doctest.testmod(module, extraglobs={"sc": sc, "spark": spark}, optionflags=doctest.ELLIPSIS,
                                 verbose=False)
    finally:
        SparkContext._active = sc
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {module_name}"
