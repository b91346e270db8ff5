"""Select-list columns are named from the expression as written, before the analyzer's implicit
casts, as Spark names them. Expected names were taken from PySpark 4.3 on the same table."""

from __future__ import annotations

import pytest

from ember.sql import functions as F


@pytest.fixture(scope="module")
def people(spark):
    df = spark.createDataFrame([(1, 2.0, "a", 3)], "x int, d double, s string, age bigint")
    df.createOrReplaceTempView("names_t")
    return df


@pytest.mark.parametrize("sql,name", [
    ("d / 2", "(d / 2)"),
    ("1 IS DISTINCT FROM NULL", "(NOT (1 <=> NULL))"),
    ("age + 1", "(age + 1)"),
    ("count(1)", "count(1)"),
    ("count(*)", "count(1)"),
    ("avg(x)", "avg(x)"),
    ("CASE WHEN x > 1 THEN 'a' ELSE 'b' END", "CASE WHEN (x > 1) THEN a ELSE b END"),
    ("sum(x) * 2", "(sum(x) * 2)"),
    ("cast(x as string)", "x"),
    ("x IN (1, 2)", "(x IN (1, 2))"),
    ("-x", "(- x)"),
    ("-1", "-1"),
    ("abs(x)", "abs(x)"),
    ("coalesce(x, 1)", "coalesce(x, 1)"),
    ("x + d", "(x + d)"),
    ("s = 1", "(s = 1)"),
    ("concat(s, 1)", "concat(s, 1)"),
    ("round(d)", "round(d, 0)"),
    ("d * 2", "(d * 2)"),
    ("substring(s, 1, 2)", "substring(s, 1, 2)"),
])
def test_sql_column_is_named_without_implicit_casts(spark, people, sql, name):
    assert spark.sql(f"SELECT {sql} FROM names_t").columns == [name]


def test_python_api_column_is_named_without_implicit_casts(people):
    df = people
    assert df.select(F.col("d") / 2, df["age"] + 1, F.lit(1) + F.col("x"), F.col("x").isin(1, 2)).columns == [
        "(d / 2)", "(age + 1)", "(1 + x)", "(x IN (1, 2))"]
    assert df.select(F.when(F.col("x") > 1, 1).otherwise(0), F.col("x").cast("string"),
                     F.coalesce("x", F.lit(1))).columns == ["CASE WHEN (x > 1) THEN 1 ELSE 0 END", "x", "coalesce(x, 1)"]


def test_negated_column_is_named_negative_as_pyspark_names_it(people):
    assert people.select(-people.x, F.negative("d")).columns == ["negative(x)", "negative(d)"]
    assert [tuple(r) for r in people.select(-people.x, F.negative("d")).collect()] == [(-1, -2.0)]


def test_aggregate_column_is_named_without_implicit_casts(people):
    assert people.agg(F.count("*"), F.avg("x"), F.sum("x") * 2, F.countDistinct("x"), F.first("x", True)).columns == [
        "count(1)", "avg(x)", "(sum(x) * 2)", "count(DISTINCT x)", "first(x)"]


def test_implicit_casts_still_apply_to_the_values(people):
    row = people.select(people["age"] + 1, F.col("d") / 2, F.concat("s", F.lit(1))).collect()[0]
    assert tuple(row) == (4, 1.0, "a1")
