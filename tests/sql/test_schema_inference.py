"""createDataFrame without a schema infers what PySpark 4.3 infers; every expected value was
captured from PySpark 4.3 on the same input."""

from __future__ import annotations

import collections
import datetime
import decimal

import pytest

from ember.sql import Row
from ember.sql.errors import EmberTypeError, IllegalArgumentException


class _Person:
    def __init__(self):
        self.b = 1
        self.a = "x"


@pytest.mark.parametrize("data, names, expected", [
    ([(1, (2, 3))], ["a", "b"], "struct<a:bigint,b:struct<_1:bigint,_2:bigint>>"),
    ([([(1, 2)],)], None, "struct<_1:array<struct<_1:bigint,_2:bigint>>>"),
    ([(collections.namedtuple("NT", "x y")(1, 2),)], None, "struct<_1:struct<x:bigint,y:bigint>>"),
    ([{"b": 1, "a": (1, 2)}], None, "struct<a:struct<_1:bigint,_2:bigint>,b:bigint>"),
    ([(_Person(),)], None, "struct<_1:struct<a:string,b:bigint>>"),
    ([([1, "a", 2.5, True],)], None, "struct<_1:array<string>>"),
    ([("a",), (1,)], ["x"], "struct<x:string>"),
])
def test_inferred_schema_matches_pyspark(spark, data, names, expected):
    assert spark.createDataFrame(data, names).schema.simpleString() == expected


def test_tuples_and_objects_become_structs(spark):
    assert spark.createDataFrame([(1, (2, 3))], ["a", "b"]).collect() == [Row(a=1, b=Row(_1=2, _2=3))]
    assert spark.createDataFrame([((1, "a"),)]).collect() == [Row(_1=Row(_1=1, _2="a"))]
    assert spark.createDataFrame([_Person()]).collect() == [Row(a="x", b=1)]


def test_values_merged_into_strings_are_spelled_as_pyspark_spells_them(spark):
    rows = spark.createDataFrame([([1, "a", 2.5, True],)]).collect()
    assert rows == [Row(_1=["1", "a", "2.5", "true"])]
    rows = spark.createDataFrame([(["a", datetime.date(2020, 1, 2), 1.0, None, b"x"],)]).collect()
    assert rows == [Row(_1=["a", "2020-01-02", "1.0", None, "b'x'"])]
    rows = spark.createDataFrame([(["a", decimal.Decimal("1.50"), 1e20, 1e-5, False],)]).collect()
    assert rows == [Row(_1=["a", "1.50", "1e+20", "1e-05", "false"])]
    assert spark.createDataFrame([({"a": 1, "b": "x"},)]).collect() == [Row(_1={"a": "1", "b": "x"})]
    assert spark.createDataFrame([(1,), ("a",)], ["x"]).collect() == [Row(x="1"), Row(x="a")]


def test_any_iterable_of_rows_is_accepted(spark):
    assert spark.createDataFrame(zip([1, 2], ["a", "b"]), ["x", "y"]).collect() == [Row(x=1, y="a"), Row(x=2, y="b")]
    assert spark.createDataFrame(((i,) for i in range(2)), ["x"]).collect() == [Row(x=0), Row(x=1)]
    assert spark.createDataFrame(range(2), "int").collect() == [Row(value=0), Row(value=1)]


def test_a_dataframe_is_not_data(spark):
    df = spark.range(1)
    with pytest.raises(EmberTypeError, match=r"\[INVALID_TYPE\] Argument `data` should not be a DataFrame\."):
        spark.createDataFrame(df)


@pytest.mark.parametrize("data, error, message", [
    ([(1,), (2.0,)], EmberTypeError, "[CANNOT_MERGE_TYPE] Can not merge type `LongType` and `DoubleType`."),
    ([([1, 2.0],)], EmberTypeError, "[CANNOT_INFER_TYPE_FOR_FIELD] Unable to infer the type of the field `_1`."),
    ([(["a", [1, 2]],)], EmberTypeError, "[CANNOT_INFER_TYPE_FOR_FIELD] Unable to infer the type of the field `_1`."),
    ([1, 2], EmberTypeError, "[CANNOT_INFER_SCHEMA_FOR_TYPE] Can not infer schema for type: `int`."),
    ([(Row(a=1),), (Row(b=2),)], IllegalArgumentException, "[STRUCT_ARRAY_LENGTH_MISMATCH] Input row doesn't have "
     "expected number of values required by the schema. 2 fields are required while 1 values are provided."),
])
def test_uninferable_data_raises_pyspark_errors(spark, data, error, message):
    with pytest.raises(error) as info:
        spark.createDataFrame(data).collect()
    assert str(info.value).startswith(message)
    assert spark.createDataFrame([(1,)]).count() == 1
