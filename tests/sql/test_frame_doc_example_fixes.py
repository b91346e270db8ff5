"""Behaviour PySpark's own docstring examples for DataFrame, Column and GroupedData showed Ember
getting wrong; every expected value was captured from PySpark 4.3 on the same input."""

from __future__ import annotations

import pytest

from ember.sql import AnalysisException, Row
from ember.sql import functions as F


@pytest.fixture
def people(spark):
    return spark.createDataFrame([(2, "Alice"), (5, "Bob")], ["age", "name"])


@pytest.mark.parametrize("group, text", [
    (lambda df: df.groupBy(df.name), "[name: string], value: [age: bigint, name: string], type: GroupBy]"),
    (lambda df: df.groupBy("name"), "[name], value: [age: bigint, name: string], type: GroupBy]"),
    (lambda df: df.groupBy(F.col("name")), "[name], value: [age: bigint, name: string], type: GroupBy]"),
    (lambda df: df.groupBy(df.age.alias("x")), "[x: bigint], value: [age: bigint, name: string], type: GroupBy]"),
    (lambda df: df.groupBy(1), "[age: bigint], value: [age: bigint, name: string], type: GroupBy]"),
    (lambda df: df.rollup("name", "age"), "[name, age], value: [age: bigint, name: string], type: Rollup]"),
    (lambda df: df.cube(df.name, df.age),
     "[name: string, age: bigint], value: [age: bigint, name: string], type: Cube]"),
    (lambda df: df.groupBy("name").pivot("age"), "[name], value: [age: bigint, name: string], type: Pivot]"),
    (lambda df: df.groupingSets([["name"]], "name"),
     "[name], value: [age: bigint, name: string], type: GroupingSets]"),
])
def test_grouped_data_repr_is_sparks(people, group, text):
    assert repr(group(people)) == "GroupedData[grouping expressions: " + text


def test_grouped_data_repr_shows_two_fields_of_each_list(spark):
    wide = spark.createDataFrame([(1, 2, 3, Row(a=1, b=2, c=3))], ["a", "b", "c", "s"])
    assert repr(wide.groupBy(wide.a, wide.b, wide.c)) == (
        "GroupedData[grouping expressions: [a: bigint, b: bigint ... 1 more field(s)], "
        "value: [a: bigint, b: bigint ... 2 more fields], type: GroupBy]")
    assert repr(wide.select("s", "a").groupBy(wide.s)) == (
        "GroupedData[grouping expressions: [s: struct<a: bigint, b: bigint ... 1 more field>], "
        "value: [s: struct<a: bigint, b: bigint ... 1 more field>, a: bigint], type: GroupBy]")


def test_rollup_and_cube_take_column_ordinals(people):
    assert people.rollup(2).count().orderBy(1).collect() == [
        Row(name=None, count=2), Row(name="Alice", count=1), Row(name="Bob", count=1)]
    assert people.cube(1, 2).count().count() == 7  # 2 (age, name) + 2 (age) + 2 (name) + 1 ()


def test_only_a_statements_rows_are_local(spark, people):
    # PySpark 4.3: (False, False, True, False)
    shown = spark.sql("SHOW TABLES")
    assert (people.isLocal(), spark.range(1).isLocal(), shown.isLocal(), shown.select("*").isLocal()) == \
        (False, False, True, False)


def test_nan_is_equal_to_itself_and_above_every_number(spark):
    nan, inf = float("nan"), float("inf")
    values = [nan, 1.0, None, inf]
    df = spark.createDataFrame([(a, b) for a in values for b in values], "a double, b double")
    a, b = F.col("a"), F.col("b")
    rows = df.select(a == b, a < b, a <= b, a > b, a >= b, a.eqNullSafe(b)).collect()
    # PySpark 4.3, for (a, b) over [NaN, 1.0, NULL, inf] x [NaN, 1.0, NULL, inf]: = < <= > >= <=>
    assert [tuple(r) for r in rows] == [
        (True, False, True, False, True, True), (False, False, False, True, True, False),
        (None, None, None, None, None, False), (False, False, False, True, True, False),
        (False, True, True, False, False, False), (True, False, True, False, True, True),
        (None, None, None, None, None, False), (False, True, True, False, False, False),
        (None, None, None, None, None, False), (None, None, None, None, None, False),
        (None, None, None, None, None, True), (None, None, None, None, None, False),
        (False, True, True, False, False, False), (False, False, False, True, True, False),
        (None, None, None, None, None, False), (True, False, True, False, True, True)]
    assert (df.where(a == nan).count(), df.where(a > 1.0).count()) == (4, 8)
    floats = spark.createDataFrame([(nan, 1.0)], "a float, b double")
    assert floats.select((a > b).alias("g"), (a == F.lit(nan)).alias("e")).collect() == [Row(g=True, e=True)]


def test_isin_a_dataframe_is_an_in_subquery(spark):
    df = spark.createDataFrame([(2, "Alice"), (5, "Bob"), (8, "Mike")], ["age", "name"])
    # PySpark 4.3 for each line
    assert df.where(df.age.isin(spark.range(6))).orderBy("age").collect() == [
        Row(age=2, name="Alice"), Row(age=5, name="Bob")]
    assert df.select(df.age.isin(spark.range(3))).columns == ["(age IN (listquery()))"]
    assert df.where(F.struct(df.age, df.name).isin(spark.range(6).select("id", F.lit("Bob")))).collect() == [
        Row(age=5, name="Bob")]
    with pytest.raises(AnalysisException, match=r"\[DATATYPE_MISMATCH.IN_SUBQUERY_LENGTH_MISMATCH\]"):
        df.where(df.age.isin(spark.range(6).select("id", "id"))).collect()
