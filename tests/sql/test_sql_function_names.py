"""Spark SQL function names that sqlglot parses into another dialect's node still resolve."""

from __future__ import annotations

import math

import pytest


@pytest.mark.parametrize("call,expected", [
    ("collect_list(d)", [1.0, 2.0, 4.0]),
    ("size(collect_set(d))", 3),
    ("var_pop(d)", 14 / 9),
    ("size(collect_list(d))", 3),
    ("max(isnan(d))", False),
])
def test_function_renamed_by_sqlglot_resolves_to_sparks(spark, call, expected):
    spark.createDataFrame([(1.0,), (2.0,), (4.0,), (None,)], "d DOUBLE").createOrReplaceTempView("fn_t")
    value = spark.sql(f"SELECT {call} FROM fn_t").collect()[0][0]
    assert value == pytest.approx(expected) if isinstance(expected, float) else value == expected
    assert not (isinstance(value, float) and math.isnan(value))
